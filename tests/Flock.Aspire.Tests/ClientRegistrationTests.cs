using System.Diagnostics;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Flock.Aspire.Tests;

/// <summary>
/// The registrations against a real loopback emulator: the chat client (MEAI and SK) answers, the health check lists the
/// models, and telemetry reaches OpenTelemetry unless it is disabled.
/// </summary>
public sealed class ClientRegistrationTests : IAsyncLifetime
{
    private FlockEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await FlockEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private string ConnectionString => $"Endpoint={_emulator.Endpoint};Key={_emulator.ApiKey};Model={_emulator.DefaultModelId}";

    [Fact]
    public async Task TheChatClientAnswersThroughTheConnectionStringAndTheBuilderTakesMiddleware()
    {
        _emulator.Enqueue(ScriptedReply.Text("Hello through Aspire."));
        var builder = Builder();
        var seen = 0;
        builder.AddFlockChatClient("chat").Use((messages, options, next, ct) =>
        {
            Interlocked.Increment(ref seen);
            return next(messages, options, ct);
        });

        using var host = builder.Build();
        var answer = await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("Hi");

        Assert.Equal("Hello through Aspire.", answer.Text);
        Assert.Equal(1, seen);
        _emulator.AssertSingleChat().AssertParameter("model", $"\"{_emulator.DefaultModelId}\"");
        Assert.Equal(_emulator.ApiKey, _emulator.ChatRequests[0].Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task TheKeyedClientIsRegisteredUnderItsNameOnly()
    {
        var builder = Builder("writer");
        builder.AddKeyedFlockChatClient("writer");

        using var host = builder.Build();
        var client = host.Services.GetRequiredKeyedService<IChatClient>("writer");

        Assert.Null(host.Services.GetService<IChatClient>());
        Assert.NotEmpty((await client.GetResponseAsync("Hi")).Text);
    }

    [Fact]
    public async Task TheHealthCheckIsRegisteredByDefaultAndListsTheModels()
    {
        var builder = Builder();
        builder.AddFlockChatClient("chat");
        builder.AddFlockChatCompletion("chat");
        using var host = builder.Build();

        var registrations = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal("Flock_chat", Assert.Single(registrations).Name);
        Assert.Equal(HealthStatus.Healthy, report.Status);
        Assert.Contains($"lists {_emulator.Models.Count} models", report.Entries["Flock_chat"].Description, StringComparison.Ordinal);
        Assert.Contains(_emulator.Requests, r => r.Path == "/v1/models");
    }

    [Fact]
    public async Task TheHealthCheckReportsAWrongKeyWithoutShowingIt()
    {
        var builder = Builder(connectionString: $"Endpoint={_emulator.Endpoint};Key=sk-wrong-secret-9876;Model=m");
        builder.AddFlockChatClient("chat");
        using var host = builder.Build();

        var entry = (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["Flock_chat"];

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("401", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-secret", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-secret", entry.Exception?.ToString() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void DisableHealthChecksLeavesItOut()
    {
        var builder = Builder();
        builder.AddFlockChatClient("chat", s => s.DisableHealthChecks = true);
        using var host = builder.Build();

        Assert.Empty(host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations);
    }

    [Theory]
    [InlineData(false, false, null)]
    [InlineData(false, false, "true")]
    [InlineData(true, false, null)]
    [InlineData(false, true, null)]
    [InlineData(true, true, null)]
    public async Task TracingAndMetricsReachOpenTelemetryUnlessDisabled(bool disableTracing, bool disableMetrics, string? captureContent)
    {
        var builder = Builder();
        if (captureContent is not null)
        {
            builder.Configuration[FlockClientHostingExtensions.CaptureMessageContentVariable] = captureContent;
        }

        var activities = new List<Activity>();
        var metrics = new List<Metric>();
        builder.AddFlockChatClient("chat", s =>
        {
            s.DisableTracing = disableTracing;
            s.DisableMetrics = disableMetrics;
        });
        builder.Services.AddOpenTelemetry()
            .WithTracing(t => t.AddInMemoryExporter(activities))
            .WithMetrics(m => m.AddInMemoryExporter(metrics));

        using var host = builder.Build();
        await host.StartAsync();
        await host.Services.GetRequiredService<IChatClient>().GetResponseAsync("Tell me about telemetry");
        host.Services.GetRequiredService<TracerProvider>().ForceFlush();
        host.Services.GetRequiredService<MeterProvider>().ForceFlush();
        await host.StopAsync();

        // Other tests may call other emulators at the same time: only this emulator's spans and the Flock meter count.
        var port = _emulator.Endpoint.Port;
        var spans = activities.Where(a => a.Source.Name == "Flock" && Equals(a.GetTagItem("server.port"), port)).ToList();
        var flockMetrics = metrics.Where(m => m.MeterName == "Flock").Select(m => m.Name).ToList();
        if (disableTracing)
        {
            Assert.Empty(spans);
        }
        else
        {
            var span = Assert.Single(spans);
            Assert.Equal($"chat {_emulator.DefaultModelId}", span.DisplayName);
            Assert.Equal("flock", span.GetTagItem("gen_ai.provider.name"));
            Assert.Equal(captureContent == "true", span.GetTagItem("gen_ai.input.messages") is string input && input.Contains("Tell me about telemetry", StringComparison.Ordinal));
            Assert.DoesNotContain(span.TagObjects, t => t.Value is string s && s.Contains(_emulator.ApiKey, StringComparison.Ordinal));
        }

        if (disableMetrics)
        {
            Assert.Empty(flockMetrics);
        }
        else
        {
            Assert.Contains("gen_ai.client.token.usage", flockMetrics);
            Assert.Contains("gen_ai.client.operation.duration", flockMetrics);
        }
    }

    [Fact]
    public async Task TheSemanticKernelServiceAnswersThroughTheConnectionString()
    {
        _emulator.Enqueue(ScriptedReply.Text("Hello, Semantic Kernel."));
        var builder = Builder();
        builder.Configuration["ConnectionStrings:second"] = ConnectionString;
        builder.AddFlockChatCompletion("chat");
        builder.AddKeyedFlockChatCompletion("second");

        using var host = builder.Build();
        var service = host.Services.GetRequiredService<IChatCompletionService>();
        var answer = await service.GetChatMessageContentAsync("Hi");

        Assert.Equal("Hello, Semantic Kernel.", answer.Content);
        Assert.NotNull(host.Services.GetRequiredKeyedService<IChatCompletionService>("second"));
        Assert.Equal(_emulator.DefaultModelId, service.GetModelId());
    }

    private HostApplicationBuilder Builder(string name = "chat", string? connectionString = null) =>
        FlockClientSettingsTests.Builder(new() { [$"ConnectionStrings:{name}"] = connectionString ?? ConnectionString });
}
