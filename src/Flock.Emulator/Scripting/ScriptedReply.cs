using System.Globalization;
using System.Text.Json;

namespace Flock.Emulator;

/// <summary>
/// A scripted answer for the next request: made by a static factory, refined with <c>with</c>, e.g.
/// <c>ScriptedReply.Text("Hi") with { ChunkSize = 2, Times = 3 }</c>.
/// </summary>
/// <remarks>
/// Stream-only settings (faults, keep-alives, CRLF, chunk size and timing) are ignored by a non-streaming request, which uses
/// the content, <see cref="Delay"/>, status and headers. Every delay runs on the emulator's <see cref="FlockEmulatorOptions.TimeProvider"/>.
/// </remarks>
public sealed record ScriptedReply
{
    // Shared, so that two replies built alike are equal as records.
    private static readonly string[] DefaultReasoningFields = ["reasoning_content"];

    private ScriptedReply(ScriptedReplyKind kind) => Kind = kind;

    internal ScriptedReplyKind Kind { get; }

    internal int Status { get; private init; } = 200;

    internal string? ErrorMessage { get; private init; }

    internal string? ErrorType { get; private init; }

    internal string? ErrorParam { get; private init; }

    internal string? ContentType { get; private init; }

    internal string? RawText { get; private init; }

    internal Uri? Location { get; private init; }

    internal IReadOnlyList<StreamFault> Faults { get; private init; } = [];

    /// <summary>The assistant's text (null with tool calls only).</summary>
    public string? Content { get; init; }

    /// <summary>Thinking text sent before the content or tool calls, in the form <see cref="ReasoningStyle"/> says.</summary>
    public string? ReasoningText { get; init; }

    /// <summary>How reasoning is sent; null uses the model's own form (a field for most models, think tags for the tag models).</summary>
    public ReasoningStyle? ReasoningStyle { get; init; }

    /// <summary>The message fields that carry reasoning in <see cref="Flock.Emulator.ReasoningStyle.Field"/> style; default <c>reasoning_content</c>.</summary>
    public IReadOnlyList<string> ReasoningFields
    {
        get;
        init => field = value is { Count: > 0 } && value.All(f => !string.IsNullOrWhiteSpace(f))
            ? value.ToArray()
            : throw new ArgumentException("Give at least one non-empty field name.", nameof(ReasoningFields));
    } = DefaultReasoningFields;

    /// <summary>Function calls returned with finish reason <c>tool_calls</c>.</summary>
    public IReadOnlyList<ScriptedToolCall> Calls { get; init; } = [];

    /// <summary>Overrides the finish reason of every choice (e.g. <c>length</c>, <c>content_filter</c>).</summary>
    public string? FinishReason { get; init; }

    /// <summary>Overrides the computed <c>prompt_tokens</c>.</summary>
    public int? PromptTokens { get => field; init => field = NotNegative(value, nameof(PromptTokens)); }

    /// <summary>Overrides the computed <c>completion_tokens</c>.</summary>
    public int? CompletionTokens { get => field; init => field = NotNegative(value, nameof(CompletionTokens)); }

