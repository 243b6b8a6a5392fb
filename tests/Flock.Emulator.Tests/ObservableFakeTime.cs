using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Emulator.Tests;

/// <summary>
/// A fake clock that also says when something starts waiting on it, so a test can advance time exactly when the emulator
/// is waiting, instead of guessing with real delays.
/// </summary>
public sealed class ObservableFakeTime() : FakeTimeProvider(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero))
{
    /// <summary>How long any single test step may take before it is treated as hung (a guard, never a measurement).</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    private readonly Channel<TimeSpan> _waits = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        _waits.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits until the next timer is created on this clock and returns its due time.</summary>
    public async Task<TimeSpan> NextWaitAsync() => await _waits.Reader.ReadAsync().AsTask().WaitAsync(HangGuard);
}
