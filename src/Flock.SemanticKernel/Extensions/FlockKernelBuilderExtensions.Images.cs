using Flock.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>Adds Flock's image generation to a kernel.</summary>
public static partial class FlockKernelBuilderExtensions
{
    /// <summary>Adds a <see cref="FlockTextToImageService"/> to the kernel's services, keyed by <paramref name="serviceId"/> when given.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelId">The image model.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; never disposed here.</param>
    public static IKernelBuilder AddFlockTextToImage(
        this IKernelBuilder builder, string modelId, string apiKey, Uri? endpoint = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFlockTextToImage(modelId, apiKey, endpoint, serviceId, httpClient);
        return builder;
    }

    /// <summary>Adds a <see cref="FlockTextToImageService"/> configured by <paramref name="options"/> (its <see cref="FlockOptions.ModelId"/> is the image model).</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="options">Key, endpoint, model, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; never disposed here.</param>
    public static IKernelBuilder AddFlockTextToImage(this IKernelBuilder builder, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFlockTextToImage(options, serviceId, httpClient);
        return builder;
    }
}
