using Microsoft.Extensions.Time.Testing;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// The call's one timer: restarting a phase only moves its deadline (the timer is re-armed when it fires early or when a
/// deadline moves earlier), so each timeout still fires at exactly its own moment on the client's clock.
/// </summary>
public sealed class CallScopeTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public void A_phase_restarted_again_and_again_fires_exactly_one_timeout_after_its_last_start()
    {
        var clock = new FakeTimeProvider();
        using var scope = new CallScope(TimeSpan.FromMinutes(10), clock, CancellationToken.None);

        for (var i = 0; i < 100; i++)
        {
            scope.StartPhase(FlockTimeoutKind.StreamIdle, 5 * Second);
            clock.Advance(4 * Second);
            scope.StopPhase();
        }

        Assert.False(scope.Token.IsCancellationRequested);
        scope.StartPhase(FlockTimeoutKind.StreamIdle, 5 * Second);
        clock.Advance(5 * Second - TimeSpan.FromTicks(1));
        Assert.False(scope.Token.IsCancellationRequested);
        clock.Advance(TimeSpan.FromTicks(1));

        AssertFired(scope, FlockTimeoutKind.StreamIdle, 5 * Second);
    }

    [Fact]
    public void A_shorter_phase_after_a_longer_one_fires_at_its_own_deadline()
    {
        var clock = new FakeTimeProvider();
        using var scope = new CallScope(TimeSpan.FromMinutes(10), clock, CancellationToken.None);
        scope.StartPhase(FlockTimeoutKind.StreamFirstEvent, TimeSpan.FromMinutes(3));
        clock.Advance(10 * Second);
        scope.StopPhase();

        scope.StartPhase(FlockTimeoutKind.StreamIdle, 2 * Second);
        clock.Advance(2 * Second);

        AssertFired(scope, FlockTimeoutKind.StreamIdle, 2 * Second);
    }

    [Fact]
    public void With_no_phase_running_only_the_request_deadline_fires()
    {
        var clock = new FakeTimeProvider();
        using var scope = new CallScope(30 * Second, clock, CancellationToken.None);
        scope.StartPhase(FlockTimeoutKind.ResponseBody, 5 * Second);
        clock.Advance(Second);
        scope.StopPhase();

        clock.Advance(28 * Second);
        Assert.False(scope.Token.IsCancellationRequested);
        clock.Advance(Second);

        AssertFired(scope, FlockTimeoutKind.Request, 30 * Second);
    }

    [Fact]
    public void A_deadline_beyond_a_timers_reach_is_reached_by_re_arming()
    {
        var clock = new FakeTimeProvider();
        var sixtyDays = TimeSpan.FromDays(60); // more than the 49.7 days a timer can wait at once
        using var scope = new CallScope(sixtyDays, clock, CancellationToken.None);

        clock.Advance(TimeSpan.FromDays(50));
        Assert.False(scope.Token.IsCancellationRequested);
        clock.Advance(TimeSpan.FromDays(10));

        AssertFired(scope, FlockTimeoutKind.Request, sixtyDays);
    }

    [Fact]
    public void The_callers_cancellation_is_never_reported_as_a_timeout()
    {
        var clock = new FakeTimeProvider();
        using var caller = new CancellationTokenSource();
        using var scope = new CallScope(30 * Second, clock, caller.Token);
        scope.StartPhase(FlockTimeoutKind.StreamIdle, 5 * Second);

        caller.Cancel();

        Assert.True(scope.Token.IsCancellationRequested);
        Assert.Null(scope.TimeoutFor(new OperationCanceledException()));
    }

    /// <summary>The call's token fired, for <paramref name="kind"/> after <paramref name="timeout"/>, not for the caller.</summary>
    private static void AssertFired(CallScope scope, FlockTimeoutKind kind, TimeSpan timeout)
    {
        Assert.True(scope.Token.IsCancellationRequested);
        var fired = scope.TimeoutFor(new OperationCanceledException());
        Assert.Equal((kind, timeout), (fired?.Kind, fired?.Timeout));
    }
}
