using System.Text.Json;

namespace Flock.Emulator;

/// <summary>A scripted answer for the next request: build one with a static factory, then refine it with the fluent <c>With…</c> modifiers.</summary>
/// <remarks>
/// Instances are immutable: every modifier returns a new reply. Stream faults (<see cref="FailMidStream"/>, <see cref="CutMidStream"/>,
/// <see cref="WithInvalidChunk"/>, <see cref="StallMidStream"/>, <see cref="WithoutDone"/>, keep-alives, CRLF, chunk size) only apply
/// to streaming requests; a non-streaming request uses the content, delay, status and headers.
/// </remarks>
public sealed class ScriptedReply
{
    private ScriptedReply(ScriptedReplyKind kind)
    {
        Kind = kind;
    }

    internal ScriptedReplyKind Kind { get; }

    internal string? Content { get; private set; }

    internal string? ReasoningText { get; private set; }

    internal IReadOnlyList<ScriptedToolCall> Calls { get; private set; } = [];

    internal int Status { get; private set; } = 200;

    internal string? ErrorMessage { get; private set; }

    internal string? ErrorType { get; private set; }

    internal string? ErrorParam { get; private set; }

    internal string? ContentType { get; private set; }

    internal string? RawText { get; private set; }

    internal Uri? Location { get; private set; }

    internal IReadOnlyList<KeyValuePair<string, string>> ExtraHeaders { get; private set; } = [];

    internal TimeSpan Delay { get; private set; }

    internal int? ChunkChars { get; private set; }

    internal bool KeepAlives { get; private set; }

    internal bool CrLf { get; private set; }

    internal string? MidStreamError { get; private set; }

    internal int? MidStreamErrorAfter { get; private set; }

    internal bool MidStreamErrorThenDone { get; private set; }

    internal IReadOnlyList<string> ReasoningFields { get; private set; } = ["reasoning_content"];

    internal bool VllmStyle { get; private set; }

    internal bool SseQuirks { get; private set; }

    internal bool Cut { get; private set; }

    internal int? CutAfter { get; private set; }

    internal bool NoDone { get; private set; }

    internal bool InvalidChunk { get; private set; }

    internal int? InvalidChunkAfter { get; private set; }

    internal TimeSpan? Stall { get; private set; }

    internal int? StallAfter { get; private set; }

    internal string? FinishReason { get; private set; }

    internal (int Prompt, int Completion)? Usage { get; private set; }

    internal int Count { get; private set; } = 1;

