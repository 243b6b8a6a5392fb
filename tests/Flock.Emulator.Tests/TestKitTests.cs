using Flock.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Flock.Emulator.Tests;

/// <summary>The test kit as a user's test meets it: clients made for tests, DI, assertions with readable failures.</summary>
public sealed class TestKitTests : EmulatorTestBase
{
    [Fact]
    public void ClientOptionsPointAtTheEmulatorWithoutRetriesAndWithShortTimeouts()
    {
        var options = Emulator.ClientOptions();

        Assert.Equal(Emulator.Endpoint, options.Endpoint);
        Assert.Equal(Emulator.ApiKey, options.ApiKey);
        Assert.Equal(Model, options.ModelId);
        Assert.Equal(0, options.MaxRetries);
        Assert.Equal(FlockEmulator.TestRequestTimeout, options.RequestTimeout);
        Assert.Equal(FlockEmulator.TestStreamIdleTimeout, options.StreamIdleTimeout);
        Assert.Equal(ThinkingModel, Emulator.ClientOptions(ThinkingModel).ModelId);
    }

    [Fact]
    public async Task ChatClientAnswersFromTheScript()
    {
        Emulator.Enqueue(ScriptedReply.Text("Scripted hello."));
        using var client = Emulator.CreateChatClient();

        var response = await client.GetResponseAsync("Hi");

        Assert.Equal("Scripted hello.", response.Text);
        Emulator.AssertSingleChat().AssertParameter("model", $"\"{Model}\"").AssertNoParameter("temperature");
        Emulator.AssertAllRepliesServed();
    }

    [Fact]
    public async Task AScripted429ReachesTheTestAtOnceBecauseTestClientsDoNotRetry()
    {
        Emulator.Enqueue(ScriptedReply.Error(429, "Rate limit exceeded for key").WithRetryAfter(TimeSpan.FromSeconds(1)));
        using var client = Emulator.CreateChatClient();

        var ex = await Assert.ThrowsAsync<FlockException>(() => client.GetResponseAsync("Hi"));

        Assert.Equal(429, (int?)ex.StatusCode);
        Assert.Single(Emulator.ChatRequests);
    }

    [Fact]
    public async Task DependencyInjectionUsesTheEmulatorThroughConfigureClient()
    {
        var services = new ServiceCollection();
        services.AddFlockChatClient(Emulator.ConfigureClient);
        await using var provider = services.BuildServiceProvider();

        var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hello from DI");

        Assert.Contains("Hello from DI", response.Text);
        Emulator.AssertSingleChat();
    }

    [Fact]
    public async Task AssertSingleChatListsWhatArrivedWhenItFails()
    {
        using var client = Emulator.CreateChatClient();
        await client.GetResponseAsync("first question");
        await client.GetResponseAsync("second question");

        var ex = Assert.Throws<FlockEmulatorAssertionException>(() => Emulator.AssertSingleChat());

        Assert.StartsWith("Expected exactly one chat completion request, but the emulator received 2.", ex.Message);
        Assert.Contains("POST /v1/chat/completions", ex.Message);
        Assert.Contains("second question", ex.Message);
    }

    [Fact]
    public async Task ParameterAssertionsCompareJsonAndShowBothValuesOnFailure()
    {
        using var client = Emulator.CreateChatClient();
        await client.GetResponseAsync("Hi", new ChatOptions { Temperature = 0.5f, StopSequences = ["END"] });
        var request = Emulator.AssertSingleChat();

        request.AssertParameter("temperature", "0.50").AssertParameter("stop", """[ "END" ]""");
        var wrong = Assert.Throws<FlockEmulatorAssertionException>(() => request.AssertParameter("temperature", "0.7"));
        var absent = Assert.Throws<FlockEmulatorAssertionException>(() => request.AssertParameter("top_p", "1"));
        var present = Assert.Throws<FlockEmulatorAssertionException>(() => request.AssertNoParameter("stop"));

        Assert.StartsWith("Expected \"temperature\" to be 0.7, but the request sent 0.5.", wrong.Message);
        Assert.StartsWith("Expected \"top_p\" to be 1, but the request did not send it.", absent.Message);
        Assert.StartsWith("Expected no \"stop\", but the request sent [\"END\"].", present.Message);
        Assert.Throws<ArgumentException>(() => request.AssertParameter("temperature", "not json"));
    }

    [Fact]
    public void AssertAllRepliesServedNamesWhatIsLeft()
    {
        Emulator.Enqueue(ScriptedReply.Text("never asked") with { Times = 2 });

        var ex = Assert.Throws<FlockEmulatorAssertionException>(() => Emulator.AssertAllRepliesServed());

        Assert.StartsWith("2 scripted replies were never served.", ex.Message);
    }

    [Fact]
    public async Task ResetForgetsRequestsAndScriptBetweenTests()
    {
        Emulator.Enqueue(ScriptedReply.Text("left over"));
        Emulator.ModelInfoStatus = 404;
        using (var client = Emulator.CreateChatClient())
        {
            await client.GetResponseAsync("Hi");
        }

        Emulator.Enqueue(ScriptedReply.Text("unused"));
        Emulator.Reset();

        Assert.Empty(Emulator.Requests);
        Assert.Equal(0, Emulator.PendingReplyCount);
        Assert.Null(Emulator.ModelInfoStatus);
    }
}
