using System.Globalization;
using System.Net;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// Reads <see cref="FlockResponseInfo"/> from an answer's headers in one pass over them, without validating the ones it does
/// not read (an answer without the proxy's headers costs one walk over the few it has, and nothing is allocated). A value
/// that is malformed, or the literal <c>None</c>, is left out, never thrown.
/// </summary>
internal static class ResponseHeaders
{
    private const string LiteLlm = "x-litellm-";
    private const string RateLimit = "x-ratelimit-";
    private const string ProviderReset = "llm_provider-x-ratelimit-reset-";
    private const string Cost = "x-litellm-response-cost";

    /// <summary>What the proxy said in <paramref name="response"/>'s headers, or null when it said nothing this reads.</summary>
    public static FlockResponseInfo? Read(HttpResponseMessage response, TimeProvider time)
    {
        Builder? builder = null;
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (name.StartsWith(LiteLlm, StringComparison.OrdinalIgnoreCase)
                || name.StartsWith(RateLimit, StringComparison.OrdinalIgnoreCase)
                || name.StartsWith(ProviderReset, StringComparison.OrdinalIgnoreCase)
                || name.Equals("retry-after", StringComparison.OrdinalIgnoreCase)
                || name.Equals("reset_at", StringComparison.OrdinalIgnoreCase))
            {
                (builder ??= new Builder()).Add(name.ToLowerInvariant(), Value(values.ToString()));
            }
        }

