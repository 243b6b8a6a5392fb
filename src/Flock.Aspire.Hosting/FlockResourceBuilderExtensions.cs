using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

/// <summary>
/// Adds the Flock LLM API to an AppHost: <c>builder.AddFlock("flock")</c>, its models with <c>.AddModel("chat", "…")</c>
/// (referenced by projects with <c>WithReference(model)</c>), and <c>.RunAsEmulator()</c> to run the Flock emulator instead.
/// </summary>
public static class FlockResourceBuilderExtensions
{
    /// <summary>How long one health check may take.</summary>
    private static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(10);

    private const string HttpClientName = "Flock.Aspire.Hosting";

    /// <summary>
    /// Adds the Flock service. Its API key is the secret parameter <c>{name}-key</c> (configuration
    /// <c>Parameters:{name}-key</c>, else the <c>FLOCK_API_KEY</c> environment variable); the endpoint is
    /// <c>https://api.flock.io/v1</c> unless <see cref="WithEndpoint"/> says otherwise. Its health check calls the proxy's
    /// <c>/health/liveliness</c> (no key), falling back to <c>GET /v1/models</c> with the key.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    public static IResourceBuilder<FlockResource> AddFlock(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var keyName = $"{name}-key";
        var key = builder.AddParameter(
            keyName,
            () => builder.Configuration[$"Parameters:{keyName}"] is { Length: > 0 } configured ? configured
                : Environment.GetEnvironmentVariable("FLOCK_API_KEY") is { Length: > 0 } fromEnvironment ? fromEnvironment
                : throw new MissingParameterValueException($"Flock's API key parameter '{keyName}' is not set: set Parameters:{keyName} (user secrets or the environment) or FLOCK_API_KEY."),
            secret: true);
        var resource = new FlockResource(name, key.Resource);
        key.WithParentRelationship(resource);

