using System.Net;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// Follows redirects within the endpoint's origin (same method and body, at most 5) and refuses any other: .NET forwards
/// custom headers on redirects, so the handlers the library builds never follow them themselves. It also refuses an
/// answer that an inner handler already fetched from another origin (a user's <see cref="HttpClient"/> that follows
/// redirects): the key has then travelled, and the answer is not trusted.
/// </summary>
internal sealed class SameOriginRedirectHandler : DelegatingHandler
{
    private const int MaxRedirects = 5;

    public SameOriginRedirectHandler()
    {
    }

    public SameOriginRedirectHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (FlockRequestPolicy.Of(request) is not { } policy)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        for (var redirects = 0; ; redirects++)
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.RequestMessage?.RequestUri is { } answeredBy && !policy.IsEndpointOrigin(answeredBy))
            {
                var status = response.StatusCode;
                response.Dispose();
                throw new FlockException(
                    $"The HttpClient given to Flock followed a redirect to another origin ({answeredBy.GetLeftPart(UriPartial.Authority)}); .NET forwards custom headers on redirects, so the API key went there before Flock could see the answer, which was discarded. Rotate the key if that origin is not yours, and give Flock an HttpClient whose handler has AllowAutoRedirect = false.",
                    status);
            }

            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } location)
            {
                return response;
            }

            var target = location.IsAbsoluteUri ? location : new Uri(request.RequestUri!, location);
            var redirectStatus = response.StatusCode;
            response.Dispose();
            if (!policy.IsEndpointOrigin(target))
            {
                throw new FlockException(
                    $"Flock answered HTTP {(int)redirectStatus} redirecting to another origin ({target.GetLeftPart(UriPartial.Authority)}); it was not followed, so the API key stays with {policy.Endpoint.GetLeftPart(UriPartial.Authority)}.",
                    redirectStatus);
            }

            if (redirects == MaxRedirects)
            {
                throw new FlockException($"Flock redirected more than {MaxRedirects} times.", redirectStatus);
            }

            request.RequestUri = target;
        }
    }

    private static bool IsRedirect(HttpStatusCode status) => (int)status is 301 or 302 or 303 or 307 or 308;
}