        return builder?.Build(response.StatusCode, time.GetUtcNow());
    }

    /// <summary>A header's text, or null for none, empty or the literal <c>None</c> older proxies send.</summary>
    private static string? Value(string text)
    {
        var trimmed = text.Trim();
        var comma = trimmed.IndexOf(',', StringComparison.Ordinal);
        if (comma >= 0)
        {
            // A header sent twice reads as "a, b": the first is taken.
            trimmed = trimmed[..comma].Trim();
        }

        return trimmed.Length == 0 || trimmed.Equals("None", StringComparison.OrdinalIgnoreCase) ? null : trimmed;
    }

    private static long? Long(string? text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= long.MinValue and <= long.MaxValue && d == Math.Floor(d) ? (long)d
        : null;

    private static int? Int(string? text) => Long(text) is { } value && value is >= 0 and <= int.MaxValue ? (int)value : null;

    private static decimal? Usd(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value < 1_000_000_000 ? value : null;

    private static TimeSpan? Milliseconds(string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms is >= 0 and < 1e12 ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>
    /// A reset: seconds (<c>1</c>, <c>0.5</c>), an OpenAI duration (<c>12ms</c>, <c>6m0s</c>, <c>1h2m3.5s</c>), or a Unix time in
    /// seconds or milliseconds (read against <paramref name="now"/>); never below zero.
    /// </summary>
    public static TimeSpan? Reset(string? text, DateTimeOffset now)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (double.IsNaN(number) || number < 0)
            {
                return null;
            }

            // Past a billion seconds a number is a point in time, not a wait: a Unix time (in milliseconds past a trillion).
            if (number >= 1e9)
            {
                var at = number >= 1e12 ? number / 1000 : number;
                var wait = TimeSpan.FromSeconds(at - now.ToUnixTimeMilliseconds() / 1000.0);
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }

            return TimeSpan.FromSeconds(number);
        }

        return Duration(text);
    }

    /// <summary>An OpenAI-style duration: numbers each followed by <c>h</c>, <c>m</c>, <c>s</c> or <c>ms</c>.</summary>
    private static TimeSpan? Duration(string text)
    {
        var total = TimeSpan.Zero;
        var span = text.AsSpan();
        var any = false;
        while (span.Length > 0)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(span[..digits], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            span = span[digits..];
            TimeSpan part;
            if (span.StartsWith("ms", StringComparison.Ordinal))
            {
                part = TimeSpan.FromMilliseconds(value);
                span = span[2..];
            }
            else if (span.Length > 0 && span[0] is 'h' or 'm' or 's')
            {
                part = span[0] switch { 'h' => TimeSpan.FromHours(value), 'm' => TimeSpan.FromMinutes(value), _ => TimeSpan.FromSeconds(value) };
                span = span[1..];
            }
            else
            {
                return null;
            }

            total += part;
            any = true;
        }

        return any ? total : null;
    }

    /// <summary>LiteLLM's <c>reset_at</c>: <c>%Y-%m-%d %H:%M:%S UTC</c>.</summary>
    private static DateTimeOffset? ResetAt(string? text) =>
        text is not null && DateTime.TryParseExact(text, ["yyyy-MM-dd HH:mm:ss 'UTC'", "yyyy-MM-dd HH:mm:ss.FFFFFF 'UTC'", "yyyy-MM-dd'T'HH:mm:ssK"], CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;

    /// <summary><c>retry-after</c>: seconds, or an HTTP date.</summary>
    private static TimeSpan? RetryAfter(string? text, DateTimeOffset now)
    {
        if (text is null)
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds is >= 0 and < 1e9 ? TimeSpan.FromSeconds(seconds) : null;
        }

        return DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }

    private sealed class Builder
    {
        private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

        public void Add(string name, string? value)
        {
            if (value is not null)
            {
                _values.TryAdd(name, value);
            }
        }

        public FlockResponseInfo? Build(HttpStatusCode status, DateTimeOffset now)
        {
            if (_values.Count == 0)
            {
                return null;
            }

            var limits = new List<FlockRateLimit>();
            foreach (var (name, value) in _values)
            {
                if (name.StartsWith(RateLimit, StringComparison.Ordinal) && ParseLimitName(name.AsSpan(RateLimit.Length)) is var (scope, field, kind))
                {
                    var limit = Find(limits, scope, kind);
                    switch (field)
                    {
                        case "limit":
                            limit.Limit = Long(value);
                            break;
                        case "remaining":
                            limit.Remaining = Long(value);
                            break;
                        default:
                            limit.Reset = Reset(value, now);
                            break;
                    }
                }
                else if (name.StartsWith(ProviderReset, StringComparison.Ordinal) && name[ProviderReset.Length..] is "requests" or "tokens")
                {
                    Find(limits, FlockRateLimit.UpstreamScope, name[ProviderReset.Length..]).Reset ??= Reset(value, now);
                }
            }

            var retryAfter = RetryAfter(Get("retry-after"), now);
            var resetAt = ResetAt(Get("reset_at"));
            if (status == HttpStatusCode.TooManyRequests && (resetAt is not null || retryAfter is not null))
            {
                // A refusal says when the proxy's own limiter's window ends: the reset of each of its limits. LiteLLM writes
                // reset_at to the whole second, and retry-after is the window's length rounded up: the later of the two.
                var byResetAt = resetAt is { } at ? (at > now ? at - now : TimeSpan.Zero) : (TimeSpan?)null;
                var reset = byResetAt is { } a && retryAfter is { } b ? (a > b ? a : b) : byResetAt ?? retryAfter;
                foreach (var limit in limits)
                {
                    if (limit.Scope != FlockRateLimit.UpstreamScope)
                    {
                        limit.Reset ??= reset;
                    }
                }
            }

            // Limits with nothing known are not kept.
            limits.RemoveAll(static l => l.Limit is null && l.Remaining is null && l.Reset is null);
            return new FlockResponseInfo
            {
                ReceivedAt = now,
                CallId = Get("x-litellm-call-id"),
                ModelId = Get("x-litellm-model-id"),
                ModelGroup = Get("x-litellm-model-group"),
                ModelApiBase = Get("x-litellm-model-api-base"),
                ModelRegion = Get("x-litellm-model-region"),
                ProxyVersion = Get("x-litellm-version"),
                ResponseDuration = Milliseconds(Get("x-litellm-response-duration-ms")),
                OverheadDuration = Milliseconds(Get("x-litellm-overhead-duration-ms")),
                AttemptedRetries = Int(Get("x-litellm-attempted-retries")),
                MaxRetries = Int(Get("x-litellm-max-retries")),
                AttemptedFallbacks = Int(Get("x-litellm-attempted-fallbacks")),
                CacheKey = Get("x-litellm-cache-key"),
                RateLimits = limits,
                KeyRpmLimit = Long(Get("x-litellm-key-rpm-limit")),
                KeyTpmLimit = Long(Get("x-litellm-key-tpm-limit")),
                KeySpend = Usd(Get("x-litellm-key-spend")),
                KeyMaxBudget = Usd(Get("x-litellm-key-max-budget")),
                Cost = CostOf(),
                RetryAfter = retryAfter,
                ResetAt = resetAt,
            };
        }

        private FlockResponseCost? CostOf()
        {
            var cost = new FlockResponseCost
            {
                Total = Usd(Get(Cost)),
                Input = Usd(Get(Cost + "-input")),
                Output = Usd(Get(Cost + "-output")),
                CacheRead = Usd(Get(Cost + "-cache-read")),
                CacheCreation = Usd(Get(Cost + "-cache-creation")),
                Reasoning = Usd(Get(Cost + "-reasoning")),
                ToolUsage = Usd(Get(Cost + "-tool-usage")),
                Original = Usd(Get(Cost + "-original")),
                DiscountAmount = Usd(Get(Cost + "-discount-amount")),
                MarginAmount = Usd(Get(Cost + "-margin-amount")),
                MarginPercent = decimal.TryParse(Get(Cost + "-margin-percent"), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) ? percent : null,
            };

            return cost is { Total: null, Input: null, Output: null, CacheRead: null, CacheCreation: null, Reasoning: null, ToolUsage: null, Original: null, DiscountAmount: null, MarginAmount: null, MarginPercent: null }
                ? null
                : cost;
        }

        private string? Get(string name) => _values.GetValueOrDefault(name);

        private static FlockRateLimit Find(List<FlockRateLimit> limits, string scope, string kind)
        {
            foreach (var limit in limits)
            {
                if (limit.Scope == scope && limit.Kind == kind)
                {
                    return limit;
                }
            }

            var added = new FlockRateLimit(scope, kind);
            limits.Add(added);
            return added;
        }

        /// <summary>
        /// <c>{remaining|limit|reset}-{kind}</c> (the upstream's form) or <c>{scope}-{remaining|limit}-{kind}</c> (the proxy's
        /// limiter), with kind <c>requests</c>, <c>tokens</c> or <c>max_parallel_requests</c>; null for anything else.
        /// </summary>
        private static (string Scope, string Field, string Kind)? ParseLimitName(ReadOnlySpan<char> rest)
        {
            foreach (var field in (ReadOnlySpan<string>)["remaining", "limit", "reset"])
            {
                if (rest.StartsWith(field + "-", StringComparison.Ordinal) && Kind(rest[(field.Length + 1)..]) is { } kind)
                {
                    return (FlockRateLimit.UpstreamScope, field, kind);
                }

                var at = rest.IndexOf("-" + field + "-", StringComparison.Ordinal);
                if (at > 0 && field != "reset" && Kind(rest[(at + field.Length + 2)..]) is { } scoped)
                {
                    return (rest[..at].ToString(), field, scoped);
                }
            }

            return null;
        }

        private static string? Kind(ReadOnlySpan<char> kind) =>
            kind.SequenceEqual("requests") ? "requests" : kind.SequenceEqual("tokens") ? "tokens" : kind.SequenceEqual("max_parallel_requests") ? "max_parallel_requests" : null;
    }
}
