using Microsoft.Extensions.Hosting;

namespace Flock.Emulator.Hosting;

/// <summary>A host lifetime that neither listens for Ctrl+C nor prints anything; the emulator's owner decides when it stops.</summary>
internal sealed class NoopHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
