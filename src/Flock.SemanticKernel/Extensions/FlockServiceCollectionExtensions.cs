using Flock.SemanticKernel;
using Flock.SemanticKernel.Client;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Flock's SK chat completion service and MEAI chat client.</summary>
public static partial class FlockServiceCollectionExtensions
{
    /// <summary>
    /// The name of the <see cref="IHttpClientFactory"/> client the registrations send with, so handlers can be added:
    /// <c>services.AddHttpClient(FlockServiceCollectionExtensions.HttpClientName).AddStandardResilienceHandler()</c>.
    /// </summary>
    public const string HttpClientName = "Flock";

    /// <summary>Adds a <see cref="FlockChatCompletionService"/> as <see cref="IChatCompletionService"/>, keyed by <paramref name="serviceId"/> when given.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The model, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default service.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client.</param>
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
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client.</param>
    public static IServiceCollection AddFlockChatCompletion(this IServiceCollection services, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Clone();
        AddNamedHttpClient(services);
        Func<IServiceProvider, object?, IChatCompletionService> factory = (provider, _) =>
        {
            var loggerFactory = provider.GetService<ILoggerFactory>();
            return new FlockChatCompletionService(CreateClient(provider, snapshot, httpClient), snapshot.ModelId, loggerFactory);
        };

        return serviceId is null
            ? services.AddSingleton(provider => factory(provider, null))
            : services.AddKeyedSingleton(serviceId, factory);
    }

    /// <summary>
    /// Adds a <see cref="FlockChatClient"/> as <see cref="IChatClient"/> (keyed by <paramref name="serviceId"/> when given) and
    /// returns its <see cref="ChatClientBuilder"/>, so MEAI middleware can be added: <c>.UseFunctionInvocation().UseOpenTelemetry()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The model, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default client.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client.</param>
    public static ChatClientBuilder AddFlockChatClient(
        this IServiceCollection services, string modelId, string apiKey, Uri? endpoint = null, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        var options = new FlockOptions { ApiKey = apiKey, ModelId = modelId, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint };
        return services.AddFlockChatClient(options, serviceId, httpClient);
    }

    /// <summary>Adds a <see cref="FlockChatClient"/> configured by <paramref name="options"/> and returns its <see cref="ChatClientBuilder"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="options">Key, endpoint, model, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default client.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client.</param>
    public static ChatClientBuilder AddFlockChatClient(this IServiceCollection services, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Clone();
        AddNamedHttpClient(services);
        IChatClient Create(IServiceProvider provider) => new FlockChatClient(CreateClient(provider, snapshot, httpClient), snapshot.ModelId);
        return serviceId is null
            ? services.AddChatClient(Create)
            : services.AddKeyedChatClient(serviceId, Create);
    }

    private static void AddNamedHttpClient(IServiceCollection services)
    {
        // Redirects are not followed by the handler: the transport follows same-origin ones itself, so the key stays home.
        services.AddHttpClient(HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = System.Net.DecompressionMethods.All,
            });
    }

    private static FlockClient CreateClient(IServiceProvider provider, FlockOptions options, HttpClient? httpClient) =>
        new(options, httpClient ?? provider.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), provider.GetService<ILoggerFactory>());
}
