namespace Flock.Extensions.AI;

/// <summary>
/// Keys under which <see cref="FlockChatClient"/> puts Flock's per-choice data in <c>AdditionalProperties</c> of the
/// <c>ChatMessage</c>s and <c>ChatResponseUpdate</c>s it returns (and of the <c>ChatResponse</c> for the fingerprint).
/// </summary>
/// <remarks>A streamed response's tool calls are whole (<c>FunctionCallContent</c>), with the arguments' JSON text as Flock sent it as their <c>RawRepresentation</c>.</remarks>
public static class FlockPropertyNames
{
    /// <summary>The choice an update or message belongs to (an <see cref="int"/>), set only for choices after the first (<c>n</c> &gt; 1).</summary>
    public const string ChoiceIndex = "choice_index";

    /// <summary>A message's <c>finish_reason</c> as Flock sent it (a <see cref="string"/>); each choice of <c>n</c> &gt; 1 has its own.</summary>
    public const string FinishReason = "finish_reason";

    /// <summary>A message's log probabilities as Flock sent them (a <see cref="System.Text.Json.JsonElement"/>), when asked for.</summary>
    public const string Logprobs = "logprobs";

    /// <summary>The server's <c>system_fingerprint</c> (a <see cref="string"/>): on the response, and on each choice's finishing update of a stream.</summary>
    public const string SystemFingerprint = "system_fingerprint";
}
