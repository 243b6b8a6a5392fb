namespace Flock.Emulator;

/// <summary>
/// Where an example, a demo or a test talks to, read from the environment: the Flock API or another server named by
/// <c>FLOCK_ENDPOINT</c> (a standalone emulator, with its key), or an emulator started in this process when asked for.
/// </summary>
/// <remarks>
/// <para>
/// The variables: <c>FLOCK_API_KEY</c> (the key), <c>FLOCK_ENDPOINT</c> (default <c>https://api.flock.io/v1</c>; it needs
/// <c>FLOCK_API_KEY</c>, which for a standalone <c>flock-emulator</c> is the key it prints, <c>sk-flock-emulator</c> by
/// default), <c>FLOCK_MODEL</c> (default <see cref="DefaultModelId"/>) and <c>FLOCK_EMULATOR</c> (<c>1</c> or
/// <c>true</c>: start an emulator in this process whatever else is set).
/// </para>
/// <para>
/// The in-process emulator is used only on an explicit opt-in: <c>FLOCK_EMULATOR=1</c>, or <c>allowEmulator: true</c> when
/// no key is set (what the examples pass, so they run offline with no set-up). Otherwise a missing key is an error, never
/// a silent switch to the emulator. An app that only talks to Flock needs none of this: it configures
/// <c>FlockOptions</c> (for example from a <c>"Flock"</c> configuration section) with no emulator package.
/// </para>
/// </remarks>
public sealed class FlockConnection : IAsyncDisposable
{
    /// <summary>The model used when <c>FLOCK_MODEL</c> is not set.</summary>
    public const string DefaultModelId = "qwen3-30b-a3b-instruct-2507";

    private static readonly Uri s_flockEndpoint = new("https://api.flock.io/v1");

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

    /// <summary>The in-process emulator, or null when talking to a server named by the environment.</summary>
    public FlockEmulator? Emulator { get; }

    /// <summary>True when offline on an emulator started in this process.</summary>
    public bool IsEmulator => Emulator is not null;

    /// <summary>
    /// Connects as the environment says and writes one line saying where to (<paramref name="log"/>, default the console).
    /// </summary>
    /// <param name="allowEmulator">
    /// True to start an emulator in this process when <c>FLOCK_API_KEY</c> and <c>FLOCK_ENDPOINT</c> are both unset (for
    /// examples and demos); false (the default) to fail then.
    /// </param>
    /// <param name="log">Where the line goes; the console when null.</param>
    /// <param name="cancellationToken">Cancels starting the emulator.</param>
    /// <exception cref="InvalidOperationException">
    /// No key is set and no emulator was asked for; <c>FLOCK_ENDPOINT</c> is set without <c>FLOCK_API_KEY</c> or is not an
    /// absolute http(s) URL; or <c>FLOCK_EMULATOR</c> is not one of 1, true, 0, false. The message names the variable.
    /// </exception>
    public static Task<FlockConnection> FromEnvironmentAsync(bool allowEmulator = false, TextWriter? log = null, CancellationToken cancellationToken = default)
        => FromEnvironmentAsync(Environment.GetEnvironmentVariable, allowEmulator, log, cancellationToken);

    /// <summary>As the public overload, reading the variables through <paramref name="environment"/> (tests).</summary>
    internal static async Task<FlockConnection> FromEnvironmentAsync(
        Func<string, string?> environment, bool allowEmulator, TextWriter? log, CancellationToken cancellationToken)
    {
        log ??= Console.Out;
        string? Read(string name) => environment(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var key = Read("FLOCK_API_KEY");
        var endpointText = Read("FLOCK_ENDPOINT");
        var model = Read("FLOCK_MODEL") ?? DefaultModelId;
        var emulatorAsked = ReadSwitch("FLOCK_EMULATOR", Read("FLOCK_EMULATOR"));

        if (emulatorAsked)
        {
            var unused = string.Join(" and ", new[] { key is null ? null : "FLOCK_API_KEY", endpointText is null ? null : "FLOCK_ENDPOINT" }.OfType<string>());
            var note = unused.Length == 0 ? "" : $" ({unused} not used)";
            return await StartEmulatorAsync(
                log,
                endpoint => $"FLOCK_EMULATOR=1: using the offline Flock emulator at {endpoint} with model {model}{note}.",
                model,
                cancellationToken).ConfigureAwait(false);
        }

        if (endpointText is not null && key is null)
        {
            throw new InvalidOperationException(
                "FLOCK_ENDPOINT is set but FLOCK_API_KEY is not: set FLOCK_API_KEY to the key that server expects (a standalone "
                + "flock-emulator prints its key, sk-flock-emulator by default), or unset FLOCK_ENDPOINT.");
        }

        if (key is not null)
        {
            var endpoint = endpointText is null ? s_flockEndpoint : ParseEndpoint(endpointText);
            await log.WriteLineAsync($"Using Flock at {endpoint} with model {model}.").ConfigureAwait(false);
            return new FlockConnection(endpoint, key, model, null);
        }

        if (!allowEmulator)
        {
            throw new InvalidOperationException(
                "FLOCK_API_KEY is not set: set it to your Flock API key (and FLOCK_ENDPOINT for a server other than "
                + "https://api.flock.io/v1), or set FLOCK_EMULATOR=1 to run offline on an emulator started in this process.");
        }

        return await StartEmulatorAsync(
            log,
            endpoint => $"No FLOCK_API_KEY set: using the offline Flock emulator at {endpoint} with model {model}.",
            model,
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task<FlockConnection> StartEmulatorAsync(TextWriter log, Func<Uri, string> line, string model, CancellationToken cancellationToken)
    {
        var emulator = await FlockEmulator.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await log.WriteLineAsync(line(emulator.Endpoint)).ConfigureAwait(false);
            return new FlockConnection(emulator.Endpoint, emulator.ApiKey, model, emulator);
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static bool ReadSwitch(string name, string? value) => value?.ToUpperInvariant() switch
    {
        null or "0" or "FALSE" => false,
        "1" or "TRUE" => true,
        _ => throw new InvalidOperationException($"{name} must be 1 or true (start an emulator in this process), or 0 or false; it is \"{value}\"."),
    };

    private static Uri ParseEndpoint(string text)
        => Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : throw new InvalidOperationException("FLOCK_ENDPOINT must be an absolute http or https URL, such as https://api.flock.io/v1 or http://127.0.0.1:8787/v1.");

    /// <summary>Stops the emulator, if one was started.</summary>
    public ValueTask DisposeAsync() => Emulator?.DisposeAsync() ?? ValueTask.CompletedTask;

    /// <inheritdoc/>
    public override string ToString() => $"FlockConnection {{ Endpoint = {Endpoint}, Model = {ModelId}, Emulator = {IsEmulator} }}";
}
