using System.Collections.Frozen;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Spots keys that are likely misspellings of a known parameter (<c>temprature</c>, <c>max_token</c>). Unknown keys are
/// still sent — they are how callers reach the model server — but a likely typo deserves a warning.
/// </summary>
internal static class ParameterNames
{
    /// <summary>Body fields the connector writes itself: a key close to one of these is a typo too.</summary>
    private static readonly string[] BodyFields = ["model", "messages", "stream", "tools", "tool_choice", "parallel_tool_calls"];

    /// <summary>
    /// Request fields model servers behind the proxy are known to accept beyond the parameter table (vLLM sampling and guided
    /// decoding, LiteLLM's own): never reported as a likely misspelling. Kept here, not in the table, so that only a call
    /// with keys to check pays for them.
    /// </summary>
    private static readonly string[] KnownServerFields =
    [
        "min_tokens", "length_penalty", "ignore_eos", "skip_special_tokens", "spaces_between_special_tokens", "use_beam_search",
        "include_stop_str_in_output", "stop_token_ids", "bad_words", "allowed_token_ids", "prompt_logprobs", "truncate_prompt_tokens",
        "guided_json", "guided_regex", "guided_choice", "guided_grammar", "guided_decoding_backend", "guided_whitespace_pattern",
        "structured_outputs", "chat_template", "add_generation_prompt", "continue_final_message", "add_special_tokens",
        "documents", "echo", "priority", "request_id", "return_tokens_as_token_ids", "kv_transfer_params", "vllm_xargs",
        "metadata", "mock_response", "caching", "thinking", "reasoning",
        "service_tier", "store", "modalities", "prediction", "audio", "web_search_options", "parallel_tool_calls", "functions",
        "function_call", "top_a", "typical_p", "tfs", "mirostat", "dynatemp_range", "smoothing_factor",
    ];

    private static readonly string[] Candidates = ChatParameters.Names.Concat(BodyFields).Concat(KnownServerFields).Distinct().ToArray();

    private static readonly FrozenSet<string> Known = Candidates.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// The known name <paramref name="key"/> is most likely a misspelling of, or null. Short keys (3 characters or fewer) and
    /// known names are never flagged; the edit distance allowed grows with the key: 1 up to 5 characters, 2 up to 9, then 3.
    /// </summary>
    public static string? LikelyMeant(string key)
    {
        if (key.Length <= 3 || Known.Contains(key))
        {
            return null;
        }

        var allowed = key.Length <= 5 ? 1 : key.Length <= 9 ? 2 : 3;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in Candidates)
        {
            if (Math.Abs(candidate.Length - key.Length) > allowed)
            {
                continue;
            }

            var distance = Distance(key, candidate);
            if (distance <= allowed && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return best;
    }

    /// <summary>Edit distance counting an insertion, deletion, substitution or swap of neighbours as one (case-insensitive).</summary>
    private static int Distance(string a, string b)
    {
        var rows = new int[3, b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            rows[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            var current = i % 3;
            var previous = (i - 1) % 3;
            var beforePrevious = (i - 2 + 3) % 3;
            rows[current, 0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 1]) ? 0 : 1;
                var value = Math.Min(Math.Min(rows[previous, j] + 1, rows[current, j - 1] + 1), rows[previous, j - 1] + cost);
                if (i > 1 && j > 1 && char.ToLowerInvariant(a[i - 1]) == char.ToLowerInvariant(b[j - 2]) && char.ToLowerInvariant(a[i - 2]) == char.ToLowerInvariant(b[j - 1]))
                {
                    value = Math.Min(value, rows[beforePrevious, j - 2] + 1);
                }

                rows[current, j] = value;
            }
        }

        return rows[a.Length % 3, b.Length];
    }
}
