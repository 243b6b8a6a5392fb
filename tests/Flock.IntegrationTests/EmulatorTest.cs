using System.Text.Json.Nodes;
using Flock.Emulator;
using Flock.Emulator.Xunit;

namespace Flock.IntegrationTests;

/// <summary>
/// A fresh emulator per test (the test kit's xUnit base) and clients set up by the kit: no retries and the kit's short
/// timeouts, so a test that needs retries says so in its <c>configure</c>.
/// </summary>
public abstract class EmulatorTest : FlockEmulatorTest
{
    protected const string Model = FlockConnection.DefaultModelId;

    /// <summary>The kit's options for <see cref="Model"/>, then <paramref name="configure"/>.</summary>
    protected FlockOptions Options(Action<FlockOptions>? configure = null)
    {
        var options = Emulator.ClientOptions(Model);
        configure?.Invoke(options);
        return options;
    }

    /// <summary>The SK service over a kit transport; the kit itself knows nothing of Semantic Kernel.</summary>
    protected FlockChatCompletionService SkService(Action<FlockOptions>? configure = null) => new(new FlockClient(Options(configure)), Model);

    /// <summary>The kit's chat client, or one over options changed by <paramref name="configure"/>.</summary>
    protected FlockChatClient ChatClient(Action<FlockOptions>? configure = null) =>
        configure is null ? Emulator.CreateChatClient(Model) : new(new FlockClient(Options(configure)), Model);

    /// <summary>The JSON body of the only chat request received (<see cref="FlockEmulator.AssertSingleChat"/>).</summary>
    protected JsonObject SingleChatBody() => Emulator.AssertSingleChat().Json!.AsObject();
}