    /// <summary>Overrides the <c>x-litellm-response-cost</c> header (USD) that is otherwise computed from the model's prices.</summary>
    public decimal? Cost { get => field; init => field = value is null or >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(Cost), value, "A cost cannot be negative."); }

    /// <summary>Extra response headers, sent on success and failure alike.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>Waits this long before the response starts (streaming or not).</summary>
    public TimeSpan Delay { get => field; init => field = NotNegative(value, nameof(Delay)); }

    /// <summary>Streaming: sends the headers at once, then waits this long before the first chunk (a slow first token).</summary>
    public TimeSpan FirstChunkDelay { get => field; init => field = NotNegative(value, nameof(FirstChunkDelay)); }

    /// <summary>Streaming: waits this long between chunks (a trickle).</summary>
    public TimeSpan ChunkInterval { get => field; init => field = NotNegative(value, nameof(ChunkInterval)); }

    /// <summary>Streaming: this many characters of text per chunk; tool-call arguments are streamed in fragments of this size too.</summary>
    public int? ChunkSize
    {
        get;
        init => field = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(ChunkSize), value, "A chunk holds at least one character.");
    }

    /// <summary>Streaming: sends a <c>: ping</c> SSE comment between chunks.</summary>
    public bool KeepAlives { get; init; }

    /// <summary>Streaming: ends lines with CRLF instead of LF.</summary>
    public bool CrLf { get; init; }

    /// <summary>
    /// Streaming: legal but unusual SSE framing — a leading BOM, <c>id:</c> and <c>event: message</c> lines, <c>data:</c>
    /// without a space, and each chunk's JSON split over two <c>data:</c> lines.
    /// </summary>
    public bool SseQuirks { get; init; }

    /// <summary>
    /// Streaming: chunks as vLLM sends them — a separate first chunk <c>{"role":"assistant","content":""}</c>, explicit
    /// <c>"logprobs":null</c> and <c>"finish_reason":null</c> on every chunk, <c>"stop_reason":null</c> on the finishing one.
    /// </summary>
    public bool VllmStyleChunks { get; init; }

    /// <summary>Streaming: sends every chunk but never <c>data: [DONE]</c>.</summary>
    public bool OmitDone { get; init; }

    /// <summary>Serves this reply for the next this-many requests instead of once.</summary>
    public int Times
    {
        get;
        init => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Times), value, "A reply is served at least once.");
    } = 1;

    /// <summary>An assistant message with this text content (finish reason <c>stop</c>).</summary>
    public static ScriptedReply Text(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new(ScriptedReplyKind.Completion) { Content = text };
    }

    /// <summary>A thinking model's answer: <paramref name="reasoning"/>, then <paramref name="answer"/> as content.</summary>
    public static ScriptedReply Reasoning(string reasoning, string answer)
    {
        ArgumentNullException.ThrowIfNull(reasoning);
        ArgumentNullException.ThrowIfNull(answer);
        return new(ScriptedReplyKind.Completion) { Content = answer, ReasoningText = reasoning };
    }

    /// <summary>One or more (parallel) function calls, finish reason <c>tool_calls</c>, no text content.</summary>
    public static ScriptedReply ToolCalls(params ScriptedToolCall[] calls)
    {
        ArgumentNullException.ThrowIfNull(calls);
        if (calls.Length == 0)
        {
            throw new ArgumentException("At least one tool call is needed.", nameof(calls));
        }

        return new(ScriptedReplyKind.Completion) { Calls = calls.ToArray() };
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

        return new(ScriptedReplyKind.Completion) { Content = json };
    }

    /// <summary>An error before any output, in the proxy's shape <c>{"error":{"message","type","param","code":"&lt;status&gt;"}}</c>.</summary>
    public static ScriptedReply Error(int status, string message, string? type = null, string? param = null)
    {
        CheckStatus(status);
        ArgumentNullException.ThrowIfNull(message);
        return new(ScriptedReplyKind.Error) { Status = status, ErrorMessage = message, ErrorType = type, ErrorParam = param };
    }

    /// <summary>Any status with a verbatim body, e.g. a load balancer's HTML error page.</summary>
    public static ScriptedReply RawBody(int status, string contentType, string body)
    {
        CheckStatus(status);
        ArgumentNullException.ThrowIfNull(contentType);
        ArgumentNullException.ThrowIfNull(body);
        return new(ScriptedReplyKind.Raw) { Status = status, ContentType = contentType, RawText = body };
    }

    /// <summary>A redirect (e.g. 307) with a <c>Location</c> header and an empty body.</summary>
    public static ScriptedReply Redirect(int status, Uri location)
    {
        ArgumentNullException.ThrowIfNull(location);
        if (status is < 300 or > 399)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A redirect status is 3xx.");
        }

        return new(ScriptedReplyKind.Redirect) { Status = status, Location = location };
    }

    /// <summary>Adds a response header.</summary>
    public ScriptedReply WithHeader(string name, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Headers = [.. Headers, new(name, value)] };
    }

    /// <summary>Adds <c>retry-after: &lt;seconds&gt;</c> (rounded up to whole seconds).</summary>
    public ScriptedReply WithRetryAfter(TimeSpan delay) =>
        WithHeader("retry-after", ((long)Math.Ceiling(NotNegative(delay, nameof(delay)).TotalSeconds)).ToString(CultureInfo.InvariantCulture));

    /// <summary>Adds <c>retry-after: &lt;HTTP date&gt;</c>.</summary>
    public ScriptedReply WithRetryAfterDate(DateTimeOffset date) =>
        WithHeader("retry-after", date.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture));

    /// <summary>
    /// After some chunks (default: half of them, at least one; 0 = as the very first event) sends <c>data: {"error": {...}}</c>
    /// Python-style and closes without <c>[DONE]</c> like the proxy (or with it, as other servers do, when <paramref name="thenDone"/>).
    /// </summary>
    public ScriptedReply FailMidStream(string message, int? afterChunks = null, bool thenDone = false)
    {
        ArgumentNullException.ThrowIfNull(message);
        return WithFault(new(StreamFaultKind.Error, CheckAfter(afterChunks), message, thenDone));
    }

    /// <summary>After some chunks (default: half of them, at least one) closes the connection without ending the response.</summary>
    public ScriptedReply CutMidStream(int? afterChunks = null) => WithFault(new(StreamFaultKind.Cut, CheckAfter(afterChunks)));

    /// <summary>Inserts one <c>data: {not json</c> event after some chunks (default: half of them, at least one), then continues.</summary>
    public ScriptedReply WithInvalidChunk(int? afterChunks = null) => WithFault(new(StreamFaultKind.InvalidChunk, CheckAfter(afterChunks)));

    /// <summary>Sends nothing for <paramref name="duration"/> after some chunks (default: half of them, at least one), then continues.</summary>
    public ScriptedReply StallMidStream(TimeSpan duration, int? afterChunks = null) =>
        WithFault(new(StreamFaultKind.Stall, CheckAfter(afterChunks), Duration: NotNegative(duration, nameof(duration))));

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ScriptedReplyKind.Error => $"Error {Status}: {ErrorMessage}",
        ScriptedReplyKind.Raw => $"Raw {Status} {ContentType}",
        ScriptedReplyKind.Redirect => $"Redirect {Status} -> {Location}",
        _ when Calls.Count > 0 => $"ToolCalls({string.Join(", ", Calls.Select(c => c.Name))})",
        _ => $"Text({Content})",
    };

    private ScriptedReply WithFault(StreamFault fault) => this with { Faults = [.. Faults, fault] };

    private static void CheckStatus(int status)
    {
        if (status is < 100 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "An HTTP status is between 100 and 599.");
        }
    }

    private static int? CheckAfter(int? afterChunks) =>
        afterChunks is < 0 ? throw new ArgumentOutOfRangeException(nameof(afterChunks), afterChunks, "afterChunks cannot be negative.") : afterChunks;

    private static TimeSpan NotNegative(TimeSpan value, string name) =>
        value < TimeSpan.Zero ? throw new ArgumentOutOfRangeException(name, value, $"{name} cannot be negative.") : value;

    private static int? NotNegative(int? value, string name) =>
        value < 0 ? throw new ArgumentOutOfRangeException(name, value, $"{name} cannot be negative.") : value;
}

/// <summary>How a thinking model's reasoning reaches the client.</summary>
public enum ReasoningStyle
{
    /// <summary>In a message field such as <c>reasoning_content</c> (a server with a reasoning parser).</summary>
    Field,

    /// <summary>Inside <c>content</c> as <c>&lt;think&gt;…&lt;/think&gt;</c> before the answer (no reasoning parser).</summary>
    ThinkTags,

    /// <summary>Inside <c>content</c>, followed only by a closing <c>&lt;/think&gt;</c> (Qwen3 thinking models without a parser).</summary>
    ClosingThinkTag,
}

/// <summary>What a scripted reply produces.</summary>
internal enum ScriptedReplyKind
{
    Completion,
    Error,
    Raw,
    Redirect,
}

internal enum StreamFaultKind
{
    Error,
    Cut,
    InvalidChunk,
    Stall,
}

/// <summary>A fault placed before the chunk at <paramref name="After"/> (null: half of the chunks, at least one).</summary>
internal sealed record StreamFault(StreamFaultKind Kind, int? After, string? Message = null, bool ThenDone = false, TimeSpan Duration = default);
