using Flock.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Registers Flock's MEAI chat client and image generator, from arguments, a <see cref="FlockOptions"/>, or the options
/// pattern (a <c>"Flock"</c> configuration section or a configure delegate, validated at start-up).
/// </summary>
public static partial class FlockChatClientServiceCollectionExtensions
{
    /// <summary>
    /// The name of the <see cref="IHttpClientFactory"/> client the registrations send with, so handlers can be added:
    /// <c>services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName).AddStandardResilienceHandler()</c>.
    /// </summary>
    public const string HttpClientName = "Flock";

    /// <summary>
    /// Adds a <see cref="FlockChatClient"/> as <see cref="IChatClient"/> (keyed by <paramref name="serviceId"/> when given) and
    /// returns its <see cref="ChatClientBuilder"/>, so MEAI middleware can be added: <c>.UseFunctionInvocation().UseOpenTelemetry()</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="modelId">The model, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="serviceId">The key of a keyed registration; null registers the default client.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
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
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static ChatClientBuilder AddFlockChatClient(this IServiceCollection services, FlockOptions options, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        var snapshot = options.Clone();
        return AddChatClient(services, _ => snapshot, serviceId, httpClient);
    }

    /// <summary>
    /// Adds a <see cref="FlockChatClient"/> configured from a configuration section (named options validated at start-up) and
    /// returns its <see cref="ChatClientBuilder"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding <c>ApiKey</c>, <c>Endpoint</c>, <c>ModelId</c>, timeouts and retries.</param>
    /// <param name="serviceId">The key of a keyed registration, and the options name; null registers the default client.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static ChatClientBuilder AddFlockChatClient(this IServiceCollection services, IConfiguration configuration, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        AddFlockOptions(services, serviceId).Bind(configuration);
        return AddChatClient(services, provider => OptionsFor(provider, serviceId), serviceId, httpClient);
    }

    /// <summary>Adds a <see cref="FlockChatClient"/> configured by <paramref name="configure"/> (named options validated at start-up).</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options (it runs after any configuration binding of the same name).</param>
    /// <param name="serviceId">The key of a keyed registration, and the options name; null registers the default client.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to use; otherwise the <see cref="HttpClientName"/> factory client when the container has an <see cref="IHttpClientFactory"/>, else the library's pooled handler.</param>
    public static ChatClientBuilder AddFlockChatClient(this IServiceCollection services, Action<FlockOptions> configure, string? serviceId = null, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        AddFlockOptions(services, serviceId).Configure(configure);
        return AddChatClient(services, provider => OptionsFor(provider, serviceId), serviceId, httpClient);
    }

    /// <summary>
    /// Registers <see cref="FlockOptions"/> under <paramref name="name"/> (default: the unnamed options) with
    /// the library's validator (the same range checks as the client's constructor) and start-up validation; chain <c>.Bind(section)</c> or <c>.Configure(…)</c>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The options name; the registrations use their service id.</param>
    public static OptionsBuilder<FlockOptions> AddFlockOptions(this IServiceCollection services, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FlockOptions>, FlockOptionsValidator>());
        return services.AddOptions<FlockOptions>(name ?? Options.Options.DefaultName).ValidateOnStart();
    }

    private static FlockOptions OptionsFor(IServiceProvider provider, string? serviceId) =>
        provider.GetRequiredService<IOptionsMonitor<FlockOptions>>().Get(serviceId ?? Options.Options.DefaultName);

    private static ChatClientBuilder AddChatClient(IServiceCollection services, Func<IServiceProvider, FlockOptions> options, string? serviceId, HttpClient? httpClient)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (httpClient is null)
        {
            services.ConfigureFlockHttpClient();
        }

        IChatClient Create(IServiceProvider provider)
        {
            var resolved = options(provider);
            return new FlockChatClient(provider.CreateFlockClient(resolved, httpClient), resolved.ModelId);
        }

        return serviceId is null
            ? services.AddChatClient(Create)
            : services.AddKeyedChatClient(serviceId, Create);
    }

    /// <summary>
    /// Registers an <see cref="IHttpClientFactory"/> and configures its client <see cref="HttpClientName"/>, which Flock's
    /// registrations then send with (see <see cref="ConfigureFlockHttpClient"/>); returns its builder, so handlers can be added
    /// inside the stages: <c>.AddStandardResilienceHandler()</c>. Any <c>AddHttpClient</c> call registers the factory too.
    /// </summary>
    /// <param name="services">The service collection.</param>
    public static IHttpClientBuilder AddFlockHttpClient(this IServiceCollection services)
    {
        ConfigureFlockHttpClient(services);
        return services.AddHttpClient(HttpClientName);
    }

    /// <summary>
    /// Configures the <see cref="IHttpClientFactory"/> client <see cref="HttpClientName"/> with the library's stages (retries,
    /// the rate-limit gate, same-origin redirects, the key header, outermost first) on a handler that follows no redirect and
    /// keeps no cookies, once however often it is called, without registering a factory. Flock's registrations call it: they
    /// send with that client when the container has a factory (the app's own <c>AddHttpClient</c> calls register one), and
    /// otherwise with the library's pooled handler, which has the same stages, so an app that never asks for the factory
    /// does not build it (its logging and metrics cost a process's first call tens of milliseconds).
    /// </summary>
    /// <param name="services">The service collection.</param>
    public static IServiceCollection ConfigureFlockHttpClient(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(d => d.ServiceType == typeof(FlockHttpClientMarker)))
        {
            // An instance, not a type: resolving it builds no constructor call site.
            services.AddSingleton(new FlockHttpClientMarker());

            // What AddHttpClient(name) with ConfigurePrimaryHttpMessageHandler and AddHttpMessageHandler would add, in that
            // order, so handlers the app adds to the client later sit inside the stages. Registered as Configure<T>(name, …)
            // would be, without its AddOptions(): only a factory reads these options, and registering a factory
            // (AddHttpClient) adds the options services itself, so a container without one does not carry them.
            services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>>(new ConfigureNamedOptions<HttpClientFactoryOptions>(HttpClientName, options =>
            {
                options.HttpClientActions.Add(static client => client.Timeout = Timeout.InfiniteTimeSpan);
                options.HttpMessageHandlerBuilderActions.Add(static builder =>
                {
                    builder.PrimaryHandler = FlockClient.CreatePrimaryHandler();
                    builder.AdditionalHandlers.Add(new FlockRetryHandler());
                    builder.AdditionalHandlers.Add(new RateLimitGateHandler());
                    builder.AdditionalHandlers.Add(new SameOriginRedirectHandler());
                    builder.AdditionalHandlers.Add(new ApiKeyHandler());
                });
            }));
        }

        return services;
    }

    /// <summary>Marks that the named client was configured, so repeated registrations do not stack the stages twice.</summary>
    internal sealed class FlockHttpClientMarker;
}
