using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flock.Emulator.Protocol;

/// <summary>What one choice says: text, reasoning and/or tool calls.</summary>
internal sealed record ReplyContent(string? Content, string? Reasoning, IReadOnlyList<PlannedToolCall> ToolCalls);

/// <summary>
/// The emulator's deterministic answers when nothing is scripted: derived from the conversation so examples read sensibly,
/// calling offered tools the user mentions, summarising tool results, and honouring JSON response formats.
/// </summary>
internal static partial class BuiltInReplies
{
    private static readonly string[] Openers =
    [
        "You asked: {0}",
        "You wrote: {0}",
        "Your message was: {0}",
    ];

    private static readonly string[] Closers =
    [
        "This is the Flock emulator answering offline as {0}; no real model was consulted.",
        "The Flock emulator is replying offline as {0}, so treat this as a placeholder answer.",
        "I am the Flock emulator standing in for {0} without any network access.",
    ];

    private static readonly HashSet<string> StopWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "a", "an", "and", "or", "what", "what's", "whats", "is", "are", "in", "on", "at", "for", "of", "to", "please",
        "can", "could", "would", "will", "you", "me", "my", "i", "tell", "about", "how", "with", "this", "that", "use", "call",
        "get", "give", "show", "find", "look", "up", "now", "today", "there", "it", "be", "do", "does", "by", "from", "then",
    };

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}'\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"(?<=[a-z0-9])(?=[A-Z])|[_\-\s]+", RegexOptions.CultureInvariant)]
    private static partial Regex NameSplitPattern();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Whitespace();

    /// <summary>The built-in answer for choice <paramref name="choiceIndex"/>.</summary>
    public static ReplyContent Create(ChatRequest request, int choiceIndex)
    {
        var last = request.Messages[^1];
        var question = LastUserText(request);

        if (request.Tools.Count > 0 && request.ToolChoice != ToolChoiceMode.None && last.Role != "tool")
        {
            var chosen = ChooseTools(request, question);
            if (chosen.Count > 0)
            {
                var word = PickArgumentWord(question, chosen);
                var calls = chosen.Select(t => new PlannedToolCall(NewToolCallId(), t.Name, BuildArguments(t, word))).ToList();
                var thinking = request.Thinking
                    ? $"To answer this I need to call {string.Join(" and ", chosen.Select(t => t.Name))}."
                    : null;
                return new ReplyContent(null, thinking, calls);
            }
        }

        var variant = (int)(((request.Seed ?? 0) % 3 + 3) % 3 + choiceIndex) % 3;
        var text = last.Role == "tool" ? SummariseToolResults(request, choiceIndex) : Chat(request, question, variant, choiceIndex);

        var content = request.ResponseFormat switch
        {
            ResponseFormatKind.JsonObject => JsonDefaults.Write(new JsonObject { ["answer"] = text, ["model"] = request.Model }),
            ResponseFormatKind.JsonSchema when request.ResponseSchema is not null =>
                SchemaSampler.Sample(request.ResponseSchema, "example", requiredOnly: false) is { } sample ? JsonDefaults.Write(sample) : "null",
            ResponseFormatKind.JsonSchema => JsonDefaults.Write(new JsonObject { ["answer"] = text }),
            _ => text,
        };

        string? reasoning = null;
        if (request.Thinking)
        {
            reasoning = last.Role == "tool"
                ? "The tools have answered. I should pass their results on to the user."
                : $"The user wrote \"{Excerpt(question, 80)}\". I should answer briefly and make clear that this reply comes from the offline Flock emulator.";
        }

        return new ReplyContent(content, reasoning, []);
    }

    /// <summary>A tool-call id in vLLM's style: <c>chatcmpl-tool-&lt;32 hex&gt;</c>.</summary>
    public static string NewToolCallId() => "chatcmpl-tool-" + Guid.NewGuid().ToString("N");

    private static string Chat(ChatRequest request, string question, int variant, int choiceIndex)
    {
        var sb = new StringBuilder();
        if (question.Length == 0)
        {
            sb.Append("Hello!");
        }
        else
        {
            sb.AppendFormat(System.Globalization.CultureInfo.InvariantCulture, Openers[variant], QuotedSentence(Excerpt(question, 120)));
        }

        sb.Append(' ').AppendFormat(System.Globalization.CultureInfo.InvariantCulture, Closers[variant], request.Model);

        // Show that the history arrived: quote the user's previous turn.
        var userTurns = request.Messages.Where(m => m.Role == "user" && !string.IsNullOrWhiteSpace(m.Text)).ToList();
        if (userTurns.Count > 1)
        {
            sb.Append(" Earlier you asked: ").Append(QuotedSentence(Excerpt(userTurns[^2].Text!, 80)));
        }

        var system = request.Messages.FirstOrDefault(m => m.Role is "system" or "developer" && !string.IsNullOrWhiteSpace(m.Text));
        if (system is not null)
        {
            sb.Append(" Following your instructions (\"").Append(Excerpt(system.Text!, 80)).Append("\"), I will answer in that spirit.");
        }

        if (choiceIndex > 0)
        {
            sb.Append(" (Alternative answer ").Append(choiceIndex + 1).Append(".)");
        }

        return sb.ToString();
    }

    private static string SummariseToolResults(ChatRequest request, int choiceIndex)
    {
        var namesById = request.Messages
            .SelectMany(m => m.ToolCalls)
            .GroupBy(c => c.Id)
            .ToDictionary(g => g.Key, g => g.Last().Name);

        var results = new List<ChatMessage>();
        for (var i = request.Messages.Count - 1; i >= 0 && request.Messages[i].Role == "tool"; i--)
        {
            results.Insert(0, request.Messages[i]);
        }

        var sb = new StringBuilder();
        foreach (var result in results)
        {
            var name = result.ToolCallId is not null && namesById.TryGetValue(result.ToolCallId, out var n) ? n : result.Name ?? "tool";
            var content = result.Text ?? "";
            if (content.Length > 1000)
            {
                content = content[..1000] + "…";
            }

            sb.Append("The ").Append(name).Append(" tool returned: ").Append(Sentence(content.Trim())).Append(' ');
        }

        sb.Append("That is the answer from the Flock emulator running offline as ").Append(request.Model).Append('.');
        if (choiceIndex > 0)
        {
            sb.Append(" (Alternative answer ").Append(choiceIndex + 1).Append(".)");
        }

        return sb.ToString();
    }

    private static List<ToolDefinition> ChooseTools(ChatRequest request, string question)
    {
        if (request.ToolChoice == ToolChoiceMode.Function)
        {
            return request.Tools.Where(t => t.Name == request.ToolChoiceName).Take(1).ToList();
        }

        var lower = Whitespace().Replace(question.ToLowerInvariant(), " ");
        var mentioned = request.Tools.Where(t => Phrases(t.Name).Any(p => lower.Contains(p, StringComparison.Ordinal))).ToList();
        if (mentioned.Count == 0 && request.ToolChoice == ToolChoiceMode.Required)
        {
            mentioned.Add(request.Tools[0]);
        }

        return mentioned;
    }

    /// <summary>Ways a user may mention a function: its name, with separators as spaces, camel case split, and without a plugin prefix.</summary>
    private static IEnumerable<string> Phrases(string name)
    {
        var phrases = new HashSet<string>(StringComparer.Ordinal) { name.ToLowerInvariant() };
        void AddSplit(string n)
        {
            phrases.Add(n.ToLowerInvariant());
            var words = NameSplitPattern().Split(n).Where(w => w.Length > 0).Select(w => w.ToLowerInvariant());
            phrases.Add(string.Join(' ', words));
        }

        AddSplit(name);
        var dash = name.LastIndexOf('-');
        if (dash > 0 && dash < name.Length - 1)
        {
            AddSplit(name[(dash + 1)..]);
        }

        // SK's MEAI bridge names kernel functions "Plugin_function": the part after the plugin counts as a mention too.
        var underscore = name.IndexOf('_', StringComparison.Ordinal);
        if (underscore > 0 && underscore < name.Length - 1)
        {
            AddSplit(name[(underscore + 1)..]);
        }

        return phrases.Where(p => p.Length > 0);
    }

    private static string PickArgumentWord(string question, IReadOnlyList<ToolDefinition> tools)
    {
        var excluded = new HashSet<string>(
            tools.SelectMany(t => NameSplitPattern().Split(t.Name)).Where(w => w.Length > 0),
            StringComparer.OrdinalIgnoreCase);

        var matches = WordPattern().Matches(question);
        string? capitalized = null;
        string? longest = null;
        foreach (Match match in matches)
        {
            var word = match.Value.Trim('\'', '-');
            if (word.Length == 0 || excluded.Contains(word) || StopWords.Contains(word))
            {
                continue;
            }

            var before = question[..match.Index].TrimEnd();
            var startsSentence = before.Length == 0 || before[^1] is '.' or '!' or '?' or ':' or '"';
            if (char.IsUpper(word[0]) && !startsSentence)
            {
                capitalized = word;
            }

            if (word.Length > 3 && (longest is null || word.Length >= longest.Length))
            {
                longest = word;
            }
        }

        return capitalized ?? longest ?? "example";
    }

    private static string BuildArguments(ToolDefinition tool, string word) =>
        tool.Parameters is null
            ? "{}"
            : SchemaSampler.Sample(tool.Parameters, word, requiredOnly: true) is JsonObject arguments ? JsonDefaults.Write(arguments) : "{}";

    private static string LastUserText(ChatRequest request)
    {
        var user = request.Messages.LastOrDefault(m => m.Role == "user");
        return Whitespace().Replace(user?.Text ?? "", " ").Trim();
    }

    /// <summary>Ends text as a sentence: a period unless it already ends in one (or in !, ?, or an ellipsis).</summary>
    private static string Sentence(string text) =>
        text.Length == 0 ? "(nothing)." : text[^1] is '.' or '!' or '?' or '…' ? text : text + ".";

    /// <summary>Quotes text as a sentence of its own: <c>"How are you?"</c> stays so, <c>"Hi"</c> becomes <c>"Hi".</c></summary>
    private static string QuotedSentence(string text) =>
        text.Length > 0 && text[^1] is '.' or '!' or '?' or '…' ? $"\"{text}\"" : $"\"{text}\".";

    private static string Excerpt(string text, int max)
    {
        var flat = Whitespace().Replace(text, " ").Trim();
        return flat.Length <= max ? flat : flat[..(max - 1)].TrimEnd() + "…";
    }
}
