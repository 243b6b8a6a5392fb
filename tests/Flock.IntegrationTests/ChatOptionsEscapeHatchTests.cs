using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Flock.IntegrationTests;

/// <summary>MEAI's per-call instructions and the RawRepresentationFactory escape hatch reach the wire.</summary>
public sealed class ChatOptionsEscapeHatchTests : EmulatorTest
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Instructions_BecomeALeadingSystemMessage(bool streaming)
    {
        IChatClient client = ChatClient();
        var options = new ChatOptions { Instructions = "Answer in French." };

        if (streaming)
        {
            await client.GetStreamingResponseAsync("Hello", options).ToListAsync();
        }
        else
        {
            await client.GetResponseAsync("Hello", options);
        }

        var messages = SingleChatBody()["messages"]!.AsArray();
        Assert.Equal(2, messages.Count);
        Assert.Equal("system", messages[0]!["role"]!.GetValue<string>());
        Assert.Equal("Answer in French.", messages[0]!["content"]!.GetValue<string>());
        Assert.Equal("user", messages[1]!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task RawRepresentation_FieldsWinOverOptions_AndUnknownOnesPassThrough()
    {
        IChatClient client = ChatClient();
        var options = new ChatOptions
        {
            Temperature = 1.5f,
            MaxOutputTokens = 100,
            RawRepresentationFactory = _ => JsonNode.Parse("""{"temperature":0.2,"n":2,"top_k":20,"min_p":0.05,"model":"deepseek-v3.1"}""")!.AsObject(),
        };

        await client.GetResponseAsync("Hello", options);

        var body = SingleChatBody();
        Assert.Equal(0.2, body["temperature"]!.GetValue<double>());
        Assert.Equal(100, body["max_tokens"]!.GetValue<int>());
        Assert.Equal(2, body["n"]!.GetValue<int>());
        Assert.Equal(20, body["top_k"]!.GetValue<int>());
        Assert.Equal(0.05, body["min_p"]!.GetValue<double>());
        Assert.Equal("deepseek-v3.1", body["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task RawRepresentation_BuiltInCode_AndValidated()
    {
        IChatClient client = ChatClient();
        var options = new ChatOptions { RawRepresentationFactory = _ => new JsonObject { ["temperature"] = 7.0 } };

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.GetResponseAsync("Hello", options));

        Assert.Equal("temperature", ex.ParamName);
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task RawRepresentation_OfAnUnsupportedShape_IsRefusedBeforeSending()
    {
        IChatClient client = ChatClient();
        var options = new ChatOptions { RawRepresentationFactory = _ => "not a body" };

        await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync("Hello", options));
        Assert.Empty(Emulator.Requests);
    }
}
