namespace Flock.Extensions.AI;

/// <summary>
/// What the LiteLLM proxy said about one HTTP call beyond its body, read from its response headers: the call id to quote to
/// support, the deployment that answered, the retries and fallbacks it attempted, its latency, the key's rate limits, budget
/// and spend, and what the call cost. Which of these a deployment sends depends on its LiteLLM version and configuration:
/// each is read when present, and null when absent, malformed or the literal <c>None</c> older proxies send.
/// </summary>
/// <remarks>
/// <see cref="FlockChatClient"/> puts it in <c>AdditionalProperties</c> under <see cref="FlockPropertyNames.ResponseInfo"/> (on
/// the response, and on a stream's first and last updates); <see cref="FlockException.ResponseInfo"/> carries it for a failed
/// call. It describes one HTTP call: with function invocation, a response's is the last model call's.
/// </remarks>
public sealed class FlockResponseInfo
{
    internal FlockResponseInfo()
    {
    }

    /// <summary>When the answer's headers arrived, on the client's clock: the moment rate-limit resets count from.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The proxy's id of the call (<c>x-litellm-call-id</c>): quote it to support.</summary>
    public string? CallId { get; init; }

    /// <summary>The id of the deployment that answered (<c>x-litellm-model-id</c>).</summary>
    public string? ModelId { get; init; }

    /// <summary>The model group the request named (<c>x-litellm-model-group</c>).</summary>
    public string? ModelGroup { get; init; }

    /// <summary>The API base of the deployment that answered (<c>x-litellm-model-api-base</c>).</summary>
    public string? ModelApiBase { get; init; }

    /// <summary>The region of the deployment that answered (<c>x-litellm-model-region</c>).</summary>
    public string? ModelRegion { get; init; }

    /// <summary>The proxy's LiteLLM version (<c>x-litellm-version</c>).</summary>
    public string? ProxyVersion { get; init; }

    /// <summary>How long the proxy took to answer (<c>x-litellm-response-duration-ms</c>).</summary>
    public TimeSpan? ResponseDuration { get; init; }

    /// <summary>The proxy's own share of that time (<c>x-litellm-overhead-duration-ms</c>).</summary>
    public TimeSpan? OverheadDuration { get; init; }

    /// <summary>How many times the proxy retried the call upstream (<c>x-litellm-attempted-retries</c>).</summary>
    public int? AttemptedRetries { get; init; }

    /// <summary>How many retries the proxy allows the call (<c>x-litellm-max-retries</c>, sent after a retry).</summary>
    public int? MaxRetries { get; init; }

    /// <summary>How many fallback models the proxy tried (<c>x-litellm-attempted-fallbacks</c>).</summary>
    public int? AttemptedFallbacks { get; init; }

    /// <summary>The proxy's cache key of the call, when its cache is on (<c>x-litellm-cache-key</c>).</summary>
    public string? CacheKey { get; init; }

    /// <summary>
    /// The rate limits the proxy reported, per scope and kind, as it sent them: its own limiter's
    /// (<c>x-ratelimit-{scope}-{remaining|limit}-{requests|tokens|max_parallel_requests}</c>) and the upstream's
    /// (<c>x-ratelimit-{remaining|limit}-{requests|tokens}</c>, scope <see cref="FlockRateLimit.UpstreamScope"/>).
    /// </summary>
    public IReadOnlyList<FlockRateLimit> RateLimits { get; init; } = [];

    /// <summary>The key's requests-per-minute limit (<c>x-litellm-key-rpm-limit</c>).</summary>
    public long? KeyRpmLimit { get; init; }

    /// <summary>The key's tokens-per-minute limit (<c>x-litellm-key-tpm-limit</c>).</summary>
    public long? KeyTpmLimit { get; init; }

    /// <summary>What the key has spent so far, in USD (<c>x-litellm-key-spend</c>).</summary>
    public decimal? KeySpend { get; init; }

    /// <summary>The key's budget, in USD (<c>x-litellm-key-max-budget</c>).</summary>
    public decimal? KeyMaxBudget { get; init; }

    /// <summary>What the call cost by the proxy's account (<c>x-litellm-response-cost</c> and its parts); null when it sent no cost.</summary>
    public FlockResponseCost? Cost { get; init; }

    /// <summary>The wait a refusal asked for (<c>retry-after</c>, seconds or a date).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>When the refusing limiter's window ends, when it said (<c>reset_at</c>).</summary>
    public DateTimeOffset? ResetAt { get; init; }

