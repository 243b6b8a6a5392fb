using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// Reads <see cref="FlockResponseInfo"/> from an answer's headers in one pass over them, without validating the ones it does
/// not read. Each header is recognised by its lower-cased name on the stack and parsed where it stands: nothing is allocated
/// but the results (an answer without the proxy's headers allocates nothing). A value that is malformed, out of range, or
/// the literal <c>None</c> older proxies send, is left out, never thrown.
/// </summary>
internal static class ResponseHeaders
{
    // The longest name read is 41 characters (x-litellm-response-cost-cache-creation); longer ones are not the proxy's.
    private const int MaxNameLength = 64;
    private const string RateLimit = "x-ratelimit-";
    private const string ProviderReset = "llm_provider-x-ratelimit-reset-";

    /// <summary>The longest wait read from a reset or a retry-after (about 31 years): past it a value is nonsense, not a wait.</summary>
    private const double MaxWaitSeconds = 1e9;

    private static readonly string[] ResetAtFormats = ["yyyy-MM-dd HH:mm:ss 'UTC'", "yyyy-MM-dd HH:mm:ss.FFFFFF 'UTC'", "yyyy-MM-dd'T'HH:mm:ssK"];

    /// <summary>What the proxy said in <paramref name="response"/>'s headers, or null when it said nothing this reads.</summary>
    public static FlockResponseInfo? Read(HttpResponseMessage response, TimeProvider time) =>
        // The buffer is allocated here, the loop runs below: a method with both a stackalloc and a loop cannot start in the
        // quick first tier (no on-stack replacement), so the JIT would fully optimize it on a process's first call.
        Read(response, time, stackalloc char[MaxNameLength]);

    private static FlockResponseInfo? Read(HttpResponseMessage response, TimeProvider time, Span<char> lower)
    {
        var fields = default(Fields);
        DateTimeOffset? now = null;
        foreach (var (name, values) in response.Headers.NonValidated)
        {
            if (!IsRead(name))
            {
                continue;
            }

            var written = name.AsSpan().ToLowerInvariant(lower);
            if (written > 0 && First(values) is { } value)
            {
                now ??= time.GetUtcNow();
                fields.Add(lower[..written], value, now.Value);
            }
        }

        return fields.Any ? fields.Build(response.StatusCode, now!.Value) : null;
    }

