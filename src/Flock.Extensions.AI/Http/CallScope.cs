namespace Flock.Extensions.AI.Http;

/// <summary>
/// The cancellation of one call: the caller's token, the overall request deadline and one phase timeout at a time (first
/// stream event, between stream events, non-streaming body) share one <see cref="CancellationTokenSource"/> and one timer
/// from the client's <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// A stream restarts its phase for every event, so restarting must be cheap: it only moves the deadline. The timer is
/// re-armed only when the new deadline is earlier than the one it is armed for; when it fires before the deadline (the
/// phase was restarted since), it re-arms for what is left. Re-arming a system timer per event took most of a stream's CPU.
/// </remarks>
internal sealed class CallScope : IDisposable
{
    private const long Never = long.MaxValue;
    private const long Disposed = long.MinValue;

    // The longest delay a timer takes; a later deadline is reached by re-arming when the timer fires.
    private static readonly TimeSpan LongestTimerDelay = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private readonly CancellationTokenSource _cts = new();
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly TimeProvider _time;
    private readonly TimeSpan _requestTimeout;
    private readonly long _startTimestamp;
    private readonly object _gate = new();

    // Deadlines and the timer's due time in ticks since the call started. The phase deadline is written without the lock
    // (once per stream event); _gate guards arming the timer and what it records.
    private readonly long _requestDeadline;
    private long _phaseDeadline = Never;
    private long _timerDue = Never;
    private ITimer? _timer;
    private FlockTimeoutKind _phaseKind;
    private TimeSpan _phaseTimeout;

    // 0 while nothing fired, else 1 + the FlockTimeoutKind that fired first.
    private int _fired;
    private TimeSpan _firedTimeout;

    public CallScope(TimeSpan requestTimeout, TimeProvider time, CancellationToken callerToken)
    {
        _callerToken = callerToken;
        _time = time;
        _requestTimeout = requestTimeout;
        _requestDeadline = requestTimeout == Timeout.InfiniteTimeSpan ? Never : requestTimeout.Ticks;
        _startTimestamp = time.GetTimestamp();
        if (callerToken.CanBeCanceled)
        {
            _callerRegistration = callerToken.UnsafeRegister(static s => ((CallScope)s!).CancelQuietly(), this);
        }

        lock (_gate)
        {
            ArmLocked(0);
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

        var now = Elapsed.Ticks;
        var deadline = timeout.Ticks >= Never - now ? Never : now + timeout.Ticks;
        _phaseKind = kind;
        _phaseTimeout = timeout;

        // A full fence: either this sees the timer's due time the callback cleared, or the callback sees this deadline.
        Interlocked.Exchange(ref _phaseDeadline, deadline);
        if (deadline < Volatile.Read(ref _timerDue))
        {
            lock (_gate)
            {
                ArmLocked(now);
            }
        }
    }

    /// <summary>Stops the phase timeout (only the request deadline applies until the next phase).</summary>
    /// <remarks>The timer stays armed: when it fires with no phase running it only re-arms for the request deadline.</remarks>
    public void StopPhase() => Volatile.Write(ref _phaseDeadline, Never);

    /// <summary>When the token fired because of a timeout rather than the caller, the exception that says which one.</summary>
    public FlockTimeoutException? TimeoutFor(Exception cancellation)
    {
        int fired;
        TimeSpan timeout;
        lock (_gate)
        {
            fired = _fired;
            timeout = _firedTimeout;
        }

        return _callerToken.IsCancellationRequested || fired == 0 ? null : new FlockTimeoutException((FlockTimeoutKind)(fired - 1), timeout, cancellation);
    }

    public void Dispose()
    {
        _callerRegistration.Dispose();
        ITimer? timer;
        lock (_gate)
        {
            timer = _timer;
            _timer = null;
            Volatile.Write(ref _timerDue, Disposed);
        }

        // Outside the lock: a TimeProvider may hold its own lock while it runs OnTimer, which takes ours.
        timer?.Dispose();
        _cts.Dispose();
    }

    /// <summary>Arms the timer for the earliest deadline, unless it is already armed to fire no later than that.</summary>
    private void ArmLocked(long now)
    {
        var phase = Volatile.Read(ref _phaseDeadline);
        var due = phase < _requestDeadline ? phase : _requestDeadline;
        if (due == Never || due >= _timerDue)
        {
            return;
        }

        Volatile.Write(ref _timerDue, due);
        var delay = TimeSpan.FromTicks(Math.Max(due - now, 0));
        delay = delay > LongestTimerDelay ? LongestTimerDelay : delay;
        if (_timer is null)
        {
            _timer = _time.CreateTimer(static s => ((CallScope)s!).OnTimer(), this, delay, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            if (_fired != 0 || _timerDue == Disposed)
            {
                return;
            }

            Interlocked.Exchange(ref _timerDue, Never);
            var now = Elapsed.Ticks;
            if (now >= _requestDeadline)
            {
                _firedTimeout = _requestTimeout;
                _fired = (int)FlockTimeoutKind.Request + 1;
            }
            else if (now >= Volatile.Read(ref _phaseDeadline))
            {
                _firedTimeout = _phaseTimeout;
                _fired = (int)_phaseKind + 1;
            }
            else
            {
                // Fired for a deadline that has moved since (or was out of a timer's reach): wait for what is left.
                ArmLocked(now);
                return;
            }
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
