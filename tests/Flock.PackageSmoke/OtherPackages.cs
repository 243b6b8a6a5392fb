using Flock.Emulator;
using Flock.Emulator.Xunit;
using Flock.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

/// <summary>
/// The packed core's IChatClient and the packed health check against the packed emulator, and the packed xUnit adapter's
/// fixture driven by hand (as xUnit would: initialize, use, dispose).
/// </summary>
internal static class OtherPackages
{
    public static async Task<string> RunAsync(FlockEmulator emulator)
    {
        IChatClient client = new FlockChatClient("qwen3-30b-a3b-instruct-2507", emulator.ApiKey, emulator.Endpoint);
        var response = await client.GetResponseAsync("Say hello through MEAI.");
        Require(response.Text.Contains("Say hello through MEAI.", StringComparison.Ordinal), $"unexpected MEAI reply '{response.Text}'");
        Require(response.Usage?.TotalTokenCount > 0, "the MEAI reply carried no usage");

        var services = new ServiceCollection().AddLogging();
        services.AddFlockOptions().Configure(o => { o.ApiKey = emulator.ApiKey; o.Endpoint = emulator.Endpoint; });
        services.AddHealthChecks().AddFlock();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var flock = report.Entries["flock"];
        Require(flock.Status == HealthStatus.Healthy, $"the health check said {flock.Status}: {flock.Description}");

        var fixture = new FlockEmulatorFixture();
        await fixture.InitializeAsync();
        var models = await new FlockClient(fixture.Emulator.ApiKey, fixture.Emulator.Endpoint).ListModelsAsync();
        await fixture.DisposeAsync();
        Require(models.Count > 0, "the xUnit fixture's emulator listed no models");

        return $"MEAI reply of {response.Usage!.TotalTokenCount} tokens; health check: {flock.Description}; xUnit fixture's emulator lists {models.Count} models";
    }

    /// <summary>Fails the smoke test with <paramref name="failure"/> unless <paramref name="condition"/> holds (every check uses it).</summary>
    internal static void Require(bool condition, string failure)
    {
        if (!condition)
        {
            throw new InvalidOperationException(failure);
        }
    }
}
