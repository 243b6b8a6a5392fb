using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Tests.Support;

/// <summary>
/// A fake clock that also tells when something starts waiting on it (a timer is created), so a test can move time exactly
/// when the party it means is waiting (a server holding its answer, a client's deadline) instead of guessing with real delays.
/// </summary>
/// <param name="start">The clock's first instant (2026-01-15 12:00 UTC when not given).</param>
public sealed class WatchedClock(DateTimeOffset? start = null) : FakeTimeProvider(start ?? new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero))
{
    /// <summary>How long a test may wait for a timer before it counts as hung: a guard, never a measurement.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly Channel<TimeSpan> _timers = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _timers.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until a timer due in <paramref name="dueTime"/> is created on this clock (timers due at other times are passed over).</summary>
    public async Task WaitForTimerAsync(TimeSpan dueTime)
    {
        while (await _timers.Reader.ReadAsync().AsTask().WaitAsync(HangGuard).ConfigureAwait(false) != dueTime)
        {
        }
    }

    /// <summary>Waits until the next timer is created on this clock and returns its due time.</summary>
    public async Task<TimeSpan> NextWaitAsync() => await _timers.Reader.ReadAsync().AsTask().WaitAsync(HangGuard).ConfigureAwait(false);
}