    /// <summary>The limit of <paramref name="kind"/> (<c>requests</c>, <c>tokens</c>…) in <paramref name="scope"/> (<c>api_key</c>…), or null when not reported.</summary>
    /// <param name="scope">The limiter's scope, e.g. <c>api_key</c>, or <see cref="FlockRateLimit.UpstreamScope"/>.</param>
    /// <param name="kind">What it counts: <c>requests</c>, <c>tokens</c> or <c>max_parallel_requests</c>.</param>
    public FlockRateLimit? GetRateLimit(string scope, string kind)
    {
        foreach (var limit in RateLimits)
        {
            if (limit.Scope == scope && limit.Kind == kind)
            {
                return limit;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockResponseInfo {{ CallId = {CallId}, ModelGroup = {ModelGroup}, RateLimits = {RateLimits.Count} }}";
}

/// <summary>One rate limit the proxy reported: how much a window allows and how much is left of it.</summary>
public sealed class FlockRateLimit
{
    /// <summary>The scope of the upstream provider's own limits, which the proxy forwards as <c>x-ratelimit-{remaining|limit}-*</c>.</summary>
    public const string UpstreamScope = "upstream";

    internal FlockRateLimit(string scope, string kind)
    {
        Scope = scope;
        Kind = kind;
    }

    /// <summary>Whose limit: <c>api_key</c>, <c>model_per_key</c>, <c>team</c>, <c>user</c>, <c>end_user</c>, or <see cref="UpstreamScope"/>.</summary>
    public string Scope { get; }

    /// <summary>What it counts: <c>requests</c>, <c>tokens</c> or <c>max_parallel_requests</c>.</summary>
    public string Kind { get; }

    /// <summary>How much a window allows.</summary>
    public long? Limit { get; internal set; }

    /// <summary>How much is left in the current window.</summary>
    public long? Remaining { get; internal set; }

    /// <summary>When the window ends, from when the answer arrived; only when the proxy said (the upstream's reset, or a refusal's).</summary>
    public TimeSpan? Reset { get; internal set; }

    /// <inheritdoc/>
    public override string ToString() => $"{Scope} {Kind}: {Remaining?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} of {Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} left";
}

/// <summary>What a call cost by the proxy's account, in USD, and its parts where the proxy gave them (zero parts it leaves out).</summary>
public sealed class FlockResponseCost
{
    internal FlockResponseCost()
    {
    }

    /// <summary>The call's cost (<c>x-litellm-response-cost</c>, or the streamed usage's <c>cost</c>).</summary>
    public decimal? Total { get; init; }

    /// <summary>The prompt's cost (<c>x-litellm-response-cost-input</c>).</summary>
    public decimal? Input { get; init; }

    /// <summary>The answer's cost, reasoning included (<c>x-litellm-response-cost-output</c>).</summary>
    public decimal? Output { get; init; }

    /// <summary>Prompt tokens read from the provider's cache (<c>x-litellm-response-cost-cache-read</c>).</summary>
    public decimal? CacheRead { get; init; }

    /// <summary>Prompt tokens written to the provider's cache (<c>x-litellm-response-cost-cache-creation</c>).</summary>
    public decimal? CacheCreation { get; init; }

    /// <summary>The reasoning tokens' cost, a part of <see cref="Output"/> (<c>x-litellm-response-cost-reasoning</c>).</summary>
    public decimal? Reasoning { get; init; }

    /// <summary>Provider-side tool usage (<c>x-litellm-response-cost-tool-usage</c>).</summary>
    public decimal? ToolUsage { get; init; }

    /// <summary>The cost before discount and margin (<c>x-litellm-response-cost-original</c>).</summary>
    public decimal? Original { get; init; }

    /// <summary>The discount taken off (<c>x-litellm-response-cost-discount-amount</c>).</summary>
    public decimal? DiscountAmount { get; init; }

    /// <summary>The margin added (<c>x-litellm-response-cost-margin-amount</c>).</summary>
    public decimal? MarginAmount { get; init; }

    /// <summary>
    /// The margin as a percentage, not USD: 10 for a 10% margin. LiteLLM writes the configured fraction in
    /// <c>x-litellm-response-cost-margin-percent</c> (<c>0.1</c> for 10%), read here times 100.
    /// </summary>
    public decimal? MarginPercent { get; init; }
}
