using System.Diagnostics.CodeAnalysis;
using Flock.Extensions.AI;
using Microsoft.Extensions.AI;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Flock's MEAI image generator.</summary>
public static partial class FlockChatClientServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="FlockImageGenerator"/> as <see cref="IImageGenerator"/> (keyed by <paramref name="serviceId"/> when given)
    /// and returns its <see cref="ImageGeneratorBuilder"/>, for MEAI middleware such as <c>UseOpenTelemetry()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The image model.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default generator.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    [Experimental("MEAI001")]
    public static ImageGeneratorBuilder AddFlockImageGenerator(
        this IServiceCollection services, string modelId, string apiKey, Uri? endpoint = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var options = new FlockOptions { ApiKey = apiKey, ModelId = modelId, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint };
        return services.AddFlockImageGenerator(options, serviceId, httpClient);
    }

    /// <summary>Adds a <see cref="FlockImageGenerator"/> configured by <paramref name="options"/> and returns its <see cref="ImageGeneratorBuilder"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Key, endpoint, model, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default generator.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    [Experimental("MEAI001")]
    public static ImageGeneratorBuilder AddFlockImageGenerator(this IServiceCollection services, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Clone();
        if (httpClient is null)
        {
            services.ConfigureFlockHttpClient();
        }

        IImageGenerator Create(IServiceProvider provider) => new FlockImageGenerator(provider.CreateFlockClient(snapshot, httpClient), snapshot.ModelId);
        return serviceId is null
            ? services.AddImageGenerator(Create)
            : services.AddKeyedImageGenerator(serviceId, Create);
    }
}
