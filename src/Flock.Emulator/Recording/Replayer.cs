using Flock.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Recording;

/// <summary>Serves recorded exchanges: the n-th request with a match key gets that key's n-th recording (then the last again).</summary>
internal sealed class Replayer
{
    private const int ExcerptLength = 400;

    private readonly string _directory;
    private readonly Dictionary<string, IReadOnlyList<Exchange>> _recordings;
    private readonly Dictionary<string, int> _served = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    public Replayer(ReplayOptions options)
    {
        _directory = options.Directory;
        if (!Directory.Exists(_directory))
        {
            throw new DirectoryNotFoundException($"The replay directory '{_directory}' does not exist. Record into it first (FlockEmulatorOptions.Record).");
        }

        // Keys are computed from each file's request, so a hand-edited recording matches what its request now says.
        _recordings = Directory.EnumerateFiles(_directory, "*.json")
            .Select(file => (File: file, Exchange: Exchange.FromJson(File.ReadAllText(file), file)))
            .GroupBy(r => r.Exchange.MatchKey, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyList<Exchange>)g.OrderBy(r => Exchange.Occurrence(r.File)).Select(r => r.Exchange).ToList(),
                StringComparer.Ordinal);
        Count = _recordings.Values.Sum(r => r.Count);
    }

    /// <summary>How many recordings were loaded.</summary>
    public int Count { get; }

    public async Task ServeAsync(HttpContext context, string route, byte[] body, CancellationToken ct)
    {
        var request = context.Request;
        var query = request.QueryString.Value ?? "";
        var key = Exchange.Key(request.Method, request.Path.Value ?? "/", query, body);
        Exchange? exchange = null;
        lock (_gate)
        {
            if (_recordings.TryGetValue(key, out var candidates))
            {
                var served = _served.TryGetValue(key, out var n) ? n : 0;
                exchange = candidates[Math.Min(served, candidates.Count - 1)];
                _served[key] = served + 1;
            }
        }

        if (exchange is null)
        {
            var excerpt = key.Length > ExcerptLength ? key[..ExcerptLength] + "…" : key;
            await EmulatorHandler.WriteErrorAsync(
                context.Response,
                404,
                $"Flock emulator replay: no recording matches {request.Method} {request.Path}{query} (match key {Exchange.Hash(key)}: {excerpt}) " +
                $"in '{_directory}' ({Count} recordings). Record this request first, or see what changed since it was recorded.",
                "replay_no_recording",
                null,
                ct);
            return;
        }

        var response = context.Response;
        response.StatusCode = exchange.Status;
        foreach (var (name, value) in exchange.ResponseHeaders)
        {
            response.Headers.Append(name, value);
        }

        await response.StartAsync(ct);
        await response.Body.FlushAsync(ct);
        foreach (var segment in exchange.Segments)
        {
            await response.Body.WriteAsync(segment, ct);
            await response.Body.FlushAsync(ct);
        }

        if (exchange.Truncated)
        {
            throw new StreamCutException();
        }
    }

    public override string ToString() => $"Replayer {{ {_directory}, {Count} recordings }}";
}
