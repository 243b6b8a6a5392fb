using Flock.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Builds Flock's transport from a container, for adapters and integrations registered there.</summary>
public static class FlockServiceProviderExtensions
{
    /// <summary>
    /// A <see cref="FlockClient"/> for <paramref name="options"/> that sends with <paramref name="httpClient"/> (the library's
    /// stages put around it), or else with the container's <see cref="FlockChatClientServiceCollectionExtensions.HttpClientName"/>
    /// client, whose pipeline holds the stages, when the container has an <see cref="IHttpClientFactory"/>, and with the
    /// library's pooled handler otherwise; it logs to the container's <see cref="ILoggerFactory"/> and keeps time by its
    /// <see cref="TimeProvider"/>, when one is registered.
    /// </summary>
    /// <param name="provider">The container.</param>
    /// <param name="options">Key, endpoint, model, timeouts and retries (copied).</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with; never disposed here.</param>
    /// <exception cref="InvalidOperationException">No <paramref name="httpClient"/> was given and neither <c>ConfigureFlockHttpClient()</c> nor <c>AddFlockHttpClient()</c> was called on the services.</exception>
    /// <exception cref="ArgumentException">The options are not valid (see <see cref="FlockClient(FlockOptions, HttpClient?, ILoggerFactory?, TimeProvider?)"/>).</exception>
    public static FlockClient CreateFlockClient(this IServiceProvider provider, FlockOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(options);
        if (httpClient is null && provider.GetService<FlockChatClientServiceCollectionExtensions.FlockHttpClientMarker>() is null)
        {
            throw new InvalidOperationException(
                $"The '{FlockChatClientServiceCollectionExtensions.HttpClientName}' HTTP client is not registered: call services.ConfigureFlockHttpClient() or services.AddFlockHttpClient() when registering the services, or pass an HttpClient.");
        }

        // Without a factory in the container, the library's pooled handler: the same stages, and no factory built for it.
        var factory = httpClient is null ? provider.GetService<IHttpClientFactory>() : null;
        return new FlockClient(
            options,
            httpClient ?? factory?.CreateClient(FlockChatClientServiceCollectionExtensions.HttpClientName),
            provider.GetService<ILoggerFactory>(),
            provider.GetService<TimeProvider>(),
            httpClientHasStages: factory is not null);
    }
}
