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

    /// <summary>How close in time two calls must go for the proxy to count them in either order (they travel on separate connections).</summary>
    private static readonly TimeSpan Reorder = TimeSpan.FromMilliseconds(20);

    // The calls let through and not answered yet: the proxy's counts cannot include those that have not reached it. Once the
    // proxy has spoken of limits, when each went is kept too, by number.
    private int _inFlight;
    private long _sent;
    private Dictionary<long, DateTimeOffset>? _outstanding;

    // The call sent to learn the window's end while the others wait, and what they wait on.
    private bool _probing;
    private TaskCompletionSource? _probeAnswered;

    /// <summary>
    /// Lets a call go at once, counted, while the proxy has never spoken of limits: nothing to check, and on a process's first
    /// call nothing of the waiting to compile (not even a <see cref="ValueTask{TResult}"/> of a ticket). False once it has:
    /// the call then waits its turn with <see cref="WaitForTurnAsync"/>.
    /// </summary>
    public bool TryEnter(out Ticket ticket)
    {
        if (_windows is null)
        {
            Interlocked.Increment(ref _inFlight);
            ticket = new Ticket(0, DateTimeOffset.MinValue, Probe: false);
            return true;
        }

        ticket = default;
        return false;
    }

    /// <summary>
    /// Waits until a call for <paramref name="model"/> needing <paramref name="tokens"/> may go out, counts it, and returns
    /// its ticket for <see cref="Observe"/>.
    /// </summary>
    /// <exception cref="FlockRateLimitException">The window ends later than the longest wait allowed.</exception>
    public async ValueTask<Ticket> WaitForTurnAsync(string? model, int tokens, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                var now = time.GetUtcNow();
                var decision = Decide(model, tokens, now);
                if (decision.Go)
                {
                    Interlocked.Increment(ref _inFlight);
                    var number = ++_sent;
                    (_outstanding ??= [])[number] = now;
                    return new Ticket(number, now, decision.Probe);
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

    /// <summary>Takes in what the answer to the call of <paramref name="ticket"/> said: the limits left, their resets, and a refusal's window end.</summary>
    public void Observe(FlockResponseInfo? info, HttpStatusCode status, string? model, Ticket ticket)
    {
        var refused = status == HttpStatusCode.TooManyRequests && (info?.RetryAfter is not null || info?.ResetAt is not null || info?.RateLimits.Count > 0);
        if (_windows is null && info is not { RateLimits.Count: > 0 } && !refused)
        {
            // Still nothing said of limits: the call only leaves the count.
            Interlocked.Decrement(ref _inFlight);
            return;
        }

        Learn(info, refused, model, ticket);
    }

    private void Learn(FlockResponseInfo? info, bool refused, string? model, Ticket ticket)
    {
        TaskCompletionSource? answered;
        lock (_lock)
        {
            // The calls in flight that the answer's count may not include are taken off what it says is left: those sent after
            // this one, and those sent just before it, which may reach the proxy after it on another connection (a call from
            // before the gate kept times is read against every other call in flight). Where nothing says when the window ends,
            // one more is kept back, so the call that finds the window spent is the one probe.
            var others = ticket.Number == 0 || _outstanding is null
                ? Math.Max(0, _inFlight - 1)
                : _outstanding.Count(o => o.Key != ticket.Number && o.Value >= ticket.SentAt - Reorder);
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

                    var end = limit.Reset is { } reset ? now + reset : refused ? refusalEnd : null;
                    var left = limit.Kind != "requests" ? remaining : remaining - others - (end is null && !window.KnowsEnd ? 1 : 0);
                    window.Observe(limit, left, end, now, ticket.SentAt, _inFlight, ticket.Probe);
                }
            }
            else if (refused && _windows is not null && RefusalEnd(info!) is { } end)
            {
                // A refusal without limits of its own (LiteLLM's limiter): every window known waits for its end.
                foreach (var window in _windows.Values)
                {
                    window.Refused(end);
                }
            }

            // The waiting calls decide again on what is known now; another probe may go only once this one is answered.
            Answered(ticket);
            answered = _probeAnswered;
            _probeAnswered = null;
        }

        answered?.TrySetResult();
    }

    /// <summary>A call that got no answer (the connection failed): it leaves the count, and a probe lets the waiting calls decide again.</summary>
    public void Abandon(Ticket ticket)
    {
        TaskCompletionSource? answered;
        lock (_lock)
        {
            Answered(ticket);
            answered = _probeAnswered;
            _probeAnswered = null;
        }

        answered?.TrySetResult();
    }

    private void Answered(Ticket ticket)
    {
        Interlocked.Decrement(ref _inFlight);
        _outstanding?.Remove(ticket.Number);
        _probing &= !ticket.Probe;
    }

    /// <summary>Whether the call may go (and is then counted, as the probe or not), or until when it waits (null: until the probe's answer).</summary>
    private (bool Go, bool Probe, DateTimeOffset? Until, FlockRateLimit? Limit) Decide(string? model, int tokens, DateTimeOffset now)
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

            switch (window.Check(tokens, now, _inFlight))
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
            return (false, false, until, blocking);
        }

        if (probe)
        {
            if (_probing)
            {
                return (false, false, null, blocking);
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

        return (true, probe, null, null);
    }

    /// <summary>
    /// When a refusal's window ends: the later of its <c>reset_at</c> (LiteLLM writes it to the whole second) and its
    /// <c>retry-after</c> (the window's length, rounded up), else LiteLLM's default window from now.
    /// </summary>
    private static DateTimeOffset? RefusalEnd(FlockResponseInfo info)
    {
        var byWait = info.RetryAfter is { } wait ? info.ReceivedAt + wait : (DateTimeOffset?)null;
        return info.ResetAt is { } at
            ? (byWait is { } later && later > at ? later : at)
            : byWait ?? info.ReceivedAt + AssumedWindow;
    }

    /// <summary>One limit's window: what is left, and when it ends when known.</summary>
    private sealed class Window(bool tokens)
    {
        private long _left;
        private long? _limit;
        private DateTimeOffset? _end;
        private bool _counted;

        // When the current window began here (the last one ended): answers to calls sent before it speak of the last one.
        private DateTimeOffset _began = DateTimeOffset.MinValue;

        public FlockRateLimit? Limit { get; private set; }

        /// <summary>Whether the window's end is known (the proxy gave a reset, or a refusal did).</summary>
        public bool KnowsEnd => _end is not null;

        /// <remarks>A probe's answer (<paramref name="trusted"/>) is taken as it is: the probe went when nothing was thought left.</remarks>
        public void Observe(FlockRateLimit limit, long remaining, DateTimeOffset? end, DateTimeOffset now, DateTimeOffset sentAt, int inFlight, bool trusted)
        {
            Limit = limit;
            _limit = limit.Limit ?? _limit;
            RollOver(now, inFlight);
            if (sentAt < _began)
            {
                return;
            }

            // Within a window the proxy's end stays put and the answers' estimates of it differ by their travel: the latest is
            // kept, so nothing goes early. What is left is the lowest count seen: answers come back out of order, and calls
            // counted here may not have reached the proxy yet.
            _end = _end is { } known && end is { } told ? (told > known ? told : known) : end ?? _end;
            _left = _counted && !trusted ? Math.Min(_left, remaining) : remaining;
            _counted = true;
        }

        public void Refused(DateTimeOffset end)
        {
            _end = end;
            _left = 0;
            _counted = true;
        }

        public (bool Blocked, DateTimeOffset? Until) Check(int need, DateTimeOffset now, int inFlight)
        {
            RollOver(now, inFlight);
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

        /// <summary>
        /// A window whose end has passed is over: a new one starts full, less the calls still travelling, which may reach the
        /// proxy after its window turned and count in the new one.
        /// </summary>
        private void RollOver(DateTimeOffset now, int inFlight)
        {
            if (_end is { } end && end <= now)
            {
                _end = null;
                _began = end;
                _left = _limit is { } limit ? Math.Max(0, limit - (tokens ? 0 : inFlight)) : long.MaxValue;
            }
        }
    }

    /// <summary>
    /// A call let through: its number and when it went (0 and <see cref="DateTimeOffset.MinValue"/> before the proxy spoke of
    /// limits), and whether it went as the probe the others wait on.
    /// </summary>
    internal readonly record struct Ticket(long Number, DateTimeOffset SentAt, bool Probe);
}
