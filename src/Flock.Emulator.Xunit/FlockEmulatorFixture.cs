using Xunit;

namespace Flock.Emulator.Xunit;

/// <summary>
/// One emulator shared by the tests of a class (<c>IClassFixture&lt;FlockEmulatorFixture&gt;</c>) or of a collection
/// (<c>ICollectionFixture</c>); call <see cref="FlockEmulator.Reset"/> in each test's constructor so tests do not see each other.
/// </summary>
public class FlockEmulatorFixture : IAsyncLifetime
{
    private FlockEmulator? _emulator;

    /// <summary>The running emulator.</summary>
    /// <exception cref="InvalidOperationException">xUnit has not initialised the fixture yet.</exception>
    public FlockEmulator Emulator => _emulator ?? throw new InvalidOperationException("The Flock emulator starts when xUnit initialises the fixture.");

    /// <summary>The options the emulator starts with; override to serve other models, inject a fake clock, replay recordings…</summary>
    protected virtual FlockEmulatorOptions CreateOptions() => new();

    /// <inheritdoc/>
    public async Task InitializeAsync() => _emulator = await FlockEmulator.StartAsync(CreateOptions()).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>A base class for tests that each get a fresh emulator, started before the test and stopped after it.</summary>
public abstract class FlockEmulatorTest : IAsyncLifetime
{
    private FlockEmulator? _emulator;

    /// <summary>This test's emulator.</summary>
    /// <exception cref="InvalidOperationException">Read from the constructor, before xUnit started it.</exception>
    protected FlockEmulator Emulator => _emulator ?? throw new InvalidOperationException("The Flock emulator starts after the test's constructor; use it in the test method.");

    /// <summary>The options each test's emulator starts with; override to change them.</summary>
    protected virtual FlockEmulatorOptions CreateOptions() => new();

    /// <inheritdoc/>
    public virtual async Task InitializeAsync() => _emulator = await FlockEmulator.StartAsync(CreateOptions()).ConfigureAwait(false);

    /// <inheritdoc/>
    public virtual async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}