        var flock = builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Flock",
                CreationTimeStamp = DateTime.UtcNow,
                State = KnownResourceStates.Waiting,
                Properties = [new(CustomResourceKnownProperties.Source, "Flock")],
            })
            .OnInitializeResource(async (flockResource, e, ct) =>
            {
                var state = KnownResourceStates.Running;
                if (flockResource.Emulator is { } emulator)
                {
                    var reached = await e.Notifications.WaitForResourceAsync(
                        emulator.Name, [KnownResourceStates.Running, .. KnownResourceStates.TerminalStates], ct).ConfigureAwait(false);
                    state = reached == KnownResourceStates.Running ? KnownResourceStates.Running : KnownResourceStates.FailedToStart;
                }

                // The endpoint is no secret; the connection string (which holds the key) is not put on the snapshot.
                var endpoint = await flockResource.EndpointExpression.GetValueAsync(ct).ConfigureAwait(false);
                await e.Notifications.PublishUpdateAsync(flockResource, s => s with
                {
                    State = state,
                    Properties = [.. s.Properties, new("flock.endpoint", endpoint), new("flock.emulated", flockResource.IsEmulated)],
                }).ConfigureAwait(false);
                if (state == KnownResourceStates.Running)
                {
                    await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(flockResource, e.Services), ct).ConfigureAwait(false);
                }
            });

        return flock.WithHealthCheck(AddCheck(builder, $"{name}_check", resource, model: null));
    }

    /// <summary>Points the Flock resource at another API base address (a proxy in front of Flock, a test server), e.g. <c>https://api.flock.io/v1</c>.</summary>
    /// <param name="builder">The Flock resource.</param>
    /// <param name="endpoint">An absolute http or https address.</param>
    public static IResourceBuilder<FlockResource> WithEndpoint(this IResourceBuilder<FlockResource> builder, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(endpoint);
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The Flock endpoint must be an absolute http or https address, e.g. {FlockResource.DefaultEndpoint}; got '{endpoint}'.", nameof(endpoint));
        }

        builder.Resource.Endpoint = uri;
        return builder;
    }

    /// <summary>Uses <paramref name="apiKey"/> (a secret parameter) as the API key instead of the default <c>{name}-key</c> parameter.</summary>
    /// <param name="builder">The Flock resource.</param>
    /// <param name="apiKey">A parameter added with <c>secret: true</c>.</param>
    public static IResourceBuilder<FlockResource> WithApiKey(this IResourceBuilder<FlockResource> builder, IResourceBuilder<ParameterResource> apiKey)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(apiKey);
        if (!apiKey.Resource.Secret)
        {
            throw new ArgumentException("The API key parameter must be a secret: add it with AddParameter(name, secret: true).", nameof(apiKey));
        }

        RemoveDefaultKey(builder);
        builder.Resource.ApiKey = apiKey.Resource;
        return builder;
    }

    /// <summary>
    /// Adds a model served by Flock, as a child resource whose connection string is <c>Endpoint=…;Key=…;Model=…</c>:
    /// <c>project.WithReference(model)</c> passes it as <c>ConnectionStrings__{name}</c>, which <c>Flock.Aspire</c>'s
    /// <c>AddFlockChatClient("{name}")</c> reads. Its health check finds the model in Flock's models list.
    /// </summary>
    /// <param name="builder">The Flock resource.</param>
    /// <param name="name">The resource name, and the connection string's name.</param>
    /// <param name="model">The model id, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    public static IResourceBuilder<FlockModelResource> AddModel(this IResourceBuilder<FlockResource> builder, [ResourceName] string name, string model)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(model);

        var resource = new FlockModelResource(name, model, builder.Resource);
        var modelBuilder = builder.ApplicationBuilder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Flock model",
                CreationTimeStamp = DateTime.UtcNow,
                State = KnownResourceStates.Waiting,
                Properties = [new(CustomResourceKnownProperties.Source, "Flock"), new("flock.model", model)],
            })
            .WithParentRelationship(builder)
            .OnInitializeResource(async (modelResource, e, ct) =>
            {
                var reached = await e.Notifications.WaitForResourceAsync(
                    modelResource.Parent.Name, [KnownResourceStates.Running, KnownResourceStates.FailedToStart, .. KnownResourceStates.TerminalStates], ct).ConfigureAwait(false);
                var running = reached == KnownResourceStates.Running;
                await e.Notifications.PublishUpdateAsync(modelResource, s => s with { State = running ? KnownResourceStates.Running : KnownResourceStates.FailedToStart })
                    .ConfigureAwait(false);
                if (running)
                {
                    await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(modelResource, e.Services), ct).ConfigureAwait(false);
                }
            });

        return modelBuilder.WithHealthCheck(AddCheck(builder.ApplicationBuilder, $"{name}_check", builder.Resource, model));
    }

    /// <summary>
    /// Runs the Flock emulator in place of the service when the AppHost runs (not when it publishes): an executable child
    /// resource <c>{name}-emulator</c> on a dynamic loopback port, serving the default models and every model added with
    /// <see cref="AddModel"/>. The connection strings then carry the emulator's endpoint and key, and the API key parameter
    /// is used only to record (<see cref="WithRecording"/>).
    /// </summary>
    /// <param name="builder">The Flock resource.</param>
    /// <param name="configure">Sets the emulator's script, recording or replay.</param>
    /// <exception cref="DistributedApplicationException">The emulator this package carries is not in the AppHost's output.</exception>
    public static IResourceBuilder<FlockResource> RunAsEmulator(this IResourceBuilder<FlockResource> builder, Action<IResourceBuilder<FlockEmulatorResource>>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var app = builder.ApplicationBuilder;
        if (app.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        if (builder.Resource.IsEmulated)
        {
            throw new InvalidOperationException($"RunAsEmulator was already called for '{builder.Resource.Name}'.");
        }

        var tool = EmulatorAssemblyPath();
        var flock = builder.Resource;
        var emulator = new FlockEmulatorResource($"{flock.Name}-emulator", DotnetHost(), app.AppHostDirectory, flock);
        var emulatorBuilder = app.AddResource(emulator)
            .WithHttpEndpoint(name: FlockEmulatorResource.HttpEndpointName)
            .WithArgs(context =>
            {
                context.Args.Add(tool);
                context.Args.Add("--port");
                context.Args.Add(emulator.HttpEndpoint.Property(EndpointProperty.TargetPort));
                if (emulator.ScriptPath is { } script)
                {
                    context.Args.Add("--script");
                    context.Args.Add(script);
                }

                if (emulator.RecordDirectory is { } record)
                {
                    context.Args.Add("--record");
                    context.Args.Add(record);
                    context.Args.Add("--upstream");
                    context.Args.Add(flock.Endpoint.AbsoluteUri);
                }

                if (emulator.ReplayDirectory is { } replay)
                {
                    context.Args.Add("--replay");
                    context.Args.Add(replay);
                }

                foreach (var model in app.Resources.OfType<FlockModelResource>().Where(m => m.Parent == flock).Select(m => m.Model).Distinct())
                {
                    context.Args.Add("--add-model");
                    context.Args.Add(model);
                }
            })
            .WithEnvironment(context =>
            {
                // Only a recording emulator gets the real key (in the environment, never in the arguments), to send upstream.
                if (emulator.RecordDirectory is not null)
                {
                    context.EnvironmentVariables["FLOCK_API_KEY"] = flock.ApiKey;
                }
            })
            .WithParentRelationship(builder)
            .ExcludeFromManifest();

        flock.Emulator = emulator;
        builder.WithAnnotation(new EmulatorResourceAnnotation());
        configure?.Invoke(emulatorBuilder);

        emulatorBuilder.WithHealthCheck(AddCheck(
            app,
            $"{emulator.Name}_check",
            endpoint: ct => flock.EndpointExpression.GetValueAsync(ct),
            key: _ => ValueTask.FromResult<string?>(emulator.ApiKey),
            model: null));

        if (emulator.RecordDirectory is null)
        {
            // Nothing reads the key: leave the parameter out, so an emulated AppHost runs without one.
            RemoveDefaultKey(builder);
        }

        return builder;
    }

    /// <summary>Plays the scripted replies and faults in <paramref name="path"/> (the emulator's JSON script format) first; a relative path is from the AppHost's directory.</summary>
    /// <param name="builder">The emulator resource.</param>
    /// <param name="path">The script file.</param>
    public static IResourceBuilder<FlockEmulatorResource> WithScript(this IResourceBuilder<FlockEmulatorResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The Flock emulator's script file '{full}' does not exist.", full);
        }

        builder.Resource.ScriptPath = full;
        Check(builder.Resource);
        return builder;
    }

    /// <summary>
    /// Forwards every request to the Flock resource's endpoint with its API key and records each exchange into
    /// <paramref name="directory"/> (relative to the AppHost's directory), without the key. Clients still use the emulator's key.
    /// </summary>
    /// <param name="builder">The emulator resource.</param>
    /// <param name="directory">Where the recordings go.</param>
    public static IResourceBuilder<FlockEmulatorResource> WithRecording(this IResourceBuilder<FlockEmulatorResource> builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        builder.Resource.RecordDirectory = Path.GetFullPath(directory, builder.ApplicationBuilder.AppHostDirectory);
        Check(builder.Resource);
        return builder;
    }

    /// <summary>Answers from the recordings in <paramref name="directory"/> (relative to the AppHost's directory), offline.</summary>
    /// <param name="builder">The emulator resource.</param>
    /// <param name="directory">Where the recordings are.</param>
    public static IResourceBuilder<FlockEmulatorResource> WithReplay(this IResourceBuilder<FlockEmulatorResource> builder, string directory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        builder.Resource.ReplayDirectory = Path.GetFullPath(directory, builder.ApplicationBuilder.AppHostDirectory);
        Check(builder.Resource);
        return builder;
    }

    /// <summary>The emulator the package carries, copied into the AppHost's output by its build targets.</summary>
    internal static string EmulatorAssemblyPath()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "flock-emulator", "Flock.Emulator.Tool.dll");
        return File.Exists(path)
            ? path
            : throw new DistributedApplicationException(
                $"The Flock emulator was not found at '{path}'. It comes with the Flock.Aspire.Hosting package, whose build targets copy it into the AppHost's output; rebuild the AppHost.");
    }

    private static void Check(FlockEmulatorResource emulator)
    {
        if (emulator.RecordDirectory is not null && emulator.ReplayDirectory is not null)
        {
            throw new InvalidOperationException("The Flock emulator cannot record and replay at once: record once, then replay.");
        }

        if (emulator.ScriptPath is not null && (emulator.RecordDirectory ?? emulator.ReplayDirectory) is not null)
        {
            throw new InvalidOperationException("A script does not apply while the Flock emulator records or replays: the upstream or the recordings answer.");
        }
    }

    /// <summary>The dotnet host that runs the AppHost (set by the SDK), else the one on the PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static void RemoveDefaultKey(IResourceBuilder<FlockResource> builder)
    {
        var resource = builder.Resource;
        if (resource.ApiKey == resource.DefaultApiKey)
        {
            builder.ApplicationBuilder.Resources.Remove(resource.DefaultApiKey);
        }
    }

    private static string AddCheck(IDistributedApplicationBuilder builder, string name, FlockResource flock, string? model) =>
        AddCheck(builder, name, ct => flock.EndpointExpression.GetValueAsync(ct), ct => flock.KeyExpression.GetValueAsync(ct), model);

    private static string AddCheck(
        IDistributedApplicationBuilder builder, string name, Func<CancellationToken, ValueTask<string?>> endpoint, Func<CancellationToken, ValueTask<string?>> key, string? model)
    {
        // No request logging: the checks poll, and each request would be two lines at Information in the AppHost's log.
        builder.Services.AddHttpClient(HttpClientName).RemoveAllLoggers();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            services => new FlockHealthCheck(() => services.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName), endpoint, key, model),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: CheckTimeout));
        return name;
    }
}
