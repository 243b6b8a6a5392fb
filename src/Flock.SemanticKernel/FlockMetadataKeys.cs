namespace Flock.SemanticKernel;

/// <summary>Keys of the metadata the SK service attaches to <c>ChatMessageContent</c> and <c>StreamingChatMessageContent</c>.</summary>
public static class FlockMetadataKeys
{
    /// <summary>The completion id (<c>chatcmpl-…</c>), a <see cref="string"/>.</summary>
    public const string Id = "Id";

    /// <summary>When the server created the completion, a <see cref="DateTimeOffset"/>.</summary>
    public const string Created = "Created";

    /// <summary>Why generation stopped (<c>stop</c>, <c>length</c>, <c>tool_calls</c>…), a <see cref="string"/>.</summary>
    public const string FinishReason = "FinishReason";

    /// <summary>Token usage, a <see cref="FlockUsage"/>; on the final update of a stream.</summary>
    public const string Usage = "Usage";

    /// <summary>The server's system fingerprint, a <see cref="string"/>.</summary>
    public const string SystemFingerprint = "SystemFingerprint";

    /// <summary>Log probabilities of the answer's tokens (of the piece's, on a streamed update), a <see cref="FlockLogprobs"/>; when asked for.</summary>
    public const string Logprobs = "Logprobs";

    /// <summary>What the call cost in USD, a <see cref="decimal"/>: on results and on the final usage update of a stream, when known.</summary>
    public const string Cost = "Cost";

    /// <summary>
    /// What the proxy said of the call beyond its body (call id, rate limits, cost parts), a <see cref="FlockResponseInfo"/>:
    /// on results and on a stream's first and final updates. With function invocation, the last model call's.
    /// </summary>
    public const string ResponseInfo = "ResponseInfo";
}
