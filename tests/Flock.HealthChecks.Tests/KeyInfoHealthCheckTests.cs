using System.Net;
using System.Text;
using Flock.Emulator;
using Flock.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Flock.HealthChecks.Tests;

/// <summary>The key's budget and expiry (<c>GET /key/info</c>) in the health check: off by default, Degraded when asked and crossed.</summary>
public sealed class KeyInfoHealthCheckTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_key_info_is_not_asked_by_default_even_for_a_key_nearly_spent_and_expiring()
    {
        var time = new FakeTimeProvider(Start);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions
        {
            TimeProvider = time, KeySpend = 9.99m, KeyMaxBudget = 10m, KeyExpires = Start.AddMinutes(5),
        });
        var services = Services(flock, time);
        services.AddHealthChecks().AddFlock().AddFlock(new FlockHealthCheckOptions(), name: "flock-options");

        var report = await CheckAsync(services);

        Assert.Equal(2, report.Entries.Count);
        Assert.All(report.Entries.Values, entry =>
        {
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            Assert.DoesNotContain(entry.Data.Keys, k => k.StartsWith("key_", StringComparison.Ordinal));
        });
        Assert.All(flock.Requests, r => Assert.Equal("/v1/models", r.Path));
        Assert.Equal(2, flock.Requests.Count);
    }

    [Theory]
    [InlineData(9.5, 1.0, "the key has 0.5 USD of its 10 USD budget left (minimum 1 USD)")]
    [InlineData(9.0, 1.0, "the key has 1 USD of its 10 USD budget left (minimum 1 USD)")]
    [InlineData(10.0, 0.0, "the key has spent its budget (10 of 10 USD)")]
    [InlineData(12.0, 0.0, "the key has spent its budget (12 of 10 USD)")]
    public async Task Degraded_when_the_remaining_budget_is_at_or_below_the_minimum(double spent, double minimum, string problem)
    {
        var time = new FakeTimeProvider(Start);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions { TimeProvider = time, KeySpend = (decimal)spent, KeyMaxBudget = 10m });
        var services = Services(flock, time);
        services.AddHealthChecks().AddFlock(new FlockHealthCheckOptions { MinimumRemainingBudget = (decimal)minimum });

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal($"Flock at {flock.Endpoint} answers but {problem}.", entry.Description);
        Assert.Equal((decimal)spent, entry.Data["key_spend"]);
        Assert.Equal(10m, entry.Data["key_max_budget"]);
        Assert.Equal(10m - (decimal)spent, entry.Data["key_remaining_budget"]);
        Assert.Null(entry.Exception);
        Assert.Equal(["/v1/models", "/key/info"], flock.Requests.Select(r => r.Path));
        Assert.All(flock.Requests, r => Assert.Equal(flock.ApiKey, r.Header("x-litellm-api-key")));
        Assert.All(flock.Requests, r => Assert.Equal("", r.Query));
    }

    [Fact]
    public async Task Healthy_with_the_keys_budget_and_expiry_in_its_data_when_no_threshold_is_crossed()
    {
        var time = new FakeTimeProvider(Start);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions
        {
            TimeProvider = time, KeySpend = 2m, KeyMaxBudget = 10m, KeyBudgetDuration = "30d", KeyExpires = Start.AddDays(90),
        });
        var services = Services(flock, time);
        services.AddHealthChecks().AddFlock(new FlockHealthCheckOptions { MinimumRemainingBudget = 1m, ExpiryWarning = TimeSpan.FromDays(7) });

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.StartsWith($"Flock at {flock.Endpoint} lists {flock.Models.Count} models (", entry.Description);
        Assert.EndsWith(" Key: 8 USD of 10 USD left, expires 2030-04-01 00:00:00 UTC.", entry.Description);
        Assert.Equal(2m, entry.Data["key_spend"]);
        Assert.Equal(8m, entry.Data["key_remaining_budget"]);
        Assert.Equal(Start.AddDays(90), entry.Data["key_expires"]);
        Assert.Equal(Start.AddDays(30), entry.Data["key_budget_reset_at"]);
    }

    [Fact]
    public async Task A_key_without_a_budget_or_expiry_is_healthy_under_both_checks()
    {
        var time = new FakeTimeProvider(Start);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions { TimeProvider = time, KeySpend = 500m });
        var services = Services(flock, time);
        services.AddHealthChecks().AddFlock(new FlockHealthCheckOptions { MinimumRemainingBudget = 1m, ExpiryWarning = TimeSpan.FromDays(7) });

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal(500m, entry.Data["key_spend"]);
        Assert.False(entry.Data.ContainsKey("key_remaining_budget"));
        Assert.False(entry.Data.ContainsKey("key_expires"));
        Assert.Equal(2, flock.Requests.Count);
    }

    [Fact]
    public async Task Degraded_once_the_expiry_comes_within_the_warning_on_the_injected_clock()
    {
        var time = new FakeTimeProvider(Start);
        var expires = Start.AddDays(10);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions { TimeProvider = time, KeyExpires = expires });
        var client = new FlockClient(new FlockOptions { ApiKey = flock.ApiKey, Endpoint = flock.Endpoint, MaxRetries = 0 }, timeProvider: time);
        var check = new FlockHealthCheck(client, new FlockHealthCheckOptions { ExpiryWarning = TimeSpan.FromDays(7) }, time);

        var early = await check.CheckHealthAsync(Context(check));
        time.Advance(TimeSpan.FromDays(3) - TimeSpan.FromSeconds(1));
        var justBefore = await check.CheckHealthAsync(Context(check));
        time.Advance(TimeSpan.FromSeconds(1));
        var within = await check.CheckHealthAsync(Context(check));
        time.Advance(TimeSpan.FromDays(6.5));
        var hoursLeft = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Healthy, early.Status);
        Assert.Equal(HealthStatus.Healthy, justBefore.Status);
        Assert.Equal(HealthStatus.Degraded, within.Status);
        Assert.Equal($"Flock at {flock.Endpoint} answers but the key expires 2030-01-11 00:00:00 UTC, in 7 d (warning 7 d ahead).", within.Description);
        Assert.Equal(expires, within.Data["key_expires"]);
        Assert.Equal(HealthStatus.Degraded, hoursLeft.Status);
        Assert.Contains("in 12 h (warning 7 d ahead)", hoursLeft.Description);
    }

    [Fact]
    public async Task Both_thresholds_crossed_are_both_named()
    {
        var time = new FakeTimeProvider(Start);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions
        {
            TimeProvider = time, KeySpend = 4m, KeyMaxBudget = 5m, KeyExpires = Start.AddMinutes(30),
        });
        var services = Services(flock, time);
        services.AddHealthChecks().AddFlock(new FlockHealthCheckOptions { MinimumRemainingBudget = 2m, ExpiryWarning = TimeSpan.FromHours(1) });

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Degraded, entry.Status);
        Assert.Equal(
            $"Flock at {flock.Endpoint} answers but the key has 1 USD of its 5 USD budget left (minimum 2 USD); the key expires 2030-01-01 00:30:00 UTC, in 30 min (warning 1 h ahead).",
            entry.Description);
    }

    [Fact]
    public async Task A_rejected_key_is_the_failure_status_and_its_key_info_is_not_asked()
    {
        var time = new FakeTimeProvider(Start);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions { TimeProvider = time, KeyMaxBudget = 10m });
        const string wrongKey = "sk-wrong-key-0123456789abcdef";
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(time);
        services.AddFlockOptions().Configure(o => { o.ApiKey = wrongKey; o.Endpoint = flock.Endpoint; });
        services.AddHealthChecks().AddFlock(new FlockHealthCheckOptions { MinimumRemainingBudget = 1m, ExpiryWarning = TimeSpan.FromDays(7) });

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(401, entry.Data["status"]);
        Assert.Contains("Invalid proxy server token passed", entry.Description);
        Assert.DoesNotContain(wrongKey, entry.Description);
        Assert.Equal("/v1/models", Assert.Single(flock.Requests).Path);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task Key_info_the_proxy_will_not_give_is_Degraded_not_a_failure(HttpStatusCode status)
    {
        // A key that lists models is accepted; a proxy may still keep /key/info from it (a key limited to LLM routes gets
        // 401 there) or fail to answer it. The budget and expiry are then unchecked, which the result says.
        var handler = new RoutingHandler(path => path == "/v1/models"
            ? Json(HttpStatusCode.OK, """{"object":"list","data":[{"id":"m","object":"model"}]}""")
            : Json(status, $$$"""{"error":{"message":"You are not allowed to access this key's info","type":"auth_error","param":"None","code":"{{{(int)status}}}"}}"""));
        var check = new FlockHealthCheck(
            new FlockClient(new FlockOptions { ApiKey = "sk-test", Endpoint = new Uri("https://flock.test/v1"), MaxRetries = 0 }, new HttpClient(handler)),
            new FlockHealthCheckOptions { MinimumRemainingBudget = 1m });

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.StartsWith("Flock at https://flock.test/v1 answers but the key's budget and expiry are unchecked: GET /key/info failed: ", result.Description);
        Assert.Contains("You are not allowed to access this key's info", result.Description);
        Assert.Equal((int)status, result.Data["key_info_status"]);
        Assert.Equal(status, Assert.IsType<FlockException>(result.Exception).StatusCode);
        Assert.Equal(["/v1/models", "/key/info"], handler.Paths);
    }

    [Fact]
    public async Task A_stalled_key_info_is_Degraded_when_the_probes_timeout_elapses_on_the_injected_clock()
    {
        var time = new FakeTimeProvider(Start);
        var handler = new RoutingHandler(async (path, ct) =>
        {
            if (path == "/v1/models")
            {
                return Json(HttpStatusCode.OK, """{"object":"list","data":[{"id":"m","object":"model"}]}""");
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            throw new InvalidOperationException("unreachable");
        });
        var client = new FlockClient(new FlockOptions { ApiKey = "sk-test", Endpoint = new Uri("https://flock.test/v1"), MaxRetries = 0 }, new HttpClient(handler), timeProvider: time);
        var check = new FlockHealthCheck(client, new FlockHealthCheckOptions { Timeout = TimeSpan.FromSeconds(2), ExpiryWarning = TimeSpan.FromDays(1) }, time);

        var checking = check.CheckHealthAsync(Context(check));
        await handler.KeyInfoAsked.WaitAsync(TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromSeconds(1.9));
        Assert.False(checking.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(0.1));
        var result = await checking;

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("Flock at https://flock.test/v1 answers but did not answer GET /key/info within 2 s, so the key's budget and expiry are unchecked.", result.Description);
        Assert.Equal(TimeSpan.FromSeconds(2), result.Data["timeout"]);
    }

    [Fact]
    public async Task The_options_are_copied_at_registration()
    {
        var time = new FakeTimeProvider(Start);
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions { TimeProvider = time, KeySpend = 9.99m, KeyMaxBudget = 10m });
        var services = Services(flock, time);
        var options = new FlockHealthCheckOptions();
        services.AddHealthChecks().AddFlock(sp => new FlockClient(new FlockOptions { ApiKey = flock.ApiKey, Endpoint = flock.Endpoint }), options);
        options.MinimumRemainingBudget = 5m;

        var entry = Assert.Single((await CheckAsync(services)).Entries).Value;

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("/v1/models", Assert.Single(flock.Requests).Path);
    }

    [Fact]
    public void Options_out_of_range_are_refused_with_their_name_at_registration_and_in_the_constructor()
    {
        var client = new FlockClient("sk-test", new Uri("https://flock.test/v1"));
        var builder = new ServiceCollection().AddHealthChecks();
        (FlockHealthCheckOptions Options, string Name)[] cases =
        [
            (new() { Timeout = TimeSpan.Zero }, "Timeout"),
            (new() { Timeout = TimeSpan.FromSeconds(-1) }, "Timeout"),
            (new() { MinimumRemainingBudget = -0.01m }, "MinimumRemainingBudget"),
            (new() { ExpiryWarning = TimeSpan.Zero }, "ExpiryWarning"),
            (new() { ExpiryWarning = Timeout.InfiniteTimeSpan }, "ExpiryWarning"),
        ];

        foreach (var (options, name) in cases)
        {
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => new FlockHealthCheck(client, options)).ParamName);
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddFlock(options)).ParamName);
            Assert.Equal(name, Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddFlock(_ => client, options)).ParamName);
        }

        Assert.Equal("timeout", Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddFlock(timeout: TimeSpan.Zero)).ParamName);
        _ = new FlockHealthCheck(client, new FlockHealthCheckOptions { Timeout = Timeout.InfiniteTimeSpan, MinimumRemainingBudget = 0m, ExpiryWarning = TimeSpan.FromTicks(1) });
    }

    private static ServiceCollection Services(FlockEmulator flock, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddLogging().AddSingleton(time);
        services.AddFlockOptions().Configure(o => { o.ApiKey = flock.ApiKey; o.Endpoint = flock.Endpoint; });
        return services;
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

    /// <summary>Answers by request path, and records the paths asked.</summary>
    private sealed class RoutingHandler(Func<string, CancellationToken, Task<HttpResponseMessage>> answer) : HttpMessageHandler
    {
        private readonly TaskCompletionSource _keyInfoAsked = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<string> _paths = [];

        public RoutingHandler(Func<string, HttpResponseMessage> answer)
            : this((path, _) => Task.FromResult(answer(path)))
        {
        }

        public IReadOnlyList<string> Paths
        {
            get
            {
                lock (_paths)
                {
                    return [.. _paths];
                }
            }
        }

        public Task KeyInfoAsked => _keyInfoAsked.Task;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            lock (_paths)
            {
                _paths.Add(path);
            }

            if (path == "/key/info")
            {
                _keyInfoAsked.TrySetResult();
            }

            return answer(path, cancellationToken);
        }
    }
}
