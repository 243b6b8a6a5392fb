using Flock.Emulator;

namespace Flock.SemanticKernel.IntegrationTests;

/// <summary>Starts a fresh emulator on loopback for each test, and stops it afterwards.</summary>
public abstract class EmulatorTest : IAsyncLifetime
{
    protected const string Model = "qwen3-30b-a3b-instruct-2507";

    protected FlockEmulator Emulator { get; private set; } = null!;

    /// <summary>Options for the client under test: no retry waits unless a test asks for them.</summary>
    protected FlockOptions Options(Action<FlockOptions>? configure = null)
    {
        var options = new FlockOptions { ApiKey = Emulator.ApiKey, Endpoint = Emulator.Endpoint, ModelId = Model, RetryBaseDelay = TimeSpan.FromMilliseconds(5) };
        configure?.Invoke(options);
        return options;
    }

    protected FlockChatCompletionService SkService(Action<FlockOptions>? configure = null) => new(new FlockClient(Options(configure)), Model);

    protected FlockChatClient ChatClient(Action<FlockOptions>? configure = null) => new(new FlockClient(Options(configure)), Model);

    /// <summary>The body of the only chat request the emulator received.</summary>
    protected System.Text.Json.Nodes.JsonObject SingleChatBody()
    {
        var chats = Emulator.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.Single(chats);
        return chats[0].Json!.AsObject();
    }

    public async Task InitializeAsync() => Emulator = await FlockEmulator.StartAsync();

    public async Task DisposeAsync() => await Emulator.DisposeAsync();
}
