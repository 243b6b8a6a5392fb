using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Flock.Tests.Support;

/// <summary>One request as the handler saw it.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string[]> Headers, string? Body)
{
    /// <summary>The single value of a header (case-insensitive), or null.</summary>
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value is { } values ? string.Join(",", values) : null;
}

/// <summary>
/// An <see cref="HttpMessageHandler"/> that records every request (method, URI, headers, body) and answers with queued
/// responses, in order. Nothing leaves the process.
/// </summary>
public sealed class RecordingHandler : HttpMessageHandler
{
    private readonly Queue<Func<CancellationToken, Task<HttpResponseMessage>>> _responses = new();
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public RecordedRequest SingleRequest => Assert.Single(Requests);

    /// <summary>Queues a response with a string body.</summary>
    public RecordingHandler Enqueue(HttpStatusCode status, string body, string mediaType = "application/json", params (string Name, string Value)[] headers) =>
        Enqueue(_ => Task.FromResult(Build(status, new StringContent(body, Encoding.UTF8, mediaType), headers)));

    /// <summary>Queues a 200 JSON response.</summary>
    public RecordingHandler EnqueueJson(string body) => Enqueue(HttpStatusCode.OK, body);

    /// <summary>Queues a 200 answer, a completion or (<paramref name="streaming"/>) an SSE stream, with extra response headers.</summary>
    public RecordingHandler EnqueueAnswer(bool streaming, string body, params (string Name, string Value)[] headers) =>
        Enqueue(HttpStatusCode.OK, body, streaming ? "text/event-stream" : "application/json", headers);

    /// <summary>Queues a 200 <c>text/event-stream</c> response whose body is <paramref name="stream"/>.</summary>
    public RecordingHandler EnqueueStream(Stream stream, HttpStatusCode status = HttpStatusCode.OK, string mediaType = "text/event-stream")
    {
        return Enqueue(_ =>
        {
            var content = new StreamContent(stream);
            content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
            return Task.FromResult(Build(status, content, []));
        });
    }

    /// <summary>Queues a 200 SSE response with the given text (UTF-8).</summary>
    public RecordingHandler EnqueueSse(string sse) => EnqueueStream(new MemoryStream(Encoding.UTF8.GetBytes(sse)));

    /// <summary>Queues a 200 SSE response with the given raw bytes.</summary>
    public RecordingHandler EnqueueSse(byte[] sse) => EnqueueStream(new MemoryStream(sse));

    /// <summary>Queues an arbitrary response factory (e.g. one that waits for cancellation).</summary>
    public RecordingHandler Enqueue(Func<CancellationToken, Task<HttpResponseMessage>> response)
    {
        lock (_responses)
        {
            _responses.Enqueue(response);
        }

        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToArray();
        }

        string? body = null;
        if (request.Content is not null)
        {
            foreach (var (name, values) in request.Content.Headers)
            {
                headers[name] = values.ToArray();
            }

            body = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }

        lock (_requests)
        {
            _requests.Add(new RecordedRequest(request.Method, request.RequestUri!, headers, body));
        }

        Func<CancellationToken, Task<HttpResponseMessage>> next;
        lock (_responses)
        {
            if (!_responses.TryDequeue(out next!))
            {
                throw new InvalidOperationException($"No response queued for request #{_requests.Count} ({request.Method} {request.RequestUri}).");
            }
        }

        var response = await next(cancellationToken).ConfigureAwait(false);
        response.RequestMessage = request;
        return response;
    }

    private static HttpResponseMessage Build(HttpStatusCode status, HttpContent content, (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(status) { Content = content };
        foreach (var (name, value) in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(name, value))
            {
                content.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return response;
    }
}
