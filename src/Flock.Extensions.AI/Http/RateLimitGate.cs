using System.Net;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// What the proxy last said about one client's rate limits, shared by every call on that client, and the decision it
/// drives: a call that would be refused waits for the window's end instead of being sent into a 429.
/// </summary>
/// <remarks>
/// <para>
/// Requests: each limit the proxy reported (per scope; the per-model one per model) keeps how many requests are left in its
/// window, counted down locally as calls go out and brought down to what the proxy says as answers come back. With none
/// left, a call waits until the window ends: the reset the proxy gave (the upstream's form sends one), else the end a
/// refusal announced (<c>reset_at</c>, else its <c>retry-after</c>). When nothing says when the window ends (LiteLLM's own
/// limiter sends no reset), one call goes ahead as a probe while the others wait for its answer: if it is refused, its
/// <c>retry-after</c> gives the end, so at most one call a window is refused; a refusal that gives no wait assumes LiteLLM's
/// default window of 60 seconds.
/// </para>
/// <para>
/// Tokens: a call whose <c>max_tokens</c> (plus, when asked, an estimate of its prompt: a token per four bytes of body) is
/// more than the tokens left waits likewise. A wait longer than <see cref="FlockOptions.MaxRetryAfter"/> is not waited for:
/// the call fails at once with a <see cref="FlockRateLimitException"/> carrying the window's expected end. An answer to a
/// call sent before the current window began says nothing of it, and is not counted.
/// </para>
/// <para>Nothing is kept or checked until the proxy sends rate-limit headers: until then a call costs one field read.</para>
/// </remarks>
internal sealed class RateLimitGate(TimeProvider time, TimeSpan maxWait)
{
    /// <summary>LiteLLM's default window, assumed when a refusal says nothing of when it ends.</summary>
    public static readonly TimeSpan AssumedWindow = TimeSpan.FromSeconds(60);

    private readonly object _lock = new();
    private Dictionary<(string Scope, string Kind, string? Model), Window>? _windows;

    // The call sent to learn the window's end while the others wait, and what they wait on.
    private bool _probing;
    private TaskCompletionSource? _probeAnswered;

