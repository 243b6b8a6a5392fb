using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Flock.IntegrationTests;

/// <summary>
/// An adapter for another framework, written as the SK bridge is: on the core's public surface only (this assembly sees
/// no internals of the core). It registers the transport, builds a client, puts Flock-only parameters on MEAI's options and
/// reads usage, cost and the proxy's signals back.
/// </summary>
public sealed class PublicSeamTests : EmulatorTest
{
    [Fact]
    public async Task An_adapter_on_the_public_surface_sends_every_value_exactly_and_reads_the_answers_signals()
    {
        var services = new ServiceCollection();
        services.AddFlockHttpClient();
        await using var provider = services.BuildServiceProvider();
        using var client = new FlockChatClient(provider.CreateFlockClient(Options()), Model);

        var options = new ChatOptions();
        FlockParameters.Set(options, "temperature", 0.1234567890123);
        FlockParameters.Set(options, FlockParameters.MinP, 0.05);
        FlockParameters.Set(options, FlockParameters.Tags, new[] { "seam", "adapter" });
        var response = await client.GetResponseAsync("Say hello", options);

        var body = SingleChatBody();
        Assert.Equal("0.1234567890123", body["temperature"]!.ToJsonString());
        Assert.Equal(0.1234567890123f, options.Temperature);
        Assert.Equal("0.05", body["min_p"]!.ToJsonString());
        Assert.Equal("[\"seam\",\"adapter\"]", body["tags"]!.ToJsonString());
        Assert.Equal(0.1234567890123, FlockParameters.Read(options)["temperature"]);

        var usage = FlockUsage.FromUsageDetails(response.Usage);
        Assert.NotNull(usage);
        Assert.Equal(response.Usage!.InputTokenCount, usage.PromptTokens);
        Assert.Equal(response.Usage.OutputTokenCount, usage.CompletionTokens);
        var info = Assert.IsType<FlockResponseInfo>(response.AdditionalProperties?[FlockPropertyNames.ResponseInfo]);
        Assert.False(string.IsNullOrEmpty(info.CallId));
    }

    [Fact]
    public void A_client_built_without_the_registered_transport_says_what_to_register()
    {
        using var provider = new ServiceCollection().BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => provider.CreateFlockClient(Options()));

        Assert.Contains("AddFlockHttpClient", error.Message);
    }
}
