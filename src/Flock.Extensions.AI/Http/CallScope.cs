using System.Diagnostics;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// The cancellation of one call: the caller's token, the overall request deadline and the stream idle timeout share one
/// <see cref="CancellationTokenSource"/>, re-armed around each read, so no timer or token is allocated per chunk.
/// </summary>
internal sealed class CallScope : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly CancellationToken _callerToken;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeSpan _idleTimeout;
    private readonly long _startTimestamp;

    public CallScope(TimeSpan requestTimeout, TimeSpan idleTimeout, CancellationToken callerToken)
    {
        _callerToken = callerToken;
        _requestTimeout = requestTimeout;
        _idleTimeout = idleTimeout;
        _startTimestamp = Stopwatch.GetTimestamp();
        _cts = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
        if (requestTimeout != Timeout.InfiniteTimeSpan)
        {
            _cts.CancelAfter(requestTimeout);
        }
    }

    /// <summary>The token every await of the call observes.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Time since the call started.</summary>
    public TimeSpan Elapsed => Stopwatch.GetElapsedTime(_startTimestamp);

    /// <summary>Before a stream read: fire after the idle timeout, or at the deadline if that comes first.</summary>
    public void ArmIdle()
    {
        if (_idleTimeout == Timeout.InfiniteTimeSpan || _cts.IsCancellationRequested)
        {
            return;
        }

        var remaining = RemainingUntilDeadline();
        _cts.CancelAfter(remaining < _idleTimeout ? remaining : _idleTimeout);
    }

    /// <summary>After a stream read: only the deadline applies while the caller processes what arrived.</summary>
    public void DisarmIdle()
    {
        if (_idleTimeout == Timeout.InfiniteTimeSpan || _cts.IsCancellationRequested)
        {
            return;
        }

        _cts.CancelAfter(RemainingUntilDeadline());
    }

    /// <summary>When the token fired because of a timeout rather than the caller, the exception that says which one.</summary>
    public FlockTimeoutException? TimeoutFor(Exception cancellation)
    {
        if (_callerToken.IsCancellationRequested || !_cts.IsCancellationRequested)
        {
            return null;
        }

        var requestExpired = _requestTimeout != Timeout.InfiniteTimeSpan && Elapsed >= _requestTimeout - TimeSpan.FromMilliseconds(15);
        return requestExpired || _idleTimeout == Timeout.InfiniteTimeSpan
            ? new FlockTimeoutException(FlockTimeoutKind.Request, _requestTimeout, cancellation)
            : new FlockTimeoutException(FlockTimeoutKind.StreamIdle, _idleTimeout, cancellation);
    }

    public void Dispose() => _cts.Dispose();

    private TimeSpan RemainingUntilDeadline()
    {
        if (_requestTimeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var remaining = _requestTimeout - Elapsed;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.FromMilliseconds(1);
    }
}
