namespace Flock.Emulator;

/// <summary>
/// Where an example or a test talks to: the real Flock API when <c>FLOCK_API_KEY</c> is set, otherwise an emulator started
/// in-process. Reads <c>FLOCK_API_KEY</c>, <c>FLOCK_ENDPOINT</c> and <c>FLOCK_MODEL</c>.
/// </summary>
public sealed class FlockConnection : IAsyncDisposable
{
    /// <summary>The model used when <c>FLOCK_MODEL</c> is not set.</summary>
    public const string DefaultModelId = "qwen3-30b-a3b-instruct-2507";

    private FlockConnection(Uri endpoint, string apiKey, string modelId, FlockEmulator? emulator)
    {
        Endpoint = endpoint;
        ApiKey = apiKey;
        ModelId = modelId;
        Emulator = emulator;
    }

    /// <summary>The API base address.</summary>
    public Uri Endpoint { get; }

    /// <summary>The key to send (the emulator's own key when offline).</summary>
    public string ApiKey { get; }

    /// <summary>The model to ask.</summary>
    public string ModelId { get; }

    /// <summary>The in-process emulator, or null when talking to the real API.</summary>
    public FlockEmulator? Emulator { get; }

    /// <summary>True when offline on the emulator.</summary>
    public bool IsEmulator => Emulator is not null;

    /// <summary>
    /// Connects from the environment and writes one line saying where to (<paramref name="log"/>, default the console).
    /// </summary>
    public static async Task<FlockConnection> FromEnvironmentAsync(TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        log ??= Console.Out;
        var model = Environment.GetEnvironmentVariable("FLOCK_MODEL") is { Length: > 0 } m ? m : DefaultModelId;
        if (Environment.GetEnvironmentVariable("FLOCK_API_KEY") is { Length: > 0 } key)
        {
            var endpoint = Environment.GetEnvironmentVariable("FLOCK_ENDPOINT") is { Length: > 0 } e ? new Uri(e) : new Uri("https://api.flock.io/v1");
            await log.WriteLineAsync($"Using Flock at {endpoint} with model {model}.").ConfigureAwait(false);
            return new FlockConnection(endpoint, key, model, null);
        }

        var emulator = await FlockEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync($"No FLOCK_API_KEY set: using the offline Flock emulator at {emulator.Endpoint} with model {model}.").ConfigureAwait(false);
        return new FlockConnection(emulator.Endpoint, emulator.ApiKey, model, emulator);
    }

    /// <summary>Stops the emulator, if one was started.</summary>
    public ValueTask DisposeAsync() => Emulator?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <inheritdoc/>
    public override string ToString() => $"FlockConnection {{ Endpoint = {Endpoint}, Model = {ModelId}, Emulator = {IsEmulator} }}";
}
