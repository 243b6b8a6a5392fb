using Flock.Aspire;
using Flock.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The Flock client integration for Aspire apps: <c>builder.AddFlockChatClient("chat")</c> reads the connection string an
/// AppHost passes with <c>WithReference(model)</c> (<c>Endpoint=…;Key=…;Model=…</c>), registers an <see cref="IChatClient"/>,
/// a health check, and tracing and metrics with OpenTelemetry.
/// </summary>
public static class FlockClientHostingExtensions
{
    /// <summary>The environment variable (read through configuration) that turns on message content in telemetry, as in Aspire's AI integrations.</summary>
    public const string CaptureMessageContentVariable = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

    /// <summary>
    /// Registers a Flock <see cref="IChatClient"/> for the connection <paramref name="connectionName"/> and returns its
    /// <see cref="ChatClientBuilder"/>, so MEAI middleware can be added (<c>.UseFunctionInvocation()</c>). Telemetry sits
    /// innermost, one span per model call.
    /// </summary>
    /// <param name="builder">The app's host builder.</param>
    /// <param name="connectionName">The connection string's name: the AppHost's model resource name.</param>
    /// <param name="configureSettings">Changes the settings after configuration and the connection string are read.</param>
    /// <param name="configureOptions">Sets what the settings do not cover (timeouts, retries, think tags) on the client's options.</param>
    /// <exception cref="InvalidOperationException">The key or the model is missing, or the connection string is malformed; the message names the configuration path.</exception>
    public static ChatClientBuilder AddFlockChatClient(
        this IHostApplicationBuilder builder, string connectionName, Action<FlockClientSettings>? configureSettings = null, Action<FlockOptions>? configureOptions = null) =>
        AddChatClient(builder, connectionName, configureSettings, configureOptions, serviceKey: null);

    /// <summary>
    /// Registers a Flock <see cref="IChatClient"/> keyed by <paramref name="name"/>, for the connection of the same name, and returns its
    /// <see cref="ChatClientBuilder"/>.
    /// </summary>
    /// <param name="builder">The app's host builder.</param>
    /// <param name="name">The connection string's name and the service key.</param>
    /// <param name="configureSettings">Changes the settings after configuration and the connection string are read.</param>
    /// <param name="configureOptions">Sets what the settings do not cover (timeouts, retries, think tags) on the client's options.</param>
    /// <exception cref="InvalidOperationException">The key or the model is missing, or the connection string is malformed.</exception>
    public static ChatClientBuilder AddKeyedFlockChatClient(
        this IHostApplicationBuilder builder, string name, Action<FlockClientSettings>? configureSettings = null, Action<FlockOptions>? configureOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return AddChatClient(builder, name, configureSettings, configureOptions, serviceKey: name);
    }

    /// <summary>
    /// Reads the settings for <paramref name="connectionName"/>, registers the health check and the OpenTelemetry sources they
    /// ask for, and returns the <see cref="FlockOptions"/> to build a client from. <c>AddFlockChatClient</c> and the Semantic
    /// Kernel integration are written on it; another framework's adapter can be too.
    /// </summary>
    /// <param name="builder">The app's host builder.</param>
    /// <param name="connectionName">The connection string's name.</param>
    /// <param name="configureSettings">Changes the settings after configuration and the connection string are read.</param>
    /// <param name="configureOptions">Sets what the settings do not cover on the returned options.</param>
    /// <exception cref="InvalidOperationException">The key or the model is missing, or the connection string is malformed.</exception>
    public static FlockOptions AddFlockConnection(
        this IHostApplicationBuilder builder, string connectionName, Action<FlockClientSettings>? configureSettings = null, Action<FlockOptions>? configureOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);
        var settings = ReadSettings(builder.Configuration, connectionName, configureSettings);
        var options = new FlockOptions
        {
            ApiKey = settings.Key!,
            Endpoint = settings.Endpoint ?? FlockOptions.DefaultEndpoint,
            ModelId = settings.Model,
            EnableSensitiveTelemetryData = settings.EnableSensitiveTelemetryData,
        };
        configureOptions?.Invoke(options);

        if (!settings.DisableHealthChecks)
        {
            AddHealthCheck(builder.Services, connectionName, options, settings.HealthCheckTimeout);
        }

