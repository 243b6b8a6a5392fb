using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>
/// The DeepSeek-like thinking model: reasoning in <c>reasoning_content</c>, and DeepSeek's 400 when an assistant message of an
/// exchange that used tools comes back without its reasoning.
/// </summary>
public sealed class ThinkingToolTurnTests : EmulatorTestBase
{
    private const string DeepSeek = "deepseek-v3.2-thinking";
    private const string Tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";

    private static JsonObject User(string text) => new() { ["role"] = "user", ["content"] = text };

    private static JsonObject Assistant(string? text, string? reasoning, bool call = false)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text };
        if (reasoning is not null)
        {
            message["reasoning_content"] = reasoning;
        }

        if (call)
        {
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = "call_1",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = "get_weather", ["arguments"] = """{"city":"Paris"}""" },
            });
        }

        return message;
    }

    private static JsonObject Tool() => new() { ["role"] = "tool", ["tool_call_id"] = "call_1", ["content"] = "sunny" };

    private static string Conversation(params JsonObject[] messages) =>
        $$"""{"model":"{{DeepSeek}}","messages":{{new JsonArray(messages).ToJsonString()}},{{Tools}}}""";

    [Fact]
    public async Task ItIsServedAndDescribed()
    {
        Assert.Contains(DeepSeek, FlockEmulatorOptions.DefaultModels);
        using var response = await GetAsync("model/info");
        var entry = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray().Single(e => (string?)e!["model_name"] == DeepSeek)!;

        Assert.True((bool)entry["model_info"]!["supports_reasoning"]!);
        Assert.Equal("deepseek", (string?)entry["model_info"]!["litellm_provider"]);
    }

    [Fact]
    public async Task ItThinksInReasoningContentStreamedOrNot()
    {
        var body = await ChatAsync(Body(model: DeepSeek));
        var raw = await StreamAsync(Body("\"stream\":true", model: DeepSeek));

        Assert.False(string.IsNullOrEmpty((string?)body["choices"]![0]!["message"]!["reasoning_content"]));
        Assert.NotEmpty(StreamedText(Chunks(raw), field: "reasoning_content"));
    }

    [Fact]
    public async Task ItsToolCallsComeWithReasoning()
    {
        var body = await ChatAsync(Conversation(User("What is the weather in Paris? Use get_weather.")));
        var message = body["choices"]![0]!["message"]!;

        Assert.NotEmpty(message["tool_calls"]!.AsArray());
        Assert.False(string.IsNullOrEmpty((string?)message["reasoning_content"]));
    }

    [Fact]
    public async Task ToolTurnsThatCarryTheirReasoningAreAccepted()
    {
        await ChatAsync(Conversation(
            User("Weather in Paris?"),
            Assistant(null, "I should call get_weather.", call: true),
            Tool(),
            Assistant("It is sunny.", "The tool said sunny."),
            User("And tomorrow?")));
    }

    [Fact]
    public async Task AMissingReasoningInTheCurrentToolExchangeIsDeepSeeks400()
    {
        var (status, error) = await ErrorAsync(Conversation(User("Weather in Paris?"), Assistant(null, null, call: true), Tool()));

        Assert.Equal(400, status);
        Assert.Equal("messages", (string?)error["param"]);
        Assert.Contains("The `reasoning_content` in the thinking mode must be passed back to the API.", (string)error["message"]!);
        Assert.StartsWith("litellm.BadRequestError: DeepseekException - ", (string)error["message"]!);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public async Task AnEarlierToolExchangesAnswerWithoutReasoningIs400Too(string? reasoning)
    {
        var (status, _) = await ErrorAsync(Conversation(
            User("Weather in Paris?"),
            Assistant(null, "I should call get_weather.", call: true),
            Tool(),
            Assistant("It is sunny.", reasoning),
            User("Thanks. And in Rome?")));

        Assert.Equal(400, status);
    }

    [Fact]
    public async Task AnExchangeWithoutToolsMayDropItsReasoning()
    {
        await ChatAsync(Conversation(
            User("Hi"),
            Assistant("Hello!", null),
            User("Weather in Paris?"),
            Assistant(null, "Calling the tool.", call: true),
            Tool()));
    }

    [Fact]
    public async Task OtherModelsDoNotAsk()
    {
        var body = Conversation(User("Weather in Paris?"), Assistant(null, null, call: true), Tool()).Replace(DeepSeek, ThinkingModel, StringComparison.Ordinal);

        await ChatAsync(body);
    }
}
