namespace Flock.Emulator;

/// <summary>
/// Record mode: the emulator forwards every request to <see cref="Upstream"/> with the upstream key, streams the answer
/// back as it arrives, and writes each exchange to a JSON file in <see cref="Directory"/>, without the key or any auth header.
/// </summary>
/// <remarks>
/// Clients authenticate to the emulator with its own <see cref="FlockEmulator.ApiKey"/>, as they will when replaying, so the
/// real key lives only here. Scripted replies and validation do not apply: the upstream answers.
/// </remarks>
public sealed class RecordOptions
{
    /// <summary>Records exchanges with <paramref name="upstream"/> into <paramref name="directory"/> (created if missing).</summary>
    /// <param name="directory">Where the recordings go; a request recorded again replaces its earlier files.</param>
    /// <param name="upstream">The real API base address, e.g. <c>https://api.flock.io/v1</c>.</param>
    /// <param name="upstreamApiKey">The key sent upstream in <c>x-litellm-api-key</c>; never written to a recording.</param>
    public RecordOptions(string directory, Uri upstream, string upstreamApiKey)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(upstream);
        ArgumentException.ThrowIfNullOrWhiteSpace(upstreamApiKey);
        if (!upstream.IsAbsoluteUri || upstream.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException("The upstream must be an absolute http or https address.", nameof(upstream));
        }

        Directory = Path.GetFullPath(directory);
        Upstream = upstream;
        UpstreamApiKey = upstreamApiKey;
    }

    /// <summary>The full path of the directory the recordings are written to.</summary>
    public string Directory { get; }

    /// <summary>The API base address requests are forwarded to.</summary>
    public Uri Upstream { get; }

    /// <summary>The handler behind the upstream <see cref="HttpClient"/>; null uses a default one (redirects not followed).</summary>
    public HttpMessageHandler? UpstreamHandler { get; init; }

    internal string UpstreamApiKey { get; }

    /// <summary>
    /// Records against the endpoint named by the environment: <c>FLOCK_API_KEY</c> (required) and <c>FLOCK_ENDPOINT</c>
    /// (default <c>https://api.flock.io/v1</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>FLOCK_API_KEY</c> is not set.</exception>
    public static RecordOptions FromEnvironment(string directory)
    {
        var key = Environment.GetEnvironmentVariable("FLOCK_API_KEY") is { Length: > 0 } k
            ? k
            : throw new InvalidOperationException("Recording needs FLOCK_API_KEY set to a real Flock key.");
        var endpoint = Environment.GetEnvironmentVariable("FLOCK_ENDPOINT") is { Length: > 0 } e ? new Uri(e) : new Uri("https://api.flock.io/v1");
        return new RecordOptions(directory, endpoint, key);
    }

    /// <inheritdoc/>
    public override string ToString() => $"RecordOptions {{ Directory = {Directory}, Upstream = {Upstream} }}";
}

/// <summary>
/// Replay mode: the emulator answers each request with its recording, byte for byte and chunk by chunk, without any network.
/// </summary>
/// <remarks>
/// A request matches a recording when its method, its path relative to the API base (with or without <c>/v1</c>) and its
/// query, and its body as canonical JSON (keys sorted, whitespace and number spelling ignored, <c>stream</c> and every
/// other property kept) are equal; headers, including the key, are ignored, and a body that is not JSON must be equal
/// byte for byte. The n-th identical request gets the n-th recording of it, and the last one once they run out. A request
/// with no recording gets a 404 whose error names the request and the directory searched.
/// </remarks>
public sealed class ReplayOptions
{
    /// <summary>Replays the recordings in <paramref name="directory"/>.</summary>
    public ReplayOptions(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = Path.GetFullPath(directory);
    }

    /// <summary>The full path of the directory the recordings are read from.</summary>
    public string Directory { get; }

    /// <inheritdoc/>
    public override string ToString() => $"ReplayOptions {{ Directory = {Directory} }}";
}
