using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Flock.Extensions.AI.Tests.DependencyInjection;

/// <summary>
/// The public way an adapter or integration gets Flock's transport from a container: the named client with the library's
/// stages (<c>AddFlockHttpClient</c>) and a client over it (<c>CreateFlockClient</c>).
/// </summary>
public sealed class TransportRegistrationTests
{
    [Fact]
    public async Task A_client_from_the_container_sends_through_the_named_client_with_the_stages_once()
    {
        var inner = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddFlockHttpClient();
        services.AddFlockHttpClient().ConfigurePrimaryHttpMessageHandler(() => inner);
        using var provider = services.BuildServiceProvider();

        var client = provider.CreateFlockClient(TestFlock.Options());
        await new FlockChatClient(client).GetResponseAsync("Hi");

        var request = Assert.Single(inner.Requests);
        Assert.Equal(TestFlock.ApiKey, request.Header("x-litellm-api-key"));
    }

    [Fact]
    public void Without_the_named_client_the_container_cannot_build_one_and_says_what_to_call()
    {
        using var provider = new ServiceCollection().BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.CreateFlockClient(TestFlock.Options()));

        Assert.Contains("AddFlockHttpClient()", ex.Message);
    }

    [Fact]
    public async Task A_given_HttpClient_needs_no_registration_and_gets_the_stages_around_it()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        using var provider = new ServiceCollection().BuildServiceProvider();

        var client = provider.CreateFlockClient(TestFlock.Options(), new HttpClient(handler));
        await new FlockChatClient(client).GetResponseAsync("Hi");

        Assert.Equal(TestFlock.ApiKey, Assert.Single(handler.Requests).Header("x-litellm-api-key"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_client_says_whether_telemetry_may_carry_content(bool sensitive)
    {
        var options = TestFlock.Options();
        options.EnableSensitiveTelemetryData = sensitive;

        Assert.Equal(sensitive, new FlockClient(options).EnableSensitiveTelemetryData);
    }
}
