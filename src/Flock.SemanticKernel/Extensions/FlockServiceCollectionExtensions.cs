using Flock.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextGeneration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Flock's Semantic Kernel chat completion and text generation service, from arguments, a <see cref="FlockOptions"/>, or the
/// options pattern (a <c>"Flock"</c> configuration section or a configure delegate, validated at start-up).
/// </summary>
public static partial class FlockServiceCollectionExtensions
{
    /// <summary>
    /// Adds a <see cref="FlockChatCompletionService"/> as <see cref="IChatCompletionService"/> and <see cref="ITextGenerationService"/>,
    /// keyed by <paramref name="serviceId"/> when given.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The model, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the core's named client (<see cref="FlockChatClientServiceCollectionExtensions.HttpClientName"/>) when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static IServiceCollection AddFlockChatCompletion(
        this IServiceCollection services, string modelId, string apiKey, Uri? endpoint = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var options = new FlockOptions { ApiKey = apiKey, ModelId = modelId, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint };
        return services.AddFlockChatCompletion(options, serviceId, httpClient);
    }

    /// <summary>Adds a <see cref="FlockChatCompletionService"/> configured by <paramref name="options"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Key, endpoint, model, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the core's named client (<see cref="FlockChatClientServiceCollectionExtensions.HttpClientName"/>) when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static IServiceCollection AddFlockChatCompletion(this IServiceCollection services, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Clone();
        return AddChatCompletion(services, _ => snapshot, serviceId, httpClient);
    }

    /// <summary>
    /// Adds a <see cref="FlockChatCompletionService"/> configured from a configuration section, e.g.
    /// <c>configuration.GetSection(FlockOptions.SectionName)</c>, as named options validated at start-up.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <c>ApiKey</c>, <c>Endpoint</c>, <c>ModelId</c>, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration, and the options name; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the core's named client (<see cref="FlockChatClientServiceCollectionExtensions.HttpClientName"/>) when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static IServiceCollection AddFlockChatCompletion(this IServiceCollection services, IConfiguration configuration, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddFlockOptions(serviceId).Bind(configuration);
        return AddChatCompletion(services, provider => OptionsFor(provider, serviceId), serviceId, httpClient);
    }

    /// <summary>Adds a <see cref="FlockChatCompletionService"/> configured by <paramref name="configure"/>, as named options validated at start-up.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (it runs after any configuration binding of the same name).</param>
    /// <param name="serviceId">The key of a keyed registration, and the options name; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the core's named client (<see cref="FlockChatClientServiceCollectionExtensions.HttpClientName"/>) when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static IServiceCollection AddFlockChatCompletion(this IServiceCollection services, Action<FlockOptions> configure, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        services.AddFlockOptions(serviceId).Configure(configure);
        return AddChatCompletion(services, provider => OptionsFor(provider, serviceId), serviceId, httpClient);
    }

    /// <summary>
    /// One service instance per registration, reachable as <see cref="FlockChatCompletionService"/>, <see cref="IChatCompletionService"/>
    /// and <see cref="ITextGenerationService"/> (keyed alike); the instance sits under a private key so registrations never collide.
    /// </summary>
    private static IServiceCollection AddChatCompletion(IServiceCollection services, Func<IServiceProvider, FlockOptions> options, string? serviceId, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (httpClient is null)
        {
            services.ConfigureFlockHttpClient();
        }

        var instanceKey = new object();
        services.AddKeyedSingleton(instanceKey, (provider, _) =>
        {
            var resolved = options(provider);
            return new FlockChatCompletionService(provider.CreateFlockClient(resolved, httpClient), resolved.ModelId, provider.GetService<ILoggerFactory>());
        });

        if (serviceId is null)
        {
            services.AddSingleton<IChatCompletionService>(provider => provider.GetRequiredKeyedService<FlockChatCompletionService>(instanceKey));
            services.AddSingleton<ITextGenerationService>(provider => provider.GetRequiredKeyedService<FlockChatCompletionService>(instanceKey));
        }
        else
        {
            services.AddKeyedSingleton(serviceId, (provider, _) => provider.GetRequiredKeyedService<FlockChatCompletionService>(instanceKey));
            services.AddKeyedSingleton<IChatCompletionService>(serviceId, (provider, _) => provider.GetRequiredKeyedService<FlockChatCompletionService>(instanceKey));
            services.AddKeyedSingleton<ITextGenerationService>(serviceId, (provider, _) => provider.GetRequiredKeyedService<FlockChatCompletionService>(instanceKey));
        }

        return services;
    }

    private static FlockOptions OptionsFor(IServiceProvider provider, string? serviceId) =>
        provider.GetRequiredService<IOptionsMonitor<FlockOptions>>().Get(serviceId ?? Options.Options.DefaultName);
}