    /// <summary>
    /// Whether a header is one of the families read: a case-insensitive prefix test, so that the many an answer has besides
    /// (a server's, a CDN's, the upstream's own) cost one or two comparisons each.
    /// </summary>
    private static bool IsRead(string name) => name.Length is >= 8 and <= MaxNameLength && (name[0] | 0x20) switch
    {
        'x' => name.StartsWith("x-litellm-", StringComparison.OrdinalIgnoreCase) || name.StartsWith(RateLimit, StringComparison.OrdinalIgnoreCase),
        'l' => name.StartsWith(ProviderReset, StringComparison.OrdinalIgnoreCase),
        'r' => name.Equals("retry-after", StringComparison.OrdinalIgnoreCase) || name.Equals("reset_at", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>A header's first value: a header sent twice comes as two values, and the first is taken.</summary>
    private static string? First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return null;
    }

    /// <summary>The text of a value: null for none, empty or the literal <c>None</c>; the string itself when it needs no trimming.</summary>
    private static string? Text(string value)
    {
        var span = value.AsSpan().Trim();
        return IsNone(span) ? null : span.Length == value.Length ? value : span.ToString();
    }

    /// <summary>The number in a value: a value folded from two (<c>"4, 3"</c>) is read from its first; empty for none.</summary>
    private static ReadOnlySpan<char> Number(string value)
    {
        var span = value.AsSpan();
        var comma = span.IndexOf(',');
        if (comma >= 0)
        {
            span = span[..comma];
        }

        span = span.Trim();
        return IsNone(span) ? default : span;
    }

    private static bool IsNone(ReadOnlySpan<char> span) => span.IsEmpty || span.Equals("None", StringComparison.OrdinalIgnoreCase);

    private static long? Long(ReadOnlySpan<char> text) =>
        text.IsEmpty ? null
        : long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d is >= long.MinValue and < long.MaxValue && d == Math.Floor(d) ? (long)d
        : null;

    private static int? Int(ReadOnlySpan<char> text) => Long(text) is { } value && value is >= 0 and <= int.MaxValue ? (int)value : null;

    private static decimal? Usd(ReadOnlySpan<char> text) =>
        !text.IsEmpty && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value < 1_000_000_000 ? value : null;

    /// <summary>LiteLLM writes the margin as the configured fraction (<c>0.1</c> for 10%): read as the percentage.</summary>
    private static decimal? Percent(ReadOnlySpan<char> text) => Usd(text) is { } fraction ? fraction * 100 : null;

    private static TimeSpan? Milliseconds(ReadOnlySpan<char> text) =>
        !text.IsEmpty && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) && ms is >= 0 and < 1e12 ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>
    /// A reset: seconds (<c>1</c>, <c>0.5</c>), an OpenAI duration (<c>12ms</c>, <c>6m0s</c>, <c>1h2m3.5s</c>), or a Unix time in
    /// seconds or milliseconds (read against <paramref name="now"/>); never below zero, never past <see cref="MaxWaitSeconds"/>.
    /// </summary>
    public static TimeSpan? Reset(ReadOnlySpan<char> text, DateTimeOffset now)
    {
        if (text.IsEmpty)
        {
            return null;
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return Duration(text);
        }

        if (double.IsNaN(seconds) || seconds < 0)
        {
            return null;
        }

        // Past a billion seconds a number is a point in time, not a wait: a Unix time (in milliseconds past a trillion).
        if (seconds >= MaxWaitSeconds)
        {
            var at = seconds >= 1e12 ? seconds / 1000 : seconds;
            seconds = Math.Max(0, at - (now.ToUnixTimeMilliseconds() / 1000.0));
        }

        return seconds < MaxWaitSeconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>An OpenAI-style duration: numbers each followed by <c>h</c>, <c>m</c>, <c>s</c> or <c>ms</c>.</summary>
    private static TimeSpan? Duration(ReadOnlySpan<char> text)
    {
        var seconds = 0.0;
        while (!text.IsEmpty)
        {
            var digits = 0;
            while (digits < text.Length && (char.IsAsciiDigit(text[digits]) || text[digits] == '.'))
            {
                digits++;
            }

            if (digits == 0 || !double.TryParse(text[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            text = text[digits..];
            if (text.StartsWith("ms", StringComparison.Ordinal))
            {
                seconds += value / 1000;
                text = text[2..];
            }
            else if (!text.IsEmpty && text[0] is 'h' or 'm' or 's')
            {
                seconds += value * text[0] switch { 'h' => 3600, 'm' => 60, _ => 1 };
                text = text[1..];
            }
            else
            {
                return null;
            }
        }

        return seconds < MaxWaitSeconds ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>LiteLLM's <c>reset_at</c>: <c>%Y-%m-%d %H:%M:%S UTC</c>.</summary>
    private static DateTimeOffset? ResetAt(ReadOnlySpan<char> text) =>
        !text.IsEmpty && DateTime.TryParseExact(text, ResetAtFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)
            ? new DateTimeOffset(at, TimeSpan.Zero)
            : null;

    /// <summary><c>retry-after</c>: seconds, or an HTTP date (whose comma is part of it).</summary>
    private static TimeSpan? RetryAfter(string value, DateTimeOffset now)
    {
        var text = value.AsSpan().Trim();
        if (IsNone(text))
        {
            return null;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds is >= 0 and < MaxWaitSeconds ? TimeSpan.FromSeconds(seconds) : null;
        }

        return DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? (date > now ? date - now : TimeSpan.Zero)
            : null;
    }

    /// <summary>The scope's name as the proxy writes it, the known ones without allocating.</summary>
    private static string Scope(ReadOnlySpan<char> scope) => scope switch
    {
        "api_key" => "api_key",
        "model_per_key" => "model_per_key",
        "team" => "team",
        "user" => "user",
        "end_user" => "end_user",
        _ => scope.ToString(),
    };

    /// <summary>What the headers said so far, parsed as each was met.</summary>
    private struct Fields
    {
        public bool Any;
        private bool _anyCost;
        private string? _callId, _modelId, _modelGroup, _modelApiBase, _modelRegion, _proxyVersion, _cacheKey;
        private TimeSpan? _responseDuration, _overheadDuration, _retryAfter;
        private int? _attemptedRetries, _maxRetries, _attemptedFallbacks;
        private long? _keyRpmLimit, _keyTpmLimit;
        private decimal? _keySpend, _keyMaxBudget;
        private decimal? _total, _input, _output, _cacheRead, _cacheCreation, _reasoning, _toolUsage, _original, _discount, _marginAmount, _marginPercent;
        private DateTimeOffset? _resetAt;
        private List<FlockRateLimit>? _limits;

        /// <summary>Reads one header, <paramref name="name"/> lower-cased; one the proxy does not send is passed over.</summary>
        public void Add(ReadOnlySpan<char> name, string value, DateTimeOffset now)
        {
            switch (name)
            {
                case "x-litellm-call-id": Set(ref _callId, Text(value)); break;
                case "x-litellm-model-id": Set(ref _modelId, Text(value)); break;
                case "x-litellm-model-group": Set(ref _modelGroup, Text(value)); break;
                case "x-litellm-model-api-base": Set(ref _modelApiBase, Text(value)); break;
                case "x-litellm-model-region": Set(ref _modelRegion, Text(value)); break;
                case "x-litellm-version": Set(ref _proxyVersion, Text(value)); break;
                case "x-litellm-cache-key": Set(ref _cacheKey, Text(value)); break;
                case "x-litellm-response-duration-ms": Set(ref _responseDuration, Milliseconds(Number(value))); break;
                case "x-litellm-overhead-duration-ms": Set(ref _overheadDuration, Milliseconds(Number(value))); break;
                case "x-litellm-attempted-retries": Set(ref _attemptedRetries, Int(Number(value))); break;
                case "x-litellm-max-retries": Set(ref _maxRetries, Int(Number(value))); break;
                case "x-litellm-attempted-fallbacks": Set(ref _attemptedFallbacks, Int(Number(value))); break;
                case "x-litellm-key-rpm-limit": Set(ref _keyRpmLimit, Long(Number(value))); break;
                case "x-litellm-key-tpm-limit": Set(ref _keyTpmLimit, Long(Number(value))); break;
                case "x-litellm-key-spend": Set(ref _keySpend, Usd(Number(value))); break;
                case "x-litellm-key-max-budget": Set(ref _keyMaxBudget, Usd(Number(value))); break;
                case "x-litellm-response-cost": SetCost(ref _total, Usd(Number(value))); break;
                case "x-litellm-response-cost-input": SetCost(ref _input, Usd(Number(value))); break;
                case "x-litellm-response-cost-output": SetCost(ref _output, Usd(Number(value))); break;
                case "x-litellm-response-cost-cache-read": SetCost(ref _cacheRead, Usd(Number(value))); break;
                case "x-litellm-response-cost-cache-creation": SetCost(ref _cacheCreation, Usd(Number(value))); break;
                case "x-litellm-response-cost-reasoning": SetCost(ref _reasoning, Usd(Number(value))); break;
                case "x-litellm-response-cost-tool-usage": SetCost(ref _toolUsage, Usd(Number(value))); break;
                case "x-litellm-response-cost-original": SetCost(ref _original, Usd(Number(value))); break;
                case "x-litellm-response-cost-discount-amount": SetCost(ref _discount, Usd(Number(value))); break;
                case "x-litellm-response-cost-margin-amount": SetCost(ref _marginAmount, Usd(Number(value))); break;
                case "x-litellm-response-cost-margin-percent": SetCost(ref _marginPercent, Percent(Number(value))); break;
                case "retry-after": Set(ref _retryAfter, RetryAfter(value, now)); break;
                case "reset_at": Set(ref _resetAt, ResetAt(value.AsSpan().Trim())); break;
                default:
                    if (name.StartsWith(RateLimit))
                    {
                        AddLimit(name[RateLimit.Length..], value, now, fromProvider: false);
                    }
                    else if (name.StartsWith(ProviderReset))
                    {
                        AddLimit(name[(ProviderReset.Length - "reset-".Length)..], value, now, fromProvider: true);
                    }

                    break;
            }
        }

        private void Set<T>(ref T? field, T? value)
            where T : class
        {
            if (value is not null)
            {
                field = value;
                Any = true;
            }
        }

        private void Set<T>(ref T? field, T? value)
            where T : struct
        {
            if (value is not null)
            {
                field = value;
                Any = true;
            }
        }

        private void SetCost(ref decimal? field, decimal? value)
        {
            if (value is not null)
            {
                field = value;
                Any = _anyCost = true;
            }
        }

        /// <summary>
        /// <c>{remaining|limit|reset}-{kind}</c> (the upstream's form; the reset also as the proxy forwards it,
        /// <paramref name="fromProvider"/>) or <c>{scope}-{remaining|limit}-{kind}</c> (the proxy's limiter), with kind
        /// <c>requests</c>, <c>tokens</c> or <c>max_parallel_requests</c>; any other shape is passed over.
        /// </summary>
        private void AddLimit(ReadOnlySpan<char> rest, string value, DateTimeOffset now, bool fromProvider)
        {
            string kind;
            if (rest.EndsWith("-max_parallel_requests"))
            {
                kind = "max_parallel_requests";
            }
            else if (rest.EndsWith("-requests"))
            {
                kind = "requests";
            }
            else if (rest.EndsWith("-tokens"))
            {
                kind = "tokens";
            }
            else
            {
                return;
            }

            var head = rest[..^(kind.Length + 1)];
            var scope = FlockRateLimit.UpstreamScope;
            var field = head;
            var dash = head.LastIndexOf('-');
            if (dash >= 0)
            {
                field = head[(dash + 1)..];
                if (dash == 0 || fromProvider || field is not ("remaining" or "limit"))
                {
                    return;
                }

                scope = Scope(head[..dash]);
            }

            switch (field)
            {
                case "remaining" when !fromProvider && Long(Number(value)) is { } remaining:
                    Limit(scope, kind).Remaining = remaining;
                    break;
                case "limit" when !fromProvider && Long(Number(value)) is { } limit:
                    Limit(scope, kind).Limit = limit;
                    break;
                case "reset" when kind != "max_parallel_requests" && Reset(Number(value), now) is { } reset:
                    // The upstream's own header wins over the copy the proxy forwards, whichever comes first.
                    var found = Limit(scope, kind);
                    found.Reset = fromProvider ? found.Reset ?? reset : reset;
                    break;
            }
        }

        private FlockRateLimit Limit(string scope, string kind)
        {
            Any = true;
            foreach (var limit in _limits ??= new List<FlockRateLimit>(4))
            {
                if (limit.Scope == scope && limit.Kind == kind)
                {
                    return limit;
                }
            }

            var added = new FlockRateLimit(scope, kind);
            _limits.Add(added);
            return added;
        }

        public readonly FlockResponseInfo Build(HttpStatusCode status, DateTimeOffset now)
        {
            if (status == HttpStatusCode.TooManyRequests && _limits is not null && (_resetAt is not null || _retryAfter is not null))
            {
                // A refusal says when the proxy's own limiter's window ends: the reset of each of its limits. LiteLLM writes
                // reset_at to the whole second, and retry-after is the window's length rounded up: the later of the two.
                var byResetAt = _resetAt is { } at ? (at > now ? at - now : TimeSpan.Zero) : (TimeSpan?)null;
                var reset = byResetAt is { } a && _retryAfter is { } b ? (a > b ? a : b) : byResetAt ?? _retryAfter;
                foreach (var limit in _limits)
                {
                    if (limit.Scope != FlockRateLimit.UpstreamScope)
                    {
                        limit.Reset ??= reset;
                    }
                }
            }

            return new FlockResponseInfo
            {
                ReceivedAt = now,
                CallId = _callId,
                ModelId = _modelId,
                ModelGroup = _modelGroup,
                ModelApiBase = _modelApiBase,
                ModelRegion = _modelRegion,
                ProxyVersion = _proxyVersion,
                ResponseDuration = _responseDuration,
                OverheadDuration = _overheadDuration,
                AttemptedRetries = _attemptedRetries,
                MaxRetries = _maxRetries,
                AttemptedFallbacks = _attemptedFallbacks,
                CacheKey = _cacheKey,
                RateLimits = (IReadOnlyList<FlockRateLimit>?)_limits ?? [],
                KeyRpmLimit = _keyRpmLimit,
                KeyTpmLimit = _keyTpmLimit,
                KeySpend = _keySpend,
                KeyMaxBudget = _keyMaxBudget,
                Cost = _anyCost ? new FlockResponseCost
                {
                    Total = _total,
                    Input = _input,
                    Output = _output,
                    CacheRead = _cacheRead,
                    CacheCreation = _cacheCreation,
                    Reasoning = _reasoning,
                    ToolUsage = _toolUsage,
                    Original = _original,
                    DiscountAmount = _discount,
                    MarginAmount = _marginAmount,
                    MarginPercent = _marginPercent,
                } : null,
                RetryAfter = _retryAfter,
                ResetAt = _resetAt,
            };
        }
    }
}
