using Flock.Emulator.Protocol;

namespace Flock.Emulator.Hosting;

/// <summary>What one request's answer says about itself in the proxy's headers, filled in as the request is served.</summary>
internal sealed class RequestScope(long started)
{
    /// <summary>The id to quote to support (<c>x-litellm-call-id</c>).</summary>
    public string CallId { get; } = Guid.NewGuid().ToString();

    /// <summary>When the request arrived, as a timestamp of the emulator's clock.</summary>
    public long Started { get; } = started;

    /// <summary>False for answers the proxy sends without its headers (health probes) or that come from elsewhere (record, replay).</summary>
    public bool SendsProxyHeaders { get; set; } = true;

    /// <summary>True once the key was accepted: only then does the proxy know the key's spend, budget and limits to report.</summary>
    public bool Authenticated { get; set; }

    /// <summary>The model group that answered (or was asked, until one answers); null on routes without a model.</summary>
    public string? ModelGroup { get; set; }

    /// <summary>The answer's cost and its parts, once priced.</summary>
    public CostBreakdown? Cost { get; set; }

    /// <summary>True when the answer is a stream (no cost parts; the total only when the options say so).</summary>
    public bool Streamed { get; set; }

    /// <summary>What the rate limiter counted for this request.</summary>
    public RateLimitLease? RateLimit { get; set; }

    /// <summary>How many times the proxy retried a failed model call.</summary>
    public int AttemptedRetries { get; set; }

    /// <summary>How many fallback model groups the proxy tried.</summary>
    public int AttemptedFallbacks { get; set; }

    /// <summary>Time spent waiting as the model (scripted delays): the rest of the duration is the proxy's overhead.</summary>
    public TimeSpan ModelTime { get; set; }
}
