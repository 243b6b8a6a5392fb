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
    /// Starts <paramref name="call"/> and advances <paramref name="clock"/> by <paramref name="step"/> until it ends, at most
    /// <paramref name="maxSteps"/> times (then the test fails: the call did not end when its timeouts say it must).
    /// </summary>
    /// <remarks>
    /// The call starts with no synchronization context, so its continuations run inline on the thread that completes what
    /// they await: a step of time moves the whole call as far as it can go before the next step, whatever else the machine does.
    /// </remarks>
    public static async Task<T> RunAsync<T>(this FakeTimeProvider clock, Func<Task<T>> call, TimeSpan step, int maxSteps = 10_000)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        Task<T> task;
        try
        {
            task = call();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }

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

    /// <inheritdoc cref="RunAsync{T}(FakeTimeProvider, Func{Task{T}}, TimeSpan, int)"/>
    public static Task RunAsync(this FakeTimeProvider clock, Func<Task> call, TimeSpan step, int maxSteps = 10_000) =>
        clock.RunAsync(() => Wrap(call()), step, maxSteps);

    /// <summary>
    /// Lets the continuations the last step set off run before time moves again: some (timers, cancellation callbacks,
    /// resilience pipelines) go through the thread pool, so this yields until the pool has nothing queued (a bounded number
    /// of times). On a busy machine, moving on sooner let virtual time outrun the call.
    /// </summary>
    private static async Task SettleAsync(Task task)
    {
        for (var i = 0; i < 200 && !task.IsCompleted; i++)
        {
            await Task.Yield();
            Thread.Yield();
            if (i >= 2 && ThreadPool.PendingWorkItemCount == 0)
            {
                break;
            }
        }
    }

    private static async Task<bool> Wrap(Task task)
    {
        await task;
        return true;
    }
}
