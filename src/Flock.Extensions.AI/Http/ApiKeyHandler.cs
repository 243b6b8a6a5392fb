namespace Flock.Extensions.AI.Http;

/// <summary>
/// Puts the key header on a request to the endpoint's origin, and takes it off a request to anywhere else, on every
/// attempt and every redirect hop it sees.
/// </summary>
internal sealed class ApiKeyHandler : DelegatingHandler
{
    public const string HeaderName = "x-litellm-api-key";

    public ApiKeyHandler()
    {
    }

    public ApiKeyHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (FlockRequestPolicy.Of(request) is { } policy)
        {
            request.Headers.Remove(HeaderName);
            if (policy.IsEndpointOrigin(request.RequestUri))
            {
                request.Headers.TryAddWithoutValidation(HeaderName, policy.ApiKey);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}