    /// <summary>
    /// Waits until a call for <paramref name="model"/> needing <paramref name="tokens"/> may go out, counts it, and returns
    /// when it went (for <see cref="Observe"/>).
    /// </summary>
    /// <exception cref="FlockRateLimitException">The window ends later than the longest wait allowed.</exception>
    public async ValueTask<DateTimeOffset> EnterAsync(string? model, int tokens, CancellationToken cancellationToken)
    {
        if (_windows is null)
        {
            // The proxy never spoke of limits: nothing to check.
            return DateTimeOffset.MinValue;
        }

        while (true)
        {
            Task wait;
            lock (_lock)
            {
                var now = time.GetUtcNow();
                var decision = Decide(model, tokens, now);
                if (decision.Go)
                {
                    return now;
                }

                if (decision.Until is { } end)
                {
                    var delay = end - now;
                    if (delay > maxWait)
                    {
                        throw new FlockRateLimitException(end, delay, decision.Limit!);
                    }

                    wait = Task.Delay(delay, time, cancellationToken);
                }
                else
                {
                    wait = (_probeAnswered ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(cancellationToken);
                }
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>Takes in what the answer to a call sent at <paramref name="sentAt"/> said: the limits left, their resets, and a refusal's window end.</summary>
    public void Observe(FlockResponseInfo? info, HttpStatusCode status, string? model, DateTimeOffset sentAt)
    {
        TaskCompletionSource? answered;
        lock (_lock)
        {
            var refused = status == HttpStatusCode.TooManyRequests && (info?.RetryAfter is not null || info?.ResetAt is not null || info?.RateLimits.Count > 0);
            if (info is { RateLimits.Count: > 0 })
            {
                var now = info.ReceivedAt;
                var refusalEnd = refused ? RefusalEnd(info) : null;
                foreach (var limit in info.RateLimits)
                {
                    if (limit.Kind is not ("requests" or "tokens") || limit.Remaining is not { } remaining)
                    {
                        continue;
                    }

                    var key = (limit.Scope, limit.Kind, limit.Scope == "model_per_key" ? info.ModelGroup ?? model : null);
                    var windows = _windows ??= [];
                    if (!windows.TryGetValue(key, out var window))
                    {
                        windows[key] = window = new Window(limit.Kind == "tokens");
                    }

                    window.Observe(limit, remaining, limit.Reset is { } reset ? now + reset : refused ? refusalEnd : null, now, sentAt);
                }
            }
            else if (refused && _windows is not null && RefusalEnd(info!) is { } end)
            {
                // A refusal without limits of its own (an older proxy): every window known waits for its end.
                foreach (var window in _windows.Values)
                {
                    window.Refused(end);
                }
            }

            _probing = false;
            answered = _probeAnswered;
            _probeAnswered = null;
        }

        answered?.TrySetResult();
    }

    /// <summary>A probe that got no answer (the connection failed) lets the waiting calls decide again.</summary>
    public void Abandon()
    {
        TaskCompletionSource? answered;
        lock (_lock)
        {
            _probing = false;
            answered = _probeAnswered;
            _probeAnswered = null;
        }

        answered?.TrySetResult();
    }

    /// <summary>Whether the call may go (and is then counted), or until when it waits (null: until the probe's answer).</summary>
    private (bool Go, DateTimeOffset? Until, FlockRateLimit? Limit) Decide(string? model, int tokens, DateTimeOffset now)
    {
        DateTimeOffset? until = null;
        FlockRateLimit? blocking = null;
        var probe = false;
        foreach (var ((_, _, windowModel), window) in _windows!)
        {
            if (windowModel is not null && windowModel != model)
            {
                continue;
            }

            switch (window.Check(tokens, now))
            {
                case { Blocked: false }:
                    break;
                case { Until: { } end }:
                    if (until is null || end > until)
                    {
                        until = end;
                        blocking = window.Limit;
                    }

                    break;
                default:
                    probe = true;
                    blocking ??= window.Limit;
                    break;
            }
        }

        if (until is not null)
        {
            return (false, until, blocking);
        }

        if (probe)
        {
            if (_probing)
            {
                return (false, null, blocking);
            }

            // Nothing says when the window ends: this call goes ahead to learn it, the others wait for its answer.
            _probing = true;
        }

        foreach (var ((_, _, windowModel), window) in _windows)
        {
            if (windowModel is null || windowModel == model)
            {
                window.Take();
            }
        }

        return (true, null, null);
    }

    private static DateTimeOffset? RefusalEnd(FlockResponseInfo info) =>
        info.ResetAt ?? (info.RetryAfter is { } wait ? info.ReceivedAt + wait : info.ReceivedAt + AssumedWindow);

    /// <summary>One limit's window: what is left, and when it ends when known.</summary>
    private sealed class Window(bool tokens)
    {
        private long _left;
        private long? _limit;
        private DateTimeOffset? _end;

        // When the current window began here (the last one ended): answers to calls sent before it speak of the last one.
        private DateTimeOffset _began = DateTimeOffset.MinValue;

        public FlockRateLimit? Limit { get; private set; }

        public void Observe(FlockRateLimit limit, long remaining, DateTimeOffset? end, DateTimeOffset now, DateTimeOffset sentAt)
        {
            Limit = limit;
            _limit = limit.Limit ?? _limit;
            if (sentAt < _began)
            {
                return;
            }

            if (end is not null && (_end is null || _end <= now || end > _end))
            {
                // A new window (or one whose end we now know): the proxy's count is the whole truth.
                _end = end;
                _left = remaining;
            }
            else
            {
                // Answers come back out of order: the lowest count of the window is the nearest to the truth.
                _left = Math.Min(_left, remaining);
                if (_end is { } known && known <= now)
                {
                    _end = null;
                    _began = known;
                    _left = remaining;
                }
            }
        }

        public void Refused(DateTimeOffset end)
        {
            _end = end;
            _left = 0;
        }

        public (bool Blocked, DateTimeOffset? Until) Check(int need, DateTimeOffset now)
        {
            if (_end is { } end && end <= now)
            {
                // The window is over: a new one starts full.
                _end = null;
                _began = end;
                _left = _limit ?? long.MaxValue;
            }

            var enough = tokens ? _left >= Math.Max(need, 1) : _left > 0;
            return enough ? (false, null) : (true, _end);
        }

        public void Take()
        {
            if (!tokens && _left > 0)
            {
                _left--;
            }
        }
    }
}
