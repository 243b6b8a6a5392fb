using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using MeaiTextContent = Microsoft.Extensions.AI.TextContent;
using SkTextContent = Microsoft.SemanticKernel.TextContent;

namespace Flock.IntegrationTests;

/// <summary>Images in a user message go out as OpenAI-style content parts (text, then image_url with a URL or a data URI), through both adapters.</summary>
public sealed class ImageTests : EmulatorTest
{
    private const string CatUrl = "https://images.example.com/pets/cat.png?size=large&v=2";
    private const string Question = "What is in these pictures?";

    // A real PNG header plus a few bytes, so the data URI's base64 is non-trivial (contains '+' and '/').
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFB, 0xEF, 0xBE, 0xFF, 0x00, 0x3F];

    private static readonly string PngDataUri = "data:image/png;base64," + Convert.ToBase64String(Png);

    private JsonObject LastUserMessage() =>
        SingleChatBody()["messages"]!.AsArray().Select(m => m!.AsObject()).Last(m => m["role"]!.GetValue<string>() == "user");

    private static void AssertParts(JsonObject user, string secondUrl, string thirdUrl)
    {
        var expected = new JsonArray(
            new JsonObject { ["type"] = "text", ["text"] = Question },
            new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = secondUrl } },
            new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = thirdUrl } });
        Assert.True(JsonNode.DeepEquals(expected, user["content"]), $"expected {expected.ToJsonString()}, got {user["content"]?.ToJsonString()}");
    }

    private static ChatHistory SkHistoryWithImages()
    {
        var history = new ChatHistory("You describe pictures.");
        history.AddUserMessage(
        [
            new SkTextContent(Question),
            new ImageContent(new Uri(CatUrl)),
            new ImageContent(Png, "image/png"),
        ]);
        return history;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_TextUrlAndBytes_BecomeContentParts(bool streaming)
    {
        var service = SkService();

        string answer;
        if (streaming)
        {
            answer = string.Concat((await service.GetStreamingChatMessageContentsAsync(SkHistoryWithImages()).ToListAsync()).Select(u => u.Content));
        }
        else
        {
            answer = (await service.GetChatMessageContentAsync(SkHistoryWithImages())).Content!;
        }

        AssertParts(LastUserMessage(), CatUrl, PngDataUri);
        // The system prompt stays a plain string; the emulator answered from the parts' text.
        Assert.Equal("You describe pictures.", SingleChatBody()["messages"]![0]!["content"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(answer));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Meai_DataAndUriContent_BecomeContentParts(bool streaming)
    {
        IChatClient client = ChatClient();
        var message = new ChatMessage(ChatRole.User,
        [
            new MeaiTextContent(Question),
            new UriContent(new Uri(CatUrl), "image/jpeg"),
            new DataContent(Png, "image/png"),
        ]);

        var text = streaming
            ? (await client.GetStreamingResponseAsync([message]).ToListAsync()).ToChatResponse().Text
            : (await client.GetResponseAsync([message])).Text;

        AssertParts(LastUserMessage(), CatUrl, PngDataUri);
        Assert.False(string.IsNullOrWhiteSpace(text));
    }

    [Fact]
    public async Task Meai_DataContentFromDataUri_IsSentAsThatDataUri()
    {
        var message = new ChatMessage(ChatRole.User, [new MeaiTextContent(Question), new DataContent(PngDataUri), new UriContent(new Uri(CatUrl), "image/png")]);

        await ChatClient().GetResponseAsync([message]);

        AssertParts(LastUserMessage(), PngDataUri, CatUrl);
    }

    [Fact]
    public async Task TextOnlyMessages_StayPlainStrings_BothAdapters()
    {
        var history = new ChatHistory();
        history.AddUserMessage([new SkTextContent("Just text")]);
        await SkService().GetChatMessageContentAsync(history);
        await ChatClient().GetResponseAsync([new ChatMessage(ChatRole.User, [new MeaiTextContent("Just text")])]);

        Assert.Equal(2, Emulator.Requests.Count);
        foreach (var request in Emulator.Requests)
        {
            var content = request.Json!["messages"]![0]!["content"]!;
            Assert.Equal(System.Text.Json.JsonValueKind.String, content.GetValueKind());
            Assert.Equal("Just text", content.GetValue<string>());
        }
    }
}
