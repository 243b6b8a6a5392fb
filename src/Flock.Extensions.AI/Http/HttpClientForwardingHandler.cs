namespace Flock.Extensions.AI.Http;

/// <summary>
/// The bottom of the stages wrapped around a caller's <see cref="HttpClient"/>: forwards each attempt to its
/// <see cref="HttpClient.SendAsync(HttpRequestMessage, HttpCompletionOption, CancellationToken)"/>, headers first. An
/// HttpClient sends a request message only once, so later attempts go as a copy (same body bytes, headers and options).
/// </summary>
internal sealed class HttpClientForwardingHandler(HttpClient client) : HttpMessageHandler
{
    private const string SentKey = "Flock.Sent";
    private static readonly object Sent = true;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var options = (IDictionary<string, object?>)request.Options;
        if (options.ContainsKey(SentKey))
        {
            request = Copy(request);
        }
        else
        {
            options[SentKey] = Sent;
        }

        return client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    private static HttpRequestMessage Copy(HttpRequestMessage request)
    {
        var copy = new HttpRequestMessage(request.Method, request.RequestUri)
        {
            Content = request.Content,
            Version = request.Version,
            VersionPolicy = request.VersionPolicy,
        };

        foreach (var (name, values) in request.Headers)
        {
            copy.Headers.TryAddWithoutValidation(name, values);
        }

        foreach (var (name, value) in request.Options)
        {
            ((IDictionary<string, object?>)copy.Options)[name] = value;
        }

        return copy;
    }
}
