using Microsoft.Extensions.Logging;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// What the transport stages need to know about the client that sent a request: its endpoint and key, its retry settings,
/// its clock and logger. It travels in <see cref="HttpRequestMessage.Options"/>, so the stages hold no state of their own
/// and one handler chain (the library's shared one, or the DI client <c>"Flock"</c>) serves every client. A request without
/// it passes through the stages untouched.
/// </summary>
internal sealed class FlockRequestPolicy
{
    public static readonly HttpRequestOptionsKey<FlockRequestPolicy> Key = new("Flock.RequestPolicy");

    public FlockRequestPolicy(Uri endpoint, string apiKey, int maxRetries, TimeSpan retryBaseDelay, TimeSpan maxRetryAfter, TimeProvider time, ILogger logger, RateLimitGate? gate = null)
    {
        Gate = gate;
        Endpoint = endpoint;
        ApiKey = apiKey;
        MaxRetries = maxRetries;
        RetryBaseDelay = retryBaseDelay;
        MaxRetryAfter = maxRetryAfter;
        Time = time;
        Logger = logger;
    }

    /// <summary>The configured endpoint: the only origin the key is sent to and redirects are followed within.</summary>
    public Uri Endpoint { get; }

    public string ApiKey { get; }

    public int MaxRetries { get; }

    public TimeSpan RetryBaseDelay { get; }

    public TimeSpan MaxRetryAfter { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    /// <summary>The client's rate-limit gate, shared by its calls; null when the client does not respect rate limits.</summary>
    public RateLimitGate? Gate { get; }

    /// <summary>The policy a request carries, if it was sent by a <see cref="FlockClient"/>.</summary>
    public static FlockRequestPolicy? Of(HttpRequestMessage request) =>
        request.Options.TryGetValue(Key, out var policy) ? policy : null;

    /// <summary>Whether <paramref name="uri"/> has the endpoint's scheme, host and port.</summary>
    public bool IsEndpointOrigin(Uri? uri) => uri is not null && uri.IsAbsoluteUri && SameOrigin(uri, Endpoint);

    public static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;
}
