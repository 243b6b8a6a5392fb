using System.Text;
using System.Text.Json;

namespace Flock.Tests.Support;

/// <summary>Builds answers in Flock's wire form for a <see cref="RecordingHandler"/>: completions and SSE streams with chosen content.</summary>
public static class CannedAnswers
{
    public const string Id = "chatcmpl-canned";
    public const string DefaultUsage = """{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42}""";

    /// <summary>A non-streamed completion with one choice.</summary>
    public static string Completion(
        string? content, string? reasoning = null, string finishReason = "stop", string model = TestFlock.Model, string? logprobs = null, string? usage = DefaultUsage)
    {
        var message = new StringBuilder("""{"role":"assistant","content":""").Append(Json(content));
        if (reasoning is not null)
        {
            message.Append(""","reasoning_content":""").Append(Json(reasoning));
        }

        message.Append('}');
        var choice = $$"""{"index":0,"message":{{message}},"finish_reason":"{{finishReason}}" """.TrimEnd() + (logprobs is null ? "" : ",\"logprobs\":" + logprobs) + "}";
        return $$"""{"id":"{{Id}}","object":"chat.completion","created":1735689600,"model":"{{model}}","choices":[{{choice}}]""" + (usage is null ? "" : ",\"usage\":" + usage) + "}";
    }

    /// <summary>One <c>data:</c> event of a chunk whose choice <paramref name="index"/> has <paramref name="delta"/> (a JSON object).</summary>
    public static string Chunk(string delta, string? finishReason = null, int index = 0, string model = TestFlock.Model, string? logprobs = null)
    {
        var choice = $$"""{"index":{{index}},"delta":{{delta}}""" + (finishReason is null ? "" : ",\"finish_reason\":\"" + finishReason + "\"")
            + (logprobs is null ? "" : ",\"logprobs\":" + logprobs) + "}";
        return $$"""data: {"id":"{{Id}}","object":"chat.completion.chunk","created":1735689700,"model":"{{model}}","choices":[{{choice}}]}""" + "\n\n";
    }

    /// <summary>The proxy's usage chunk, then <c>[DONE]</c>.</summary>
    public static string End(string? usage = DefaultUsage, string model = TestFlock.Model) =>
        (usage is null ? "" : $$"""data: {"id":"{{Id}}","object":"chat.completion.chunk","created":1735689700,"model":"{{model}}","choices":[{"index":0,"delta":""" + "{}}],\"usage\":" + usage + "}\n\n")
        + "data: [DONE]\n\n";

    /// <summary>A stream of <paramref name="content"/> cut into pieces of <paramref name="size"/> characters (reasoning first, in its own field, when given).</summary>
    public static string Stream(
        string content, int size = 3, string? reasoning = null, string finishReason = "stop", string model = TestFlock.Model, string? usage = DefaultUsage)
    {
        var sse = new StringBuilder(Chunk("""{"role":"assistant","content":""}""", model: model));
        foreach (var piece in Pieces(reasoning ?? "", size))
        {
            sse.Append(Chunk($$"""{"reasoning_content":{{Json(piece)}}}""", model: model));
        }

        foreach (var piece in Pieces(content, size))
        {
            sse.Append(Chunk($$"""{"content":{{Json(piece)}}}""", model: model));
        }

        return sse.Append(Chunk("{}", finishReason, model: model)).Append(End(usage, model)).ToString();
    }

    /// <summary><paramref name="text"/> in pieces of <paramref name="size"/> characters.</summary>
    public static IEnumerable<string> Pieces(string text, int size)
    {
        for (var i = 0; i < text.Length; i += size)
        {
            yield return text.Substring(i, Math.Min(size, text.Length - i));
        }
    }

    public static string Json(string? text) => JsonSerializer.Serialize(text);
}
