using System.Net;
using System.Text;
using Flock.Emulator;
using Flock.Extensions.AI;
using Flock.HealthChecks;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Flock.HealthChecks.Tests;

/// <summary>AddFlock() over real HTTP against the emulator, and against a handler for what the emulator cannot do on /models.</summary>
public sealed class FlockHealthCheckTests
{
    [Fact]
    public async Task Healthy_when_flock_lists_its_models_with_the_registered_options()
    {
        await using var flock = await FlockEmulator.StartAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddFlockChatClient(o => { o.ApiKey = flock.ApiKey; o.Endpoint = flock.Endpoint; o.ModelId = "qwen3-30b-a3b-instruct-2507"; });
        services.AddHealthChecks().AddFlock();

        var report = await CheckAsync(services);

        var entry = Assert.Single(report.Entries);
        Assert.Equal("flock", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.StartsWith($"Flock at {flock.Endpoint} lists {flock.Models.Count} models", entry.Value.Description);
        Assert.Equal(flock.Models.Count, entry.Value.Data["models"]);
        var request = Assert.Single(flock.Requests);
        Assert.Equal("GET /v1/models", $"{request.Method} {request.Path}");
        Assert.Equal(flock.ApiKey, request.Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task Degraded_when_flock_answers_with_no_models()
    {
        // The emulator always serves at least one model; an empty list as the proxy would send it.
        var handler = new StubHandler(() => Json(HttpStatusCode.OK, """{"object":"list","data":[]}"""));
        var check = new FlockHealthCheck(new FlockClient("sk-test", new Uri("https://flock.test/v1"), new HttpClient(handler)));

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("Flock at https://flock.test/v1 answers but lists no models.", result.Description);
    }

    [Fact]
    public async Task A_wrong_key_is_the_failure_status_with_flocks_401_message_and_never_the_key()
    {
        await using var flock = await FlockEmulator.StartAsync();
        const string wrongKey = "sk-wrong-key-0123456789abcdef";
        var services = new ServiceCollection().AddLogging();
        services.AddFlockOptions().Configure(o => { o.ApiKey = wrongKey; o.Endpoint = flock.Endpoint; });
        services.AddHealthChecks().AddFlock(failureStatus: HealthStatus.Degraded, tags: ["ready"]);

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Contains("Invalid proxy server token passed", entry.Description);
        Assert.EndsWith($"(GET {flock.Endpoint}/models)", entry.Description);
        Assert.Equal(401, entry.Data["status"]);
        Assert.Equal(["ready"], entry.Tags);
        var exception = Assert.IsType<FlockException>(entry.Exception);
        Assert.Equal(HttpStatusCode.Unauthorized, exception.StatusCode);
        Assert.DoesNotContain(wrongKey, entry.Description);
        Assert.DoesNotContain(wrongKey, exception.ToString());
        Assert.Single(flock.Requests);
    }

    [Fact]
    public async Task A_server_error_is_reported_at_once_without_retries()
    {
        await using var server = new LoopbackServer(HttpStatusCode.InternalServerError,
            """{"error":{"message":"Internal Server Error: the model backend is down","type":"internal_server_error","param":null,"code":"500"}}""");
        var services = new ServiceCollection().AddLogging();
        services.AddFlockOptions("probe").Configure(o => { o.ApiKey = "sk-test"; o.Endpoint = server.Endpoint; o.MaxRetries = 5; });
        services.AddHealthChecks().AddFlock(serviceId: "probe", name: "flock-probe");

        var entry = Assert.Single((await CheckAsync(services)).Entries);

        Assert.Equal("flock-probe", entry.Key);
        Assert.Equal(HealthStatus.Unhealthy, entry.Value.Status);
        Assert.Contains("Internal Server Error: the model backend is down", entry.Value.Description);
        Assert.EndsWith($"(GET {server.Endpoint}/models)", entry.Value.Description);
        Assert.Equal(500, entry.Value.Data["status"]);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task A_stalled_flock_is_the_failure_status_when_the_timeout_elapses_on_the_injected_clock()
    {
        await using var server = new LoopbackServer(status: null);
        var time = new FakeTimeProvider();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time);
        services.AddFlockOptions().Configure(o => { o.ApiKey = "sk-test"; o.Endpoint = server.Endpoint; });
        services.AddHealthChecks().AddFlock(timeout: TimeSpan.FromSeconds(2));

        var checking = CheckAsync(services);
        await server.Requested.WaitAsync(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(checking.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var entry = Assert.Single((await checking).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal($"Flock at {server.Endpoint} did not list its models within 2 s.", entry.Description);
        Assert.Equal(TimeSpan.FromSeconds(2), entry.Data["timeout"]);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task The_callers_cancellation_is_not_reported_as_a_timeout()
    {
        var handler = new StubHandler(async ct =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });
        var check = new FlockHealthCheck(new FlockClient("sk-test", new Uri("https://flock.test/v1"), new HttpClient(handler)), timeProvider: new FakeTimeProvider());
        using var cancel = new CancellationTokenSource();

        var checking = check.CheckHealthAsync(Context(check), cancel.Token);
        await handler.Entered.WaitAsync(TimeSpan.FromMinutes(1));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => checking);
    }

    [Fact]
    public async Task Missing_options_are_reported_as_not_configured_instead_of_throwing()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddHealthChecks().AddFlock();

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.StartsWith("Flock is not configured: A Flock API key is required", entry.Description);
        Assert.IsAssignableFrom<ArgumentException>(entry.Exception);
    }

    [Fact]
    public async Task The_factory_overload_probes_the_client_a_chat_client_registration_uses()
    {
        await using var flock = await FlockEmulator.StartAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddFlockChatClient("qwen3-30b-a3b-instruct-2507", flock.ApiKey, flock.Endpoint);
        services.AddHealthChecks().AddFlock(sp => sp.GetRequiredService<IChatClient>().GetRequiredService<FlockClient>());

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("/v1/models", Assert.Single(flock.Requests).Path);
    }

    [Fact]
    public void A_timeout_that_is_not_positive_is_refused()
    {
        var client = new FlockClient("sk-test", new Uri("https://flock.test/v1"));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new FlockHealthCheck(client, TimeSpan.Zero));
        Assert.Equal("timeout", ex.ParamName);
    }

    private static async Task<HealthReport> CheckAsync(IServiceCollection services)
    {
        await using var provider = services.BuildServiceProvider();
        return await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
    }

    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("flock", check, failureStatus: null, tags: null) };

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
}
