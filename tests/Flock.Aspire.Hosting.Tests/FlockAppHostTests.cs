using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Flock.Emulator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Flock.Aspire.Hosting.Tests;

/// <summary>
/// The hosting integration run by DCP: an app model built in the test with the Flock resource, a model, and the example's
/// service (examples/aspire/service.cs), on the emulator or on "the real Flock" (an emulator the test starts itself, with a
/// key of its own). The service answers through Flock; its connection string and every log and environment are checked.
/// </summary>
public sealed class FlockAppHostTests
{
    private const string Model = "qwen3-30b-a3b-instruct-2507";

    // Aspire's own snapshot dump (ResourceNotificationService, "update published", at Trace and Debug) shows every
    // parameter's value and every resource's connection string, for any integration; an AppHost logs it only when asked for
    // that level. Everything else the AppHost logs is checked at every level.
    private static readonly string[] AspireSnapshotDump =
        ["Trace|Aspire.Hosting.ApplicationModel.ResourceNotificationService: ", "Debug|Aspire.Hosting.ApplicationModel.ResourceNotificationService: "];

    // A hang guard only: each wait ends as soon as the resource gets there. The first run builds the service.
    private static readonly TimeSpan HangGuard = TimeSpan.FromMinutes(8);

    [Fact]
    public async Task OnTheEmulatorTheServiceAnswersAndTheKeyParameterIsNeverUsed()
    {
        const string realKey = "sk-real-flock-key-must-not-leak-4711";
        var script = Path.Combine(Path.GetTempPath(), $"flock-apphost-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(script, """{"replies": [{"text": "Scripted through Aspire."}]}""");
        try
        {
            var builder = DistributedApplicationTestingBuilder.Create();
            builder.Configuration["Parameters:flock-key"] = realKey;
            var logs = CaptureAppHostLogs(builder);
            var flock = builder.AddFlock("flock").RunAsEmulator(e => e.WithScript(script));
            var chat = flock.AddModel("chat", Model);
            AddService(builder, chat);

            await using var app = await builder.BuildAsync();
            var resourceLogs = WatchResourceLogs(app);
            await app.StartAsync();
            await WaitHealthyAsync(app, "chat", "service");

            using var http = app.CreateHttpClient("service", "http");
            var answer = await http.GetStringAsync("/ask?q=Hello");
            var where = await http.GetStringAsync("/");

            Assert.Equal("Scripted through Aspire.", answer);
            var emulator = Assert.Single(app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<FlockEmulatorResource>());
            Assert.True(flock.Resource.IsEmulated);
            var endpoint = await flock.Resource.EndpointExpression.GetValueAsync(default);
            Assert.Matches(@"^http://localhost:\d+/v1$", endpoint);
            Assert.Equal($"Flock at {endpoint} with model {Model}", where);

            var environment = await EnvironmentOfAsync(app, "service");
            Assert.Equal($"Endpoint={endpoint};Key={emulator.ApiKey};Model={Model}", environment["ConnectionStrings__chat"]);

            // The key parameter is left out of an emulated app: no resource, log or environment holds its value.
            Assert.DoesNotContain(app.Services.GetRequiredService<DistributedApplicationModel>().Resources, r => r.Name == "flock-key");
            await app.StopAsync();
            Assert.True(
                resourceLogs.Any(l => l.Key.StartsWith("flock-emulator", StringComparison.Ordinal) && l.Value.Any(line => line.Contains("Flock emulator listening on http://127.0.0.1:", StringComparison.Ordinal))),
                "The emulator's log has no banner: " + string.Join(" | ", resourceLogs.Select(l => $"{l.Key}: {string.Join(" / ", l.Value.Take(3))}")));
            await AssertNowhereAsync(realKey, app, logs, resourceLogs);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task WithTheKeyParameterTheServiceCallsTheRealServiceAndTheKeyIsOnlyInItsConnectionString()
    {
        // "The real Flock": a service the test runs, which accepts only its own key.
        const string realKey = "sk-real-flock-key-only-in-connection-4712";
        await using var real = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = realKey });
        real.Enqueue(ScriptedReply.Text("From the real service."));

        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["Parameters:flock-key"] = realKey;
        var logs = CaptureAppHostLogs(builder);
        var flock = builder.AddFlock("flock").WithEndpoint(real.Endpoint.AbsoluteUri);
        var chat = flock.AddModel("chat", Model);
        AddService(builder, chat);

        await using var app = await builder.BuildAsync();
        var resourceLogs = WatchResourceLogs(app);
        await app.StartAsync();
        await WaitHealthyAsync(app, "flock", "chat", "service");

        using var http = app.CreateHttpClient("service", "http");
        Assert.Equal("From the real service.", await http.GetStringAsync("/ask?q=Hello"));
        Assert.False(flock.Resource.IsEmulated);
        Assert.Empty(app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<FlockEmulatorResource>());

        var environment = await EnvironmentOfAsync(app, "service");
        Assert.Equal($"Endpoint={real.Endpoint};Key={realKey};Model={Model}", environment["ConnectionStrings__chat"]);
        Assert.Equal(realKey, real.ChatRequests.Single().Header("x-litellm-api-key"));
        // The AppHost's checks: the liveliness route first (the emulator has none: 404), then the models list with the key.
        Assert.Contains(real.Requests, r => r.Path == "/health/liveliness" && r.Header("x-litellm-api-key") is null);
        Assert.Contains(real.Requests, r => r.Path == "/v1/models" && r.Header("x-litellm-api-key") == realKey);

        await app.StopAsync();
        // Only the connection string carries the key: no log, and no other variable.
        Assert.Equal(["ConnectionStrings__chat"], environment.Where(v => v.Value.Contains(realKey, StringComparison.Ordinal)).Select(v => v.Key));
        await AssertNowhereAsync(realKey, app, logs, resourceLogs, except: "service");
    }

    [Fact]
    public async Task AModelTheServiceDoesNotListKeepsTheModelUnhealthy()
    {
        await using var real = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = "sk-other-4713" });
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["Parameters:flock-key"] = "sk-other-4713";
        var flock = builder.AddFlock("flock").WithEndpoint(real.Endpoint.AbsoluteUri);
        flock.AddModel("chat", "no-such-model");

        await using var app = await builder.BuildAsync();
        await app.StartAsync();
        await app.ResourceNotifications.WaitForResourceHealthyAsync("flock").WaitAsync(HangGuard);
        var chat = await app.ResourceNotifications.WaitForResourceAsync(
            "chat", e => e.Snapshot.HealthReports.Any(r => r.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy)).WaitAsync(HangGuard);

        var report = chat.Snapshot.HealthReports.Single(r => r.Name == "chat_check");
        Assert.Contains("does not list the model 'no-such-model'", report.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-other-4713", report.Description ?? "", StringComparison.Ordinal);
        await app.StopAsync();
    }

    private static void AddService(IDistributedApplicationTestingBuilder builder, IResourceBuilder<FlockModelResource> chat) =>
        builder.AddCSharpApp("service", ServicePath())
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/health")
            .WithReference(chat)
            .WaitFor(chat);

    private static async Task WaitHealthyAsync(DistributedApplication app, params string[] resources)
    {
        foreach (var resource in resources)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(HangGuard);
        }
    }

    private static async Task<Dictionary<string, string>> EnvironmentOfAsync(DistributedApplication app, string resource)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var target = (IResourceWithEnvironment)model.Resources.Single(r => r.Name == resource);
        return await target.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
    }

    /// <summary>
    /// Every log line of the AppHost itself (DCP, health checks, ours), at every level, into the queue only: the console
    /// keeps its own level, since Aspire's trace of each resource snapshot prints parameter values (the key among them).
    /// </summary>
    private static ConcurrentQueue<string> CaptureAppHostLogs(IDistributedApplicationTestingBuilder builder)
    {
        var lines = new ConcurrentQueue<string>();
        builder.Services.AddLogging(logging => logging.AddProvider(new QueueLoggerProvider(lines)).AddFilter<QueueLoggerProvider>(null, LogLevel.Trace));
        return lines;
    }

    /// <summary>
    /// Every line each resource writes (its console), collected from the start: each resource instance DCP reports (by its
    /// instance id, e.g. flock-emulator-abcd1234) is watched from its first event on.
    /// </summary>
    private static ConcurrentDictionary<string, ConcurrentQueue<string>> WatchResourceLogs(DistributedApplication app)
    {
        var logs = new ConcurrentDictionary<string, ConcurrentQueue<string>>();
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        var stopping = app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopped;
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in app.ResourceNotifications.WatchAsync(stopping))
                {
                    var queue = new ConcurrentQueue<string>();
                    if (logs.TryAdd(change.ResourceId, queue))
                    {
                        _ = Task.Run(async () =>
                        {
                            try
                            {
                                await foreach (var batch in loggers.WatchAsync(change.ResourceId).WithCancellation(stopping))
                                {
                                    foreach (var line in batch)
                                    {
                                        queue.Enqueue(line.Content);
                                    }
                                }
                            }
                            catch (OperationCanceledException)
                            {
                            }
                        });
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        return logs;
    }

    /// <summary>
    /// The key is in no AppHost log line, no resource's log, no resource's environment (its spec and what DCP reports) and no
    /// resource property, except the environment of <paramref name="except"/>, the service given the connection string.
    /// </summary>
    private static async Task AssertNowhereAsync(
        string key, DistributedApplication app, ConcurrentQueue<string> appHostLogs, ConcurrentDictionary<string, ConcurrentQueue<string>> resourceLogs, string? except = null)
    {
        Assert.NotEmpty(appHostLogs);
        var leaks = appHostLogs
            .Where(l => !AspireSnapshotDump.Any(dump => l.StartsWith(dump, StringComparison.Ordinal)) && l.Contains(key, StringComparison.Ordinal))
            .ToList();
        Assert.True(leaks.Count == 0, "AppHost log lines hold the key:\n" + string.Join("\n", leaks.Select(l => l.Length > 300 ? l[..300] : l)));
        Assert.Contains(resourceLogs, l => !l.Value.IsEmpty);
        foreach (var (resource, lines) in resourceLogs)
        {
            Assert.False(lines.Any(l => l.Contains(key, StringComparison.Ordinal)), $"{resource}'s log holds the key.");
        }

        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var resource in model.Resources.Where(r => r.Name != except))
        {
            if (resource is IResourceWithEnvironment withEnvironment and not ParameterResource)
            {
                var environment = await withEnvironment.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
                Assert.False(environment.Values.Any(v => v.Contains(key, StringComparison.Ordinal)), $"{resource.Name}'s environment holds the key.");
            }

            if (app.ResourceNotifications.TryGetCurrentState(resource.Name, out var state))
            {
                Assert.False(state.Snapshot.EnvironmentVariables.Any(v => v.Value?.Contains(key, StringComparison.Ordinal) == true), $"{resource.Name}'s reported environment holds the key.");
                Assert.False(state.Snapshot.Properties.Any(p => !p.IsSensitive && p.Value?.ToString()?.Contains(key, StringComparison.Ordinal) == true), $"{resource.Name}'s properties hold the key.");
            }
        }
    }

    private static string ServicePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "aspire", "service.cs");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("examples/aspire/service.cs was not found above the test binaries.");
    }

    private sealed class QueueLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new QueueLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class QueueLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var prefix = $"{logLevel}|{category}: ";
            lines.Enqueue(prefix + formatter(state, exception));
            if (exception is not null)
            {
                lines.Enqueue(prefix + exception);
            }

            // Structured values too: a template can hold what its message does not show.
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var value in values)
                {
                    lines.Enqueue($"{prefix}{value.Key}={value.Value}");
                }
            }
        }
    }
}