    /// <summary>An assistant message with this text content (finish reason <c>stop</c>).</summary>
    public static ScriptedReply Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new ScriptedReply(ScriptedReplyKind.Completion) { Content = text };
    }

    /// <summary>A thinking-model answer: <paramref name="reasoning"/> in <c>reasoning_content</c>, then <paramref name="answer"/> as content.</summary>
    public static ScriptedReply Reasoning(string reasoning, string answer)
    {
        ArgumentNullException.ThrowIfNull(reasoning);
        ArgumentNullException.ThrowIfNull(answer);
        return new ScriptedReply(ScriptedReplyKind.Completion) { Content = answer, ReasoningText = reasoning };
    }

    /// <summary>One or more (parallel) function calls, finish reason <c>tool_calls</c>, no text content.</summary>
    public static ScriptedReply ToolCalls(params ScriptedToolCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Length == 0)
        {
            throw new ArgumentException("At least one tool call is needed.", nameof(calls));
        }

        return new ScriptedReply(ScriptedReplyKind.Completion) { Calls = calls.ToArray() };
    }

    /// <summary>Text content that is a JSON document (checked to parse, so a typo in a test fails early).</summary>
    public static ScriptedReply Json(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"ScriptedReply.Json needs valid JSON: {ex.Message}", nameof(json), ex);
        }

        return new ScriptedReply(ScriptedReplyKind.Completion) { Content = json };
    }

    /// <summary>An error before any output, in the proxy's shape <c>{"error":{"message","type","param","code":"&lt;status&gt;"}}</c>.</summary>
    public static ScriptedReply Error(int status, string message, string? type = null, string? param = null)
    {
        CheckStatus(status);
        ArgumentNullException.ThrowIfNull(message);
        return new ScriptedReply(ScriptedReplyKind.Error) { Status = status, ErrorMessage = message, ErrorType = type, ErrorParam = param };
    }

    /// <summary>Any status with a verbatim body, e.g. a load balancer's HTML error page.</summary>
    public static ScriptedReply RawBody(int status, string contentType, string body)
    {
        CheckStatus(status);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(body);
        return new ScriptedReply(ScriptedReplyKind.Raw) { Status = status, ContentType = contentType, RawText = body };
    }

    /// <summary>A redirect (e.g. 307) with a <c>Location</c> header and an empty body.</summary>
    public static ScriptedReply Redirect(int status, Uri location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (status is < 300 or > 399)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A redirect status is 3xx.");
        }

        return new ScriptedReply(ScriptedReplyKind.Redirect) { Status = status, Location = location };
    }

    /// <summary>Adds <c>retry-after: &lt;seconds&gt;</c> (rounded up to whole seconds).</summary>
    public ScriptedReply WithRetryAfter(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "Retry-After cannot be negative.");
        }

        var seconds = (long)Math.Ceiling(delay.TotalSeconds);
        return WithHeader("retry-after", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Adds <c>retry-after: &lt;HTTP date&gt;</c>.</summary>
    public ScriptedReply WithRetryAfterDate(DateTimeOffset date) =>
        WithHeader("retry-after", date.ToUniversalTime().ToString("r", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Adds a response header.</summary>
    public ScriptedReply WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        var copy = Clone();
        copy.ExtraHeaders = [.. ExtraHeaders, new KeyValuePair<string, string>(name, value)];
        return copy;
    }

    /// <summary>Waits this long before the response starts (streaming or not).</summary>
    public ScriptedReply WithDelay(TimeSpan delay)
    {
        if (delay < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, "Delay cannot be negative.");
        }

        var copy = Clone();
        copy.Delay = delay;
        return copy;
    }

    /// <summary>Streams this many characters of text per content chunk; tool-call arguments are streamed in fragments of this size too.</summary>
    public ScriptedReply WithChunkSize(int chars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chars, 1);
        var copy = Clone();
        copy.ChunkChars = chars;
        return copy;
    }

    /// <summary>Sends a <c>: ping</c> SSE comment between streamed chunks.</summary>
    public ScriptedReply WithKeepAlives()
    {
        var copy = Clone();
        copy.KeepAlives = true;
        return copy;
    }

    /// <summary>Ends streamed lines with CRLF instead of LF.</summary>
    public ScriptedReply WithCrLf()
    {
        var copy = Clone();
        copy.CrLf = true;
        return copy;
    }

    /// <summary>
    /// After some chunks (default: half of them, at least one; 0 = as the very first event) sends <c>data: {"error": {...}}</c>
    /// Python-style and closes without <c>[DONE]</c> like the proxy (or with it, as other servers do, when <paramref name="thenDone"/>).
    /// </summary>
    public ScriptedReply FailMidStream(string message, int? afterChunks = null, bool thenDone = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        CheckAfter(afterChunks);
        var copy = Clone();
        copy.MidStreamError = message;
        copy.MidStreamErrorAfter = afterChunks;
        copy.MidStreamErrorThenDone = thenDone;
        return copy;
    }

    /// <summary>Sends reasoning under these field names instead of <c>reasoning_content</c> (e.g. <c>"reasoning"</c>, or both).</summary>
    public ScriptedReply WithReasoningFields(params string[] fieldNames)
    {
        ArgumentNullException.ThrowIfNull(fieldNames);
        if (fieldNames.Length == 0 || fieldNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Give at least one non-empty field name.", nameof(fieldNames));
        }

        var copy = Clone();
        copy.ReasoningFields = fieldNames.ToArray();
        return copy;
    }

    /// <summary>
    /// Streams chunks the way vLLM does: a separate first chunk <c>{"role":"assistant","content":""}</c>, explicit
    /// <c>"logprobs":null</c> and <c>"finish_reason":null</c> on every chunk, and <c>"stop_reason":null</c> on the finishing one.
    /// </summary>
    public ScriptedReply WithVllmStyleChunks()
    {
        var copy = Clone();
        copy.VllmStyle = true;
        return copy;
    }

    /// <summary>
    /// Uses legal but unusual SSE framing: a leading BOM, <c>id:</c> and <c>event: message</c> lines, <c>data:</c> without a space,
    /// and each chunk's JSON split over two <c>data:</c> lines.
    /// </summary>
    public ScriptedReply WithSseQuirks()
    {
        var copy = Clone();
        copy.SseQuirks = true;
        return copy;
    }

    /// <summary>After some chunks (default: half of them, at least one) aborts the connection.</summary>
    public ScriptedReply CutMidStream(int? afterChunks = null)
    {
        CheckAfter(afterChunks);
        var copy = Clone();
        copy.Cut = true;
        copy.CutAfter = afterChunks;
        return copy;
    }

    /// <summary>Streams every chunk normally but never sends <c>data: [DONE]</c>.</summary>
    public ScriptedReply WithoutDone()
    {
        var copy = Clone();
        copy.NoDone = true;
        return copy;
    }

    /// <summary>Inserts one <c>data: {not json</c> event after some chunks (default: half of them, at least one), then continues.</summary>
    public ScriptedReply WithInvalidChunk(int? afterChunks = null)
    {
        CheckAfter(afterChunks);
        var copy = Clone();
        copy.InvalidChunk = true;
        copy.InvalidChunkAfter = afterChunks;
        return copy;
    }

    /// <summary>Sends nothing for <paramref name="duration"/> after some chunks (default: half of them, at least one), then continues.</summary>
    public ScriptedReply StallMidStream(TimeSpan duration, int? afterChunks = null)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), duration, "A stall cannot be negative.");
        }

        CheckAfter(afterChunks);
        var copy = Clone();
        copy.Stall = duration;
        copy.StallAfter = afterChunks;
        return copy;
    }

    /// <summary>Overrides the finish reason of every choice (e.g. <c>length</c>, <c>content_filter</c>).</summary>
    public ScriptedReply WithFinishReason(string finishReason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(finishReason);
        var copy = Clone();
        copy.FinishReason = finishReason;
        return copy;
    }

    /// <summary>Overrides the computed usage (total is their sum).</summary>
    public ScriptedReply WithUsage(int promptTokens, int completionTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(promptTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(completionTokens);
        var copy = Clone();
        copy.Usage = (promptTokens, completionTokens);
        return copy;
    }

    /// <summary>Adds <c>reasoning_content</c> before the content or tool calls.</summary>
    public ScriptedReply WithReasoning(string reasoning)
    {
        ArgumentNullException.ThrowIfNull(reasoning);
        var copy = Clone();
        copy.ReasoningText = reasoning;
        return copy;
    }

    /// <summary>Serves this reply for the next <paramref name="count"/> requests instead of once.</summary>
    public ScriptedReply Times(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var copy = Clone();
        copy.Count = count;
        return copy;
    }

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ScriptedReplyKind.Error => $"Error {Status}: {ErrorMessage}",
        ScriptedReplyKind.Raw => $"Raw {Status} {ContentType}",
        ScriptedReplyKind.Redirect => $"Redirect {Status} -> {Location}",
        _ when Calls.Count > 0 => $"ToolCalls({string.Join(", ", Calls.Select(c => c.Name))})",
        _ => $"Text({Content})",
    };

    private ScriptedReply Clone() => (ScriptedReply)MemberwiseClone();

    private static void CheckStatus(int status)
    {
        if (status is < 100 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "An HTTP status is between 100 and 599.");
        }
    }

    private static void CheckAfter(int? afterChunks)
    {
        if (afterChunks is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(afterChunks), afterChunks, "afterChunks cannot be negative.");
        }
    }
}

/// <summary>What a scripted reply produces.</summary>
internal enum ScriptedReplyKind
{
    Completion,
    Error,
    Raw,
    Redirect,
}
