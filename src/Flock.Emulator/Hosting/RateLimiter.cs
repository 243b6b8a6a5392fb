using System.Globalization;
using Flock.Emulator.Protocol;

namespace Flock.Emulator.Hosting;

/// <summary>
/// The key's rate limits, counted as LiteLLM's own limiter (v3) counts them: per scope (<c>api_key</c>, and
/// <c>model_per_key</c> for a model with its own limits) a window opens with the first request after the last one closed;
/// each request counts when it arrives, and its tokens (those <see cref="RateLimitTokenCounting"/> names) when it
/// completes. A request is refused once a counter is over its limit: with a 429, <c>retry-after</c> (the window) and
/// <c>reset_at</c>. Thread-safe; windows advance on the emulator's clock.
/// </summary>
/// <remarks>
/// Where the emulator differs: LiteLLM keeps window starts in whole seconds and also adds one to the token counter for
/// each request; the emulator keeps exact times and counts only tokens. In-flight calls (<c>max_parallel_requests</c>) are
/// counted while they run, not per window.
/// </remarks>
internal sealed class RateLimiter(FlockEmulatorOptions options, TimeProvider time, string keyHash)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private int _inFlight;

    private string ApiKeyScopeId => "api_key:" + keyHash;

    /// <summary>Counts a request for <paramref name="model"/> (the one asked for), or refuses it with a 429.</summary>
    /// <exception cref="ProtocolException">A limit is reached.</exception>
    public RateLimitLease Acquire(string? model)
    {
        var scopes = Scopes(model);
        if (scopes.Count == 0)
        {
            return new RateLimitLease(this, [], []);
        }

        var now = time.GetUtcNow();
        lock (_gate)
        {
            // LiteLLM reads the counters first: a scope already over its limit refuses without counting the request.
            foreach (var scope in scopes)
            {
                Refuse(scope, Current(scope.Id, now), _inFlight, now);
            }

            foreach (var scope in scopes)
            {
                var window = Current(scope.Id, now);
                if (window is null)
                {
                    window = new Window(now);
                    _windows[scope.Id] = window;
                }

                window.Requests++;
            }

            _inFlight++;
            try
            {
                // Then counts and checks again: the request that goes over the limit is counted and refused.
                foreach (var scope in scopes)
                {
                    Refuse(scope, Current(scope.Id, now), _inFlight, now);
                }
            }
            catch (ProtocolException)
            {
                _inFlight--;
                throw;
            }

            return new RateLimitLease(this, scopes.Select(s => s.Id).ToArray(), Headers(scopes, now));
        }
    }

    /// <summary>Adds a completed call's tokens to the windows of its scopes that are still open.</summary>
    public void Complete(RateLimitLease lease, int promptTokens, int completionTokens)
    {
        var tokens = options.RateLimitTokenCounting switch
        {
            RateLimitTokenCounting.Input => promptTokens,
            RateLimitTokenCounting.Total => promptTokens + completionTokens,
            _ => completionTokens,
        };
        var now = time.GetUtcNow();
        lock (_gate)
        {
            foreach (var id in lease.ScopeIds)
            {
                if (Current(id, now) is { } window)
                {
                    window.Tokens += tokens;
                }
            }
        }
    }

    /// <summary>Closes every window (a shared emulator's <c>Reset</c>); calls in flight stay counted until they end.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _windows.Clear();
        }
    }

    internal void Release()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }

    private List<Scope> Scopes(string? model)
    {
        var scopes = new List<Scope>(2);
        if (options.RateLimitRequests is not null || options.RateLimitTokens is not null || options.MaxParallelRequests is not null)
        {
            scopes.Add(new Scope("api_key", keyHash, options.RateLimitRequests, options.RateLimitTokens, options.MaxParallelRequests));
        }

        if (model is not null)
        {
            int? rpm = options.ModelRateLimitRequests.TryGetValue(model, out var requests) ? requests : null;
            int? tpm = options.ModelRateLimitTokens.TryGetValue(model, out var tokens) ? tokens : null;
            if (rpm is not null || tpm is not null)
            {
                scopes.Add(new Scope("model_per_key", keyHash + ":" + model, rpm, tpm, null));
            }
        }

        return scopes;
    }

    private Window? Current(string id, DateTimeOffset now) =>
        _windows.TryGetValue(id, out var window) && now - window.Start < options.RateLimitWindow ? window : null;

    /// <summary>Throws the proxy's 429 when one of the scope's counters is over its limit (requests, then tokens, then calls in flight).</summary>
    private void Refuse(Scope scope, Window? window, int inFlight, DateTimeOffset now)
    {
        if (scope.Requests is { } requests && window?.Requests > requests)
        {
            throw Refusal(scope, "requests", requests, requests - window.Requests, now);
        }

        if (scope.Tokens is { } tokens && window?.Tokens > tokens)
        {
            throw Refusal(scope, "tokens", tokens, tokens - window.Tokens, now);
        }

        if (scope.Parallel is { } parallel && inFlight > parallel)
        {
            throw Refusal(scope, "max_parallel_requests", parallel, parallel - inFlight, now);
        }
    }

    /// <summary>
    /// LiteLLM's refusal: its message, <c>retry-after</c> set to the window (not the time left), <c>rate_limit_type</c>, and
    /// <c>reset_at</c> one window from now, its own cautious guess; plus the upstream's headers when they are sent.
    /// </summary>
    private ProtocolException Refusal(Scope scope, string type, int limit, long remaining, DateTimeOffset now)
    {
        var resetAt = PythonText.ResetAt(now + options.RateLimitWindow);
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"Rate limit exceeded for {scope.Name}: {scope.Value}. Limit type: {type}. Current limit: {limit}, Remaining: {Math.Max(0, remaining)}. Limit resets at: {resetAt}");
        var headers = new List<KeyValuePair<string, string>>
        {
            new("retry-after", ((long)Math.Ceiling(options.RateLimitWindow.TotalSeconds)).ToString(CultureInfo.InvariantCulture)),
            new("rate_limit_type", type),
            new("reset_at", resetAt),
        };
        if (options.UpstreamRateLimitHeaders)
        {
            AddUpstream(headers, Current(ApiKeyScopeId, now), now);
        }

        return new ProtocolException(429, message, "None", "None", headers);
    }

    /// <summary>What an admitted request's answer says: each scope's limits and what is left, as the proxy names them.</summary>
    private List<KeyValuePair<string, string>> Headers(List<Scope> scopes, DateTimeOffset now)
    {
        var headers = new List<KeyValuePair<string, string>>();
        void Add(string name, long value) => headers.Add(new(name, value.ToString(CultureInfo.InvariantCulture)));

        foreach (var scope in scopes)
        {
            var window = Current(scope.Id, now)!;
            var prefix = "x-ratelimit-" + scope.Name;
            if (scope.Requests is { } requests)
            {
                Add(prefix + "-remaining-requests", requests - window.Requests);
                Add(prefix + "-limit-requests", requests);
            }

            if (scope.Tokens is { } tokens)
            {
                Add(prefix + "-remaining-tokens", tokens - window.Tokens);
                Add(prefix + "-limit-tokens", tokens);
            }

            if (scope.Parallel is { } parallel)
            {
                Add(prefix + "-remaining-max_parallel_requests", parallel - _inFlight);
                Add(prefix + "-limit-max_parallel_requests", parallel);
            }
        }

        if (options.UpstreamRateLimitHeaders)
        {
            AddUpstream(headers, Current(ApiKeyScopeId, now), now);
        }

        return headers;
    }

    /// <summary>
    /// The upstream provider's OpenAI-form headers, counted against the key's window: the proxy passes on its
    /// <c>x-ratelimit-{remaining|limit}-*</c> and forwards all of them with the <c>llm_provider-</c> prefix, where the reset
    /// survives (wire-facts: "Upstream provider headers may be forwarded with the prefix llm_provider-").
    /// </summary>
    private void AddUpstream(List<KeyValuePair<string, string>> headers, Window? window, DateTimeOffset now)
    {
        var reset = PythonText.OpenAiDuration(window is null ? options.RateLimitWindow : window.Start + options.RateLimitWindow - now);
        void Kind(string kind, int? limit, long used)
        {
            if (limit is not { } value)
            {
                return;
            }

            var remaining = Math.Max(0, value - used).ToString(CultureInfo.InvariantCulture);
            var limitText = value.ToString(CultureInfo.InvariantCulture);
            headers.Add(new("x-ratelimit-remaining-" + kind, remaining));
            headers.Add(new("x-ratelimit-limit-" + kind, limitText));
            headers.Add(new("llm_provider-x-ratelimit-remaining-" + kind, remaining));
            headers.Add(new("llm_provider-x-ratelimit-limit-" + kind, limitText));
            headers.Add(new("llm_provider-x-ratelimit-reset-" + kind, reset));
        }

        Kind("requests", options.RateLimitRequests, window?.Requests ?? 0);
        Kind("tokens", options.RateLimitTokens, window?.Tokens ?? 0);
    }

    /// <summary>One of LiteLLM's rate-limit descriptors: its name in the headers, its value in messages, and its limits.</summary>
    private sealed record Scope(string Name, string Value, int? Requests, int? Tokens, int? Parallel)
    {
        public string Id { get; } = Name + ":" + Value;
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public long Requests { get; set; }

        public long Tokens { get; set; }
    }
}

/// <summary>One admitted request's place in the limiter: its answer's headers, and its in-flight count until disposed.</summary>
internal sealed class RateLimitLease(RateLimiter? limiter, IReadOnlyList<string> scopeIds, IReadOnlyList<KeyValuePair<string, string>> headers) : IDisposable
{
    private RateLimiter? _limiter = scopeIds.Count > 0 ? limiter : null;

    public IReadOnlyList<string> ScopeIds { get; } = scopeIds;

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers;

    public void Dispose() => Interlocked.Exchange(ref _limiter, null)?.Release();
}
