namespace Flock.Extensions.AI;

/// <summary>
/// Keys under which <see cref="FlockChatClient"/> puts Flock's per-choice data in <c>AdditionalProperties</c> of the
/// <c>ChatMessage</c>s and <c>ChatResponseUpdate</c>s it returns (and of the <c>ChatResponse</c> for the fingerprint,
/// logprobs and cost), its cost counts in <c>UsageDetails.AdditionalCounts</c>, and the image data <see cref="FlockImageGenerator"/> adds.
/// </summary>
/// <remarks>A streamed response's tool calls are whole (<c>FunctionCallContent</c>), with the arguments' JSON text as Flock sent it as their <c>RawRepresentation</c>.</remarks>
public static class FlockPropertyNames
{
    /// <summary>The choice an update or message belongs to (an <see cref="int"/>), set only for choices after the first (<c>n</c> &gt; 1).</summary>
    public const string ChoiceIndex = "choice_index";

    /// <summary>A message's <c>finish_reason</c> as Flock sent it (a <see cref="string"/>); each choice of <c>n</c> &gt; 1 has its own.</summary>
    public const string FinishReason = "finish_reason";

    /// <summary>
    /// Log probabilities (a <see cref="FlockLogprobs"/>), when asked for: a message's for its whole choice, the response's for
    /// its first choice, a streamed update's for the tokens of its piece.
    /// </summary>
    public const string Logprobs = "logprobs";

    /// <summary>The server's <c>system_fingerprint</c> (a <see cref="string"/>): on the response, and on each choice's finishing update of a stream.</summary>
    public const string SystemFingerprint = "system_fingerprint";

    /// <summary>
    /// What the proxy said of the call beyond its body (a <see cref="FlockResponseInfo"/>: call id, rate limits, cost parts): on
    /// the response, and on a stream's first and last updates. It describes one HTTP call: with function invocation, the last.
    /// </summary>
    public const string ResponseInfo = "response_info";

    /// <summary>In <c>UsageDetails.AdditionalCounts</c>: the prompt tokens' cost in nano-USD (10⁻⁹ USD, a <see cref="long"/>; see <see cref="FlockUsage.InputCost"/>).</summary>
    public const string InputCostNanoUsd = "input_cost_nano_usd";

    /// <summary>In <c>UsageDetails.AdditionalCounts</c>: the generated tokens' cost in nano-USD (10⁻⁹ USD; see <see cref="FlockUsage.OutputCost"/>).</summary>
    public const string OutputCostNanoUsd = "output_cost_nano_usd";

    /// <summary>
    /// In <c>UsageDetails.AdditionalCounts</c>: the call's cost in nano-USD (10⁻⁹ USD; see <see cref="FlockUsage.TotalCost"/>). The
    /// answer's one total: MEAI's function invocation sums it over the loop's model calls with the other counts, and
    /// <see cref="FlockUsage.FromUsageDetails"/> gives it back in USD.
    /// </summary>
    public const string TotalCostNanoUsd = "total_cost_nano_usd";

    /// <summary>On each image <see cref="FlockImageGenerator"/> returns: the prompt as the model rewrote it (a <see cref="string"/>), when the server says.</summary>
    public const string RevisedPrompt = "revised_prompt";

    /// <summary>On each image <see cref="FlockImageGenerator"/> returns: when the server created it (a <see cref="DateTimeOffset"/>), when it says.</summary>
    public const string Created = "created";
}
