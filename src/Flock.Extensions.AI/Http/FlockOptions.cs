using System.ComponentModel.DataAnnotations;

namespace Flock.Extensions.AI;

/// <summary>Connection settings for the Flock API; bindable from a <c>"Flock"</c> configuration section.</summary>
public sealed class FlockOptions
{
    /// <summary>The configuration section these options are usually bound from: <c>"Flock"</c>.</summary>
    public const string SectionName = "Flock";

    /// <summary>The default endpoint, <c>https://api.flock.io/v1</c>.</summary>
    public static Uri DefaultEndpoint => DefaultEndpointHolder.Value;

    /// <summary>The API key, sent only as the <c>x-litellm-api-key</c> header to <see cref="Endpoint"/>.</summary>
    [Required]
    public string ApiKey { get; set; } = "";

    /// <summary>The API base address; defaults to <see cref="DefaultEndpoint"/>.</summary>
    public Uri Endpoint
    {
        // Options given an endpoint never build the default one: parsing a host name costs a process's first call about a millisecond.
        get => _endpointSet ? _endpoint! : DefaultEndpoint;
        set
        {
            _endpoint = value;
            _endpointSet = true;
        }
    }

    private Uri? _endpoint;
    private bool _endpointSet;

    /// <summary>The model used when a request does not name one, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</summary>
    public string? ModelId { get; set; }

    /// <summary>Upper bound for a whole request, retries and streaming included; default 10 minutes. <see cref="Timeout.InfiniteTimeSpan"/> turns it off.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a stream may take to deliver its first complete data event once its headers arrived; default 3 minutes.</summary>
    /// <remarks>Keep-alive comments (<c>: ping</c>) do not count: only a complete <c>data:</c> event does.</remarks>
    public TimeSpan StreamFirstEventTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>How long a stream may go between two complete data events before it is abandoned; default 1 minute.</summary>
    /// <remarks>Counted in complete events, not bytes: a server trickling bytes or sending only keep-alive comments times out.</remarks>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a non-streaming answer's body may take to arrive once its headers have; default 1 minute.</summary>
    public TimeSpan ResponseBodyTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Retries for 408, 429, 5xx and connection failures before any response is read; default 4, 0 turns the library's retries off.</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 4;

    /// <summary>First backoff delay (doubled each retry, with jitter) when the server gives no <c>Retry-After</c>; default 1 second.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> that is honoured; a longer one fails at once. Default 30 seconds.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest non-streaming answer read, in bytes after decompression; default 64 MiB. A larger one is refused.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>How much of an error body is read and kept (in <see cref="FlockException.ResponseContent"/>), in bytes; default 64 KiB.</summary>
    public int MaxErrorBodyBytes { get; set; } = 64 * 1024;

    /// <summary>The largest single stream event (its lines together), in bytes after decompression; default 8 MiB. A larger one fails the stream.</summary>
    public int MaxStreamEventBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Allows a plain-HTTP endpoint that is not loopback. Off by default: the key would travel in clear text.</summary>
    public bool AllowInsecureEndpoint { get; set; }

    /// <summary>Logs request and response bodies at Trace level. Off by default; bodies hold user content.</summary>
    public bool LogBodies { get; set; }

    /// <summary>
    /// Puts message content (prompts, answers, tool arguments) on telemetry spans as <c>gen_ai.input.messages</c> and
    /// <c>gen_ai.output.messages</c>. Off by default; the API key never appears in telemetry either way.
    /// </summary>
    public bool EnableSensitiveTelemetryData { get; set; }

    /// <summary>
    /// How thinking text left inside answers (<c>&lt;think&gt;…&lt;/think&gt;</c>) is split from them when a call does not say
    /// (<c>think_tags</c>); default <see cref="FlockThinkTags.Auto"/>.
    /// </summary>
    public FlockThinkTags ThinkTags { get; set; } = FlockThinkTags.Auto;

    /// <summary>
    /// Checks each chat request against the model catalogue (<c>GET /model/info</c>, fetched once per client) before sending:
    /// <c>max_tokens</c> above the model's output limit, images to a model without vision, tools to a model without
    /// function calling, a JSON schema to a model without schema support. Off by default; unknown capabilities are allowed.
    /// </summary>
    public bool ValidateAgainstModelInfo { get; set; }

    /// <summary>
    /// Respects the rate limits the proxy reports (on by default): a call that would be refused for want of requests or tokens
    /// left waits until the limit's window ends (up to <see cref="MaxRetryAfter"/>; beyond that it fails at once with a
    /// <see cref="FlockRateLimitException"/>) instead of being sent into a 429. One client shares what the proxy last said
    /// across all its calls. Nothing is checked while the proxy sends no rate-limit headers.
    /// </summary>
    public bool RespectRateLimits { get; set; } = true;

    /// <summary>
    /// Counts a call's prompt against a token limit too, estimated at a token per four bytes of the request body (off by
    /// default: LiteLLM's limiter counts output tokens only, which a call bounds with <c>max_tokens</c>).
    /// </summary>
    public bool RateLimitCountsPromptTokens { get; set; }

    /// <summary>Returns a copy (used so that a caller's later changes do not affect a running client).</summary>
    public FlockOptions Clone() => (FlockOptions)MemberwiseClone();

    /// <inheritdoc/>
    public override string ToString() =>
        $"FlockOptions {{ Endpoint = {Endpoint}, ModelId = {ModelId ?? "(none)"}, ApiKey = {(string.IsNullOrEmpty(ApiKey) ? "(missing)" : "(set)")} }}";

    /// <summary>Holds the default endpoint, built when first asked for.</summary>
    private static class DefaultEndpointHolder
    {
        public static readonly Uri Value = new("https://api.flock.io/v1");
    }
}
