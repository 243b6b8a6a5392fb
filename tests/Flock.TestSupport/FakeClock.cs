using Microsoft.Extensions.Time.Testing;

namespace Flock.Tests.Support;

/// <summary>
/// Drives a <see cref="FakeTimeProvider"/> for tests of timeouts and retry delays: time moves only when the test moves it,
/// so nothing waits on the wall clock and every bound is stated in virtual time.
/// </summary>
public static class FakeClock
{
    /// <summary>A fake clock at a fixed, realistic date.</summary>
    public static FakeTimeProvider Create() => new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Advances <paramref name="clock"/> by <paramref name="step"/> until <paramref name="task"/> ends, at most
    /// <paramref name="maxSteps"/> times (then the test fails: the call did not end when its timeouts say it must).
    /// Between steps it lets pending continuations run.
    /// </summary>
    public static async Task<T> RunAsync<T>(this FakeTimeProvider clock, Task<T> task, TimeSpan step, int maxSteps = 10_000)
    {
        for (var i = 0; i < maxSteps && !task.IsCompleted; i++)
        {
            await SettleAsync(task);
            if (!task.IsCompleted)
            {
                clock.Advance(step);
            }
        }

        await SettleAsync(task);
        Assert.True(task.IsCompleted, $"The call had not ended after {maxSteps} steps of {step} of virtual time.");
        return await task;
    }

    /// <inheritdoc cref="RunAsync{T}(FakeTimeProvider, Task{T}, TimeSpan, int)"/>
    public static Task RunAsync(this FakeTimeProvider clock, Task task, TimeSpan step, int maxSteps = 10_000) =>
        clock.RunAsync(Wrap(task), step, maxSteps);

    /// <summary>Lets continuations queued by the last step run before time moves again.</summary>
    private static async Task SettleAsync(Task task)
    {
        for (var i = 0; i < 20 && !task.IsCompleted; i++)
        {
            await Task.Yield();
            Thread.Yield();
        }
    }

    private static async Task<bool> Wrap(Task task)
    {
        await task;
        return true;
    }
}
