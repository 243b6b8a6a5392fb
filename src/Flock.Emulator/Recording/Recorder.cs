using System.Text;
using Flock.Emulator.Hosting;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Recording;

/// <summary>Forwards requests upstream, passes the answer on as it arrives, and writes each exchange to its file.</summary>
internal sealed class Recorder : IDisposable
{
    private readonly RecordOptions _options;
    private readonly HttpClient _http;
    private readonly object _gate = new();
    private readonly Dictionary<string, int> _occurrences = new(StringComparer.Ordinal);

    public Recorder(RecordOptions options)
    {
        _options = options;
        Directory.CreateDirectory(options.Directory);
        _http = new HttpClient(options.UpstreamHandler ?? new SocketsHttpHandler { AllowAutoRedirect = false }, disposeHandler: options.UpstreamHandler is null)
        {
            // The client decides how long it waits; a long stream must not be cut here.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public async Task ProxyAsync(HttpContext context, string route, byte[] body, CancellationToken ct)
    {
        var request = context.Request;
        var query = request.QueryString.Value ?? "";
        var upstreamUri = new Uri(_options.Upstream.ToString().TrimEnd('/') + route + query);
        using var upstreamRequest = new HttpRequestMessage(new HttpMethod(request.Method), upstreamUri);
        if (body.Length > 0)
        {
            upstreamRequest.Content = new ByteArrayContent(body);
            if (request.ContentType is { } contentType)
            {
                upstreamRequest.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        foreach (var accept in request.Headers.Accept)
        {
            upstreamRequest.Headers.TryAddWithoutValidation("Accept", accept);
        }

        upstreamRequest.Headers.TryAddWithoutValidation("x-litellm-api-key", _options.UpstreamApiKey);

        HttpResponseMessage upstream;
        try
        {
            upstream = await _http.SendAsync(upstreamRequest, HttpCompletionOption.ResponseHeadersRead, ct);
        }
        catch (HttpRequestException ex)
        {
            await EmulatorHandler.WriteErrorAsync(
                context.Response, 502, $"Flock emulator recording: the upstream {_options.Upstream} could not be reached: {ex.Message}", "upstream_error", null, ct);
            return;
        }

        using (upstream)
        {
            var responseHeaders = new List<KeyValuePair<string, string>>();
            foreach (var (name, values) in upstream.Headers.Concat(upstream.Content.Headers))
            {
                if (Exchange.IsRecordable(name))
                {
                    responseHeaders.AddRange(values.Select(v => new KeyValuePair<string, string>(name, Redact(v))));
                }
            }

            var response = context.Response;
            response.StatusCode = (int)upstream.StatusCode;
            foreach (var (name, value) in responseHeaders)
            {
                response.Headers.Append(name, value);
            }

            await response.StartAsync(ct);
            await response.Body.FlushAsync(ct);

            var segments = new List<byte[]>();
            var truncated = false;
            var buffer = new byte[64 * 1024];
            await using (var stream = await upstream.Content.ReadAsStreamAsync(ct))
            {
                try
                {
                    int read;
                    while ((read = await stream.ReadAsync(buffer, ct)) > 0)
                    {
                        var segment = buffer.AsSpan(0, read).ToArray();
                        segments.Add(segment);
                        await response.Body.WriteAsync(segment, ct);
                        await response.Body.FlushAsync(ct);
                    }
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !ct.IsCancellationRequested)
                {
                    // The upstream cut the stream: record what came, and cut the client's stream at the same place.
                    truncated = true;
                }
            }

            var requestHeaders = request.Headers
                .Where(h => Exchange.IsRecordable(h.Key))
                .SelectMany(h => h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v ?? "")))
                .ToList();
            if (upstream.Content.Headers.ContentType?.MediaType == "text/event-stream")
            {
                // Reads coalesce events that the server flushed one by one; store one event per segment, as it was sent.
                segments = SplitEvents(segments.SelectMany(s => s).ToArray());
            }

            var exchange = new Exchange(request.Method, request.Path.Value ?? "/", query, requestHeaders, body, (int)upstream.StatusCode, responseHeaders, RedactSegments(segments), truncated);
            // Not cancellable: the client already has the whole answer, and stopping the emulator (which cancels the
            // request's token) must not leave an empty or half-written recording behind.
            await WriteAsync(exchange);

            if (truncated)
            {
                throw new StreamCutException();
            }
        }
    }

    private async Task WriteAsync(Exchange exchange)
    {
        var key = exchange.MatchKey;
        var prefix = Exchange.FilePrefix(exchange.Method, exchange.Path, key);
        int occurrence;
        lock (_gate)
        {
            occurrence = _occurrences.TryGetValue(key, out var seen) ? seen + 1 : 1;
            _occurrences[key] = occurrence;
            if (occurrence == 1)
            {
                // Recording a request again replaces every earlier recording of it, so no stale second answer survives.
                foreach (var stale in Directory.EnumerateFiles(_options.Directory, prefix + "_*.json"))
                {
                    File.Delete(stale);
                }
            }
        }

        // Written beside, then moved into place: a replayer (or a process killed mid-write) never sees part of a file.
        var path = Path.Combine(_options.Directory, $"{prefix}_{occurrence}.json");
        var partial = path + ".partial";
        await File.WriteAllTextAsync(partial, exchange.ToJson(key), new UTF8Encoding(false), CancellationToken.None);
        File.Move(partial, path, overwrite: true);
    }

    /// <summary>The upstream key never reaches a file, even if a server were to echo it.</summary>
    private string Redact(string text) => text.Replace(_options.UpstreamApiKey, "[redacted]", StringComparison.Ordinal);

    private List<byte[]> RedactSegments(List<byte[]> segments)
    {
        var key = Encoding.UTF8.GetBytes(_options.UpstreamApiKey);
        return segments.Select(s => s.AsSpan().IndexOf(key) >= 0 ? Encoding.UTF8.GetBytes(Redact(Encoding.UTF8.GetString(s))) : s).ToList();
    }

    /// <summary>Splits an SSE body after each blank line (<c>\n\n</c> or <c>\r\n\r\n</c>); the bytes are kept exactly.</summary>
    internal static List<byte[]> SplitEvents(byte[] body)
    {
        var events = new List<byte[]>();
        var start = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var end = body[i] == '\n' && i + 1 < body.Length && body[i + 1] == '\n' ? i + 2
                : body[i] == '\r' && i + 3 < body.Length && body[i + 1] == '\n' && body[i + 2] == '\r' && body[i + 3] == '\n' ? i + 4
                : -1;
            if (end > 0)
            {
                events.Add(body[start..end]);
                start = end;
                i = end - 1;
            }
        }

        if (start < body.Length)
        {
            events.Add(body[start..]);
        }

        return events;
    }

    public void Dispose() => _http.Dispose();
}
