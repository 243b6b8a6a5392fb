namespace Flock.Extensions.AI.Http;

/// <summary>
/// The cancellation of one call: the caller's token, the overall request deadline and one phase timeout at a time (first
/// stream event, between stream events, non-streaming body) share one <see cref="CancellationTokenSource"/>. Timers come
/// from the client's <see cref="TimeProvider"/> and are re-armed, never re-created, so nothing is allocated per chunk.
/// </summary>
internal sealed class CallScope : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly TimeProvider _time;
    private readonly TimeSpan _requestTimeout;
    private readonly long _startTimestamp;
    private readonly ITimer? _deadline;
    private ITimer? _phaseTimer;
    private FlockTimeoutKind _phaseKind;
    private TimeSpan _phaseTimeout;
    private volatile bool _phaseActive;

    // 0 while nothing fired, else 1 + the FlockTimeoutKind that fired first.
    private int _fired;
    private TimeSpan _firedTimeout;

    public CallScope(TimeSpan requestTimeout, TimeProvider time, CancellationToken callerToken)
    {
        _callerToken = callerToken;
        _time = time;
        _requestTimeout = requestTimeout;
        _startTimestamp = time.GetTimestamp();
        if (callerToken.CanBeCanceled)
        {
            _callerRegistration = callerToken.UnsafeRegister(static s => ((CallScope)s!).CancelQuietly(), this);
        }

        if (requestTimeout != Timeout.InfiniteTimeSpan)
        {
            _deadline = time.CreateTimer(static s => ((CallScope)s!).Fire(FlockTimeoutKind.Request, null), this, requestTimeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The token every await of the call observes.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Time since the call started, on the client's clock.</summary>
    public TimeSpan Elapsed => _time.GetElapsedTime(_startTimestamp);

    /// <summary>The clock of the call.</summary>
    public TimeProvider Time => _time;

    /// <summary>Starts (or restarts) a phase timeout: fires after <paramref name="timeout"/> unless <see cref="StopPhase"/> comes first.</summary>
    public void StartPhase(FlockTimeoutKind kind, TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan || _cts.IsCancellationRequested)
        {
            return;
        }

        _phaseKind = kind;
        _phaseTimeout = timeout;
        _phaseActive = true;
        if (_phaseTimer is null)
        {
            _phaseTimer = _time.CreateTimer(static s => ((CallScope)s!).FirePhase(), this, timeout, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _phaseTimer.Change(timeout, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops the phase timeout (only the request deadline applies until the next phase).</summary>
    public void StopPhase()
    {
        if (_phaseActive)
        {
            _phaseActive = false;
            _phaseTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>When the token fired because of a timeout rather than the caller, the exception that says which one.</summary>
    public FlockTimeoutException? TimeoutFor(Exception cancellation)
    {
        int fired;
        TimeSpan timeout;
        lock (_cts)
        {
            fired = _fired;
            timeout = _firedTimeout;
        }

        return _callerToken.IsCancellationRequested || fired == 0 ? null : new FlockTimeoutException((FlockTimeoutKind)(fired - 1), timeout, cancellation);
    }

    public void Dispose()
    {
        _callerRegistration.Dispose();
        _deadline?.Dispose();
        _phaseTimer?.Dispose();
        _cts.Dispose();
    }

    private void FirePhase()
    {
        if (_phaseActive)
        {
            Fire(_phaseKind, _phaseTimeout);
        }
    }

    private void Fire(FlockTimeoutKind kind, TimeSpan? timeout)
    {
        lock (_cts)
        {
            if (_fired != 0)
            {
                return;
            }

            _firedTimeout = timeout ?? _requestTimeout;
            _fired = (int)kind + 1;
        }

        CancelQuietly();
    }

    private void CancelQuietly()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended while the timer or the caller's token fired.
        }
    }
}
