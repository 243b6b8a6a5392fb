namespace Flock.Extensions.AI.Wire;

/// <summary>What an SSE event held.</summary>
internal enum StreamEventKind
{
    /// <summary>A <c>chat.completion.chunk</c> (possibly carrying the proxy's mid-stream <c>error</c>).</summary>
    Chunk,

    /// <summary>The <c>[DONE]</c> marker.</summary>
    Done,

    /// <summary>An event with no data.</summary>
    Empty,
}

/// <summary>
/// One streamed chunk, parsed in place from the event's UTF-8 bytes by <see cref="StreamChunkParser"/>. A stream reuses a
/// single instance: each event overwrites it, so a consumer reads what it needs before asking for the next one. Strings
/// that repeat on every chunk (id, model, fingerprint) are kept from the previous chunk when the bytes are the same.
/// </summary>
internal sealed class StreamChunk
{
    private ChoiceDelta[] _choices = new ChoiceDelta[1];
    // Made when a stream first carries a tool call: a text stream never loads the types.
    private List<ToolCall>? _toolCalls;
    private int _toolCallCount;

    public StreamEventKind Kind { get; set; }

    /// <summary>The envelope the stream's chunks repeat, for the parser to read past (see <see cref="ChunkEnvelope"/>).</summary>
    public ChunkEnvelope Envelope { get; } = new();
    public string? Id { get; set; }
    public string? Model { get; set; }
    public long? Created { get; set; }
    public string? SystemFingerprint { get; set; }

    /// <summary>The UTF-8 bytes behind <see cref="Id"/>, <see cref="Model"/> and <see cref="SystemFingerprint"/>, to recognise repeats.</summary>
    internal byte[]? IdUtf8, ModelUtf8, SystemFingerprintUtf8;
    public Usage? Usage { get; set; }

    /// <summary>What the proxy said in the stream's headers (call id, limits): the same on every chunk.</summary>
    public FlockResponseInfo? ResponseInfo { get; init; }
    public ErrorDetail? Error { get; set; }

    /// <summary>How many entries of <see cref="Choices"/> this chunk filled.</summary>
    public int ChoiceCount { get; private set; }

    /// <summary>The choices of this chunk: the first <see cref="ChoiceCount"/> entries.</summary>
    public ReadOnlySpan<ChoiceDelta> Choices => new(_choices, 0, ChoiceCount);

    /// <summary>Clears what belongs to one chunk only (ids are kept so they can be reused).</summary>
    public void Reset(StreamEventKind kind)
    {
        Kind = kind;
        Usage = null;
        Error = null;
        Array.Clear(_choices, 0, ChoiceCount);
        ChoiceCount = 0;
        _toolCallCount = 0;
    }

    /// <summary>The tool-call fragments of <paramref name="choice"/> (objects reused by the next chunk: copy what you keep).</summary>
    public ReadOnlySpan<ToolCall> ToolCallsOf(in ChoiceDelta choice) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_toolCalls).Slice(choice.ToolCallStart, choice.ToolCallCount);

    /// <summary>A cleared tool-call fragment to fill, from the stream's pool; it belongs to the choice being parsed.</summary>
    public ToolCall NextToolCall()
    {
        _toolCalls ??= [];
        if (_toolCallCount == _toolCalls.Count)
        {
            _toolCalls.Add(new ToolCall { Function = new FunctionCall() });
        }

        var call = _toolCalls[_toolCallCount++];
        call.Index = null;
        call.Id = null;
        call.Type = null;
        call.Function!.Name = null;
        call.Function.Arguments = null;
        return call;
    }

    /// <summary>Where the next fragment will go (for <see cref="ChoiceDelta.ToolCallStart"/>).</summary>
    public int ToolCallPosition => _toolCallCount;

    /// <summary>Adds a choice slot and returns it to be filled.</summary>
    public ref ChoiceDelta AddChoice()
    {
        if (ChoiceCount == _choices.Length)
        {
            Array.Resize(ref _choices, _choices.Length * 2);
        }

        return ref _choices[ChoiceCount++];
    }
}

/// <summary>One choice's delta in a streamed chunk.</summary>
internal struct ChoiceDelta
{
    public int Index;
    public string? Role;
    public string? Content;

    /// <summary>Reasoning text: <c>reasoning_content</c>, else <c>reasoning</c> (never both).</summary>
    public string? Reasoning;

    /// <summary>Where this choice's tool-call fragments start in the chunk (see <see cref="StreamChunk.ToolCallsOf"/>).</summary>
    public int ToolCallStart;

    /// <summary>How many tool-call fragments this choice carries.</summary>
    public int ToolCallCount;

    /// <summary>Null until the finishing chunk; an empty string from some servers also means "not yet".</summary>
    public string? FinishReason;

    /// <summary>The log probabilities of this piece's tokens, when asked for (null when absent: nothing is allocated then).</summary>
    public FlockLogprobs? Logprobs;

    /// <summary>Whether the choice carries anything (the proxy's usage chunk has an empty <c>delta</c>).</summary>
    public readonly bool IsEmpty => Role is null && Content is null && Reasoning is null && ToolCallCount == 0 && FinishReason is null && Logprobs is null;
}