        if (!settings.DisableTracing)
        {
            builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing.AddSource(FlockTelemetry.SourceName));
        }

        if (!settings.DisableMetrics)
        {
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(FlockTelemetry.SourceName));
        }

        return options;
    }

    /// <summary>Reads the settings in Aspire's order (sections, connection string, delegate) and checks that nothing needed is missing.</summary>
    internal static FlockClientSettings ReadSettings(IConfiguration configuration, string connectionName, Action<FlockClientSettings>? configureSettings)
    {
        var settings = new FlockClientSettings
        {
            EnableSensitiveTelemetryData = string.Equals(configuration[CaptureMessageContentVariable], "true", StringComparison.OrdinalIgnoreCase),
        };
        var section = configuration.GetSection(FlockClientSettings.DefaultConfigSectionName);
        section.Bind(settings);
        section.GetSection(connectionName).Bind(settings);
        if (configuration.GetConnectionString(connectionName) is { } connectionString)
        {
            settings.ParseConnectionString(connectionString, $"ConnectionStrings:{connectionName}");
        }

        configureSettings?.Invoke(settings);

        var named = $"{FlockClientSettings.DefaultConfigSectionName}:{connectionName}";
        if (string.IsNullOrWhiteSpace(settings.Key))
        {
            throw new InvalidOperationException(
                $"Flock's API key for '{connectionName}' is missing: set Key in the connection string 'ConnectionStrings:{connectionName}' " +
                $"(an AppHost does it with WithReference), or '{named}:Key'.");
        }

        if (string.IsNullOrWhiteSpace(settings.Model))
        {
            throw new InvalidOperationException(
                $"The model for '{connectionName}' is missing: set Model in the connection string 'ConnectionStrings:{connectionName}', or '{named}:Model'.");
        }

        return settings;
    }

    private static ChatClientBuilder AddChatClient(
        IHostApplicationBuilder builder, string connectionName, Action<FlockClientSettings>? configureSettings, Action<FlockOptions>? configureOptions, string? serviceKey)
    {
        var settings = (FlockClientSettings?)null;
        var options = builder.AddFlockConnection(connectionName, s =>
        {
            configureSettings?.Invoke(s);
            settings = s;
        }, configureOptions);

        // The core's transport over its IHttpClientFactory client (retries, same-origin redirects, the key header), with
        // telemetry innermost, so middleware the app adds on the returned builder sits outside it.
        builder.Services.AddFlockHttpClient();
        var tracing = !settings!.DisableTracing;
        var metrics = !settings.DisableMetrics;
        var sensitive = settings.EnableSensitiveTelemetryData;

        IChatClient Create(IServiceProvider provider)
        {
            IChatClient inner = new FlockChatClient(provider.CreateFlockClient(options), options.ModelId);
            if (!tracing && !metrics)
            {
                return inner;
            }

            var logger = provider.GetService<ILoggerFactory>()?.CreateLogger(typeof(OpenTelemetryChatClient));
            return new OpenTelemetryChatClient(inner, logger, FlockTelemetry.SourceName) { EnableSensitiveData = sensitive };
        }

        return serviceKey is null ? builder.Services.AddChatClient(Create) : builder.Services.AddKeyedChatClient(serviceKey, Create);
    }

    private static void AddHealthCheck(IServiceCollection services, string connectionName, FlockOptions options, TimeSpan? timeout)
    {
        var name = $"Flock_{connectionName}";
        // One check per connection, however many clients (MEAI and SK) are registered for it.
        if (services.Any(d => d.ServiceType == typeof(HealthCheckMarker) && Equals(d.ImplementationInstance, new HealthCheckMarker(name))))
        {
            return;
        }

        services.AddSingleton(new HealthCheckMarker(name));

        // A probe without retries, so a failing Flock is reported as it answers, within the check's timeout.
        var probeOptions = options.Clone();
        probeOptions.MaxRetries = 0;
        FlockClient? probe = null;
        var gate = new object();
        services.AddHealthChecks().AddFlock(
            provider =>
            {
                lock (gate)
                {
                    return probe ??= new FlockClient(probeOptions, httpClient: null, provider.GetService<ILoggerFactory>(), provider.GetService<TimeProvider>());
                }
            },
            name,
            timeout);
    }

    /// <summary>Marks a registered health check name, so a second client for the same connection adds none.</summary>
    private sealed record HealthCheckMarker(string Name);
}
