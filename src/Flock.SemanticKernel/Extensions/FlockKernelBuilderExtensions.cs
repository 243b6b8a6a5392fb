using Flock.SemanticKernel;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.SemanticKernel;

/// <summary>Adds Flock to a kernel.</summary>
public static partial class FlockKernelBuilderExtensions
{
    /// <summary>Adds a <see cref="FlockChatCompletionService"/> to the kernel's services, keyed by <paramref name="serviceId"/> when given.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="modelId">The model, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; never disposed here.</param>
    public static IKernelBuilder AddFlockChatCompletion(
        this IKernelBuilder builder, string modelId, string apiKey, Uri? endpoint = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFlockChatCompletion(modelId, apiKey, endpoint, serviceId, httpClient);
        return builder;
    }

    /// <summary>Adds a <see cref="FlockChatCompletionService"/> configured by <paramref name="options"/>.</summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="options">Key, endpoint, model, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; never disposed here.</param>
    public static IKernelBuilder AddFlockChatCompletion(this IKernelBuilder builder, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFlockChatCompletion(options, serviceId, httpClient);
        return builder;
    }

    /// <summary>
    /// Adds a <see cref="FlockChatCompletionService"/> configured from a configuration section, e.g.
    /// <c>configuration.GetSection(FlockOptions.SectionName)</c>, validated at start-up.
    /// </summary>
    /// <param name="builder">The kernel builder.</param>
    /// <param name="configuration">The section holding <c>ApiKey</c>, <c>Endpoint</c>, <c>ModelId</c>, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration, and the options name; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; never disposed here.</param>
    public static IKernelBuilder AddFlockChatCompletion(this IKernelBuilder builder, Microsoft.Extensions.Configuration.IConfiguration configuration, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddFlockChatCompletion(configuration, serviceId, httpClient);
        return builder;
    }
}
