using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol;

/// <summary>How a response is shaped on the wire beyond its content (from the scripted reply, or the defaults).</summary>
internal sealed record WireStyle(int? ChunkChars, IReadOnlyList<string> ReasoningFields, bool VllmStyle)
{
    public static readonly WireStyle Default = new(null, ["reasoning_content"], false);

    public static WireStyle From(ScriptedReply? reply) =>
        reply is null ? Default : new(reply.ChunkSize, reply.ReasoningFields, reply.VllmStyleChunks);
}

/// <summary>Renders a <see cref="ResponsePlan"/> as a <c>chat.completion</c> JSON body or as <c>chat.completion.chunk</c> SSE events.</summary>
internal static class CompletionWriter
{
    public const string SystemFingerprint = "fp_flock_emulator";

    private const int DefaultTokensPerChunk = 3;
    private const int DefaultArgumentFragment = 8;

    private static readonly string[] Alternatives = [" the", " a", ",", ".", " and", " of", " to"];

    /// <summary>The non-streaming response body; <paramref name="includeCost"/> puts the cost in <c>usage.cost</c>.</summary>
    public static string BuildCompletion(ResponsePlan plan, WireStyle style, bool includeCost = false)
    {
        var choices = new JsonArray();
        foreach (var choice in plan.Choices)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = choice.Content };
            if (choice.Reasoning is not null)
            {
                foreach (var field in style.ReasoningFields)
                {
                    message[field] = choice.Reasoning;
                }
            }

            if (choice.ToolCalls.Count > 0)
            {
                var calls = new JsonArray();
                foreach (var call in choice.ToolCalls)
                {
                    calls.Add(new JsonObject
                    {
                        ["id"] = call.Id,
                        ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = call.Arguments },
                    });
                }

