using System.Diagnostics.CodeAnalysis;
using Flock.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.TextToImage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Flock's Semantic Kernel text-to-image service.</summary>
public static partial class FlockServiceCollectionExtensions
{
    /// <summary>Adds a <see cref="FlockTextToImageService"/> as <see cref="ITextToImageService"/>, keyed by <paramref name="serviceId"/> when given.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The image model.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the core's named client (<see cref="FlockChatClientServiceCollectionExtensions.HttpClientName"/>) when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static IServiceCollection AddFlockTextToImage(
        this IServiceCollection services, string modelId, string apiKey, Uri? endpoint = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var options = new FlockOptions { ApiKey = apiKey, ModelId = modelId, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint };
        return services.AddFlockTextToImage(options, serviceId, httpClient);
    }

    /// <summary>Adds a <see cref="FlockTextToImageService"/> configured by <paramref name="options"/> (its <see cref="FlockOptions.ModelId"/> is the image model).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Key, endpoint, model, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the core's named client (<see cref="FlockChatClientServiceCollectionExtensions.HttpClientName"/>) when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static IServiceCollection AddFlockTextToImage(this IServiceCollection services, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Clone();
        if (httpClient is null)
        {
            services.ConfigureFlockHttpClient();
        }

        Func<IServiceProvider, object?, ITextToImageService> factory = (provider, _) =>
            new FlockTextToImageService(provider.CreateFlockClient(snapshot, httpClient), snapshot.ModelId);

        return serviceId is null
            ? services.AddSingleton(provider => factory(provider, null))
            : services.AddKeyedSingleton(serviceId, factory);
    }
}
