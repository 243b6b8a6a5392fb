using System.Net;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Flock.IntegrationTests;

/// <summary>The MEAI adapter end to end over real HTTP against the emulator.</summary>
public sealed class ChatClientTests : EmulatorTest
{
    [Fact]
    public async Task NonStreaming_ReturnsResponseWithIdsUsageAndRaw()
    {
        Emulator.Enqueue(ScriptedReply.Text("Porto is north."));
        IChatClient client = new FlockChatClient(Model, Emulator.ApiKey, Emulator.Endpoint);

        var response = await client.GetResponseAsync("Where is Porto?");

        Assert.Equal("Porto is north.", response.Text);
        Assert.StartsWith("chatcmpl", response.ResponseId);
        Assert.Equal(Model, response.ModelId);
        Assert.NotNull(response.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.NotNull(response.RawRepresentation);
        Assert.True(response.Usage!.InputTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.Equal(Emulator.ApiKey, Emulator.Requests.Single().Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task Streaming_EndsWithUsageContent_AndCoalescesToTheText()
    {
        Emulator.Enqueue(ScriptedReply.Text("Alpha beta gamma delta epsilon.") with { ChunkSize = 4, KeepAlives = true });
        IChatClient client = ChatClient();

        var updates = await client.GetStreamingResponseAsync("Letters").ToListAsync();
        var response = updates.ToChatResponse();

        Assert.Equal("Alpha beta gamma delta epsilon.", response.Text);
        Assert.True(updates.Count(u => u.Text.Length > 0) >= 5);
        Assert.Single(updates, u => u.Contents.OfType<UsageContent>().Any());
        Assert.Contains(updates[^1].Contents, c => c is UsageContent);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.True(response.Usage!.OutputTokenCount > 0);
        Assert.All(updates, u => Assert.Equal(updates[0].ResponseId, u.ResponseId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoChoices_ViaAdditionalProperties(bool streaming)
    {
        IChatClient client = ChatClient();
        var options = new ChatOptions { AdditionalProperties = new() { ["n"] = 2 } };

        List<string> texts;
        if (streaming)
        {
            var updates = await client.GetStreamingResponseAsync("Name a colour", options).ToListAsync();
            texts = [.. updates.Where(u => u.Text.Length > 0)
                .GroupBy(u => u.AdditionalProperties?.TryGetValue("choice_index", out var i) == true ? (int)i! : 0)
                .OrderBy(g => g.Key).Select(g => string.Concat(g.Select(u => u.Text)))];
        }
        else
        {
            texts = [.. (await client.GetResponseAsync("Name a colour", options)).Messages.Select(m => m.Text)];
        }

        Assert.Equal(2, texts.Count);
        Assert.NotEqual(texts[0], texts[1]);
        Emulator.AssertSingleChat().AssertParameter("n", "2");
    }

    [Theory]
    [InlineData(400, "litellm.BadRequestError: bad parameter")]
    [InlineData(401, "Authentication Error, No api key passed in.")]
    [InlineData(429, "Rate limit exceeded for key")]
    [InlineData(500, "upstream exploded")]
    public async Task HttpErrors_SurfaceAsFlockException(int status, string message)
    {
        Emulator.Enqueue(ScriptedReply.Error(status, message) with { Times = 5 });
        IChatClient client = ChatClient();

        var ex = await Assert.ThrowsAsync<FlockException>(() => client.GetStreamingResponseAsync("Hi").ToListAsync().AsTask());

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains(message, ex.Message);
    }

    [Fact]
    public async Task DependencyInjection_ResolvesClientWithMiddleware()
    {
        var services = new ServiceCollection();
        var seen = 0;
        services.AddFlockChatClient(Model, Emulator.ApiKey, Emulator.Endpoint)
            .Use((messages, options, next, ct) => { seen++; return next(messages, options, ct); });
        await using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<IChatClient>();

        var response = await client.GetResponseAsync("Hi");

        Assert.False(string.IsNullOrEmpty(response.Text));
        Assert.Equal(1, seen);
        Assert.Equal("flock", client.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Single(Emulator.Requests);
    }
}