                message["tool_calls"] = calls;
            }

            var entry = new JsonObject { ["index"] = choice.Index, ["message"] = message };
            if (plan.TopLogprobs is { } top)
            {
                entry["logprobs"] = Logprobs(choice.Content ?? "", top);
            }

            entry["finish_reason"] = choice.FinishReason;
            choices.Add(entry);
        }

        return JsonDefaults.Write(new JsonObject
        {
            ["id"] = plan.Id,
            ["object"] = "chat.completion",
            ["created"] = plan.Created,
            ["model"] = plan.Model,
            ["system_fingerprint"] = SystemFingerprint,
            ["choices"] = choices,
            ["usage"] = Usage(plan, includeCost),
        });
    }

    /// <summary>The stream's chunk events (compact JSON, without the usage chunk or <c>[DONE]</c>), choices interleaved.</summary>
    public static List<string> BuildChunks(ResponsePlan plan, WireStyle style)
    {
        var perChoice = plan.Choices.Select(c => ChoiceDeltas(c, plan.TopLogprobs, style)).ToList();
        var chunks = new List<string>();
        var longest = perChoice.Max(d => d.Count);
        for (var step = 0; step < longest; step++)
        {
            foreach (var deltas in perChoice)
            {
                if (step < deltas.Count)
                {
                    chunks.Add(JsonDefaults.Write(Envelope(plan, new JsonArray(deltas[step]))));
                }
            }
        }

        return chunks;
    }

    /// <summary>
    /// The final usage chunk, shaped like the proxy's: one empty-delta choice plus <c>usage</c>, with <c>usage.cost</c> when
    /// <paramref name="includeCost"/> (a proxy with <c>include_cost_in_streaming_usage</c>).
    /// </summary>
    public static string BuildUsageChunk(ResponsePlan plan, bool includeCost = false)
    {
        var envelope = Envelope(plan, new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = new JsonObject() }));
        envelope["usage"] = Usage(plan, includeCost);
        return JsonDefaults.Write(envelope);
    }

    private static JsonObject Envelope(ResponsePlan plan, JsonArray choices) => new()
    {
        ["id"] = plan.Id,
        ["object"] = "chat.completion.chunk",
        ["created"] = plan.Created,
        ["model"] = plan.Model,
        ["system_fingerprint"] = SystemFingerprint,
        ["choices"] = choices,
    };

    private static List<JsonObject> ChoiceDeltas(ChoicePlan choice, int? topLogprobs, WireStyle style)
    {
        var chunkChars = style.ChunkChars;
        var entries = new List<JsonObject>();
        var roleSent = false;

        JsonObject Delta()
        {
            var delta = new JsonObject();
            if (!roleSent)
            {
                delta["role"] = "assistant";
                roleSent = true;
            }

            return delta;
        }

        JsonObject Entry(JsonObject delta) => new() { ["index"] = choice.Index, ["delta"] = delta };

        foreach (var piece in Pieces(choice.Reasoning, chunkChars))
        {
            var delta = Delta();
            foreach (var field in style.ReasoningFields)
            {
                delta[field] = piece;
            }

            entries.Add(Entry(delta));
        }

        foreach (var piece in Pieces(choice.Content, chunkChars))
        {
            var delta = Delta();
            delta["content"] = piece;
            var entry = Entry(delta);
            if (topLogprobs is { } top)
            {
                entry["logprobs"] = Logprobs(piece, top);
            }

            entries.Add(entry);
        }

        for (var k = 0; k < choice.ToolCalls.Count; k++)
        {
            var call = choice.ToolCalls[k];
            var first = Delta();
            first["tool_calls"] = new JsonArray(new JsonObject
            {
                ["index"] = k,
                ["id"] = call.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
            });
            entries.Add(Entry(first));

            foreach (var fragment in Slices(call.Arguments, chunkChars ?? DefaultArgumentFragment))
            {
                var delta = Delta();
                delta["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["index"] = k,
                    ["function"] = new JsonObject { ["arguments"] = fragment },
                });
                entries.Add(Entry(delta));
            }
        }

        if (entries.Count == 0)
        {
            var empty = Delta();
            empty["content"] = "";
            entries.Add(Entry(empty));
        }

        entries.Add(new JsonObject { ["index"] = choice.Index, ["delta"] = new JsonObject(), ["finish_reason"] = choice.FinishReason });
        return style.VllmStyle ? VllmStyle(entries, choice.Index) : entries;
    }

    /// <summary>Rewrites entries as vLLM sends them: separate role chunk, explicit nulls, <c>stop_reason</c> on the finish.</summary>
    private static List<JsonObject> VllmStyle(List<JsonObject> entries, int index)
    {
        entries[0]["delta"]!.AsObject().Remove("role");
        if (entries[0]["delta"]!.AsObject().Count == 0 && entries.Count > 1 && entries[0]["finish_reason"] is null)
        {
            entries.RemoveAt(0);
        }

        entries.Insert(0, new JsonObject { ["index"] = index, ["delta"] = new JsonObject { ["role"] = "assistant", ["content"] = "" } });
        foreach (var entry in entries)
        {
            if (!entry.ContainsKey("logprobs"))
            {
                entry["logprobs"] = null;
            }

            if (!entry.ContainsKey("finish_reason"))
            {
                entry["finish_reason"] = null;
            }
            else
            {
                entry["stop_reason"] = null;
            }
        }

        return entries;
    }

    /// <summary>Text pieces: a few tokens each by default, or fixed character slices when a chunk size was scripted.</summary>
    private static IEnumerable<string> Pieces(string? text, int? chunkChars)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        if (chunkChars is { } size)
        {
            return Slices(text, size);
        }

        var pieces = Tokenizer.Split(text).Chunk(DefaultTokensPerChunk).Select(tokens => string.Concat(tokens));
        return text.Contains("think>", StringComparison.Ordinal) ? SplitThinkTags(text, pieces) : pieces;
    }

    /// <summary>
    /// Moves piece boundaries so that every think tag is cut in two mid-tag (<c>&lt;th</c> + <c>ink&gt;</c>) and glued to the
    /// text around it, the awkward places a real stream can cut, which a client's tag splitter must survive.
    /// </summary>
    private static List<string> SplitThinkTags(string text, IEnumerable<string> pieces)
    {
        var cuts = new SortedSet<int>();
        var offset = 0;
        foreach (var piece in pieces)
        {
            offset += piece.Length;
            cuts.Add(offset);
        }

        foreach (var tag in new[] { "<think>", "</think>" })
        {
            for (var at = text.IndexOf(tag, StringComparison.Ordinal); at >= 0; at = text.IndexOf(tag, at + tag.Length, StringComparison.Ordinal))
            {
                cuts.RemoveWhere(c => c >= at && c <= at + tag.Length);
                cuts.Add(at + 3);
            }
        }

        var result = new List<string>(cuts.Count);
        var start = 0;
        foreach (var cut in cuts)
        {
            if (cut > start)
            {
                result.Add(text[start..cut]);
                start = cut;
            }
        }

        if (start < text.Length)
        {
            result.Add(text[start..]);
        }

        return result;
    }

    /// <summary>Slices text into pieces of at most <paramref name="size"/> characters without splitting surrogate pairs.</summary>
    private static IEnumerable<string> Slices(string text, int size)
    {
        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(size, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length = length > 1 ? length - 1 : length + 1;
            }

            yield return text.Substring(start, length);
            start += length;
        }
    }

    private static JsonObject Usage(ResponsePlan plan, bool includeCost)
    {
        var usage = new JsonObject
        {
            ["prompt_tokens"] = plan.PromptTokens,
            ["completion_tokens"] = plan.CompletionTokens,
            ["total_tokens"] = plan.PromptTokens + plan.CompletionTokens,
        };
        if (plan.ReasoningTokens > 0)
        {
            usage["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = plan.ReasoningTokens };
        }

        // LiteLLM leaves a zero cost out (a free or unpriced answer has none), and writes the figure as a Python float.
        if (includeCost && plan.Cost is > 0 and var cost)
        {
            usage["cost"] = ModelCatalog.PythonNumber(cost);
        }

        return usage;
    }

    /// <summary>Deterministic log probabilities for each token of <paramref name="text"/>, with <paramref name="top"/> alternatives.</summary>
    private static JsonObject Logprobs(string text, int top)
    {
        var content = new JsonArray();
        foreach (var token in Tokenizer.Split(text))
        {
            var logprob = LogprobOf(token);
            var alternatives = new JsonArray();
            if (top > 0)
            {
                alternatives.Add(TokenEntry(token, logprob));
                foreach (var (alternative, rank) in Alternatives.Where(a => a != token).Take(top - 1).Select((a, r) => (a, r)))
                {
                    alternatives.Add(TokenEntry(alternative, Math.Round(logprob - (1.25 * (rank + 1)), 4)));
                }
            }

            var entry = TokenEntry(token, logprob);
            entry["top_logprobs"] = alternatives;
            content.Add(entry);
        }

        return new JsonObject { ["content"] = content };
    }

    private static JsonObject TokenEntry(string token, double logprob)
    {
        var bytes = new JsonArray();
        foreach (var b in Encoding.UTF8.GetBytes(token))
        {
            bytes.Add(b);
        }

        return new JsonObject { ["token"] = token, ["logprob"] = logprob, ["bytes"] = bytes };
    }

    private static double LogprobOf(string token)
    {
        uint hash = 2166136261;
        foreach (var c in token)
        {
            hash = (hash ^ c) * 16777619;
        }

        var value = -((hash % 3000) + 1) / 1000.0;
        return Math.Round(value, 4);
    }

    /// <summary>Formats an SSE line ending.</summary>
    public static string NewLine(bool crlf) => crlf ? "\r\n" : "\n";

    /// <summary>The keep-alive comment some servers send.</summary>
    public static string Ping(DateTimeOffset now) => ": ping - " + now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
}
