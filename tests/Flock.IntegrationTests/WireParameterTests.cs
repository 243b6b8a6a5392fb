using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests;

/// <summary>Every documented parameter arrives on the wire as the API document names it, through both adapters.</summary>
public sealed class WireParameterTests : EmulatorTest
{
    private const string Expected = """
        {
          "temperature": 0.5, "top_p": 0.9, "max_tokens": 50, "n": 2, "best_of": 3,
          "frequency_penalty": -1.5, "presence_penalty": 1.5, "logit_bias": { "50256": -100, "11": 5 },
          "logprobs": true, "top_logprobs": 3, "seed": 1234, "stop": ["END", "STOP"], "user": "user-42"
        }
        """;

    [Fact]
    public async Task SkSettings_AllParameters()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Hello");
        var settings = new FlockPromptExecutionSettings
        {
            Temperature = 0.5, TopP = 0.9, MaxTokens = 50, ChoiceCount = 2, BestOf = 3, FrequencyPenalty = -1.5, PresencePenalty = 1.5,
            LogitBias = new Dictionary<int, int> { [50256] = -100, [11] = 5 }, Logprobs = 3, Seed = 1234, StopSequences = ["END", "STOP"], User = "user-42",
        };

        await SkService().GetChatMessageContentsAsync(history, settings);

        AssertParameters(SingleChatBody());
    }

    [Fact]
    public async Task MeaiOptions_AllParameters()
    {
        var options = new ChatOptions
        {
            Temperature = 0.5f, TopP = 0.9f, MaxOutputTokens = 50, FrequencyPenalty = -1.5f, PresencePenalty = 1.5f, Seed = 1234, StopSequences = ["END", "STOP"],
            AdditionalProperties = new()
            {
                ["n"] = 2, ["best_of"] = 3, ["logit_bias"] = new Dictionary<string, int> { ["50256"] = -100, ["11"] = 5 }, ["logprobs"] = 3, ["user"] = "user-42",
            },
        };

        await ChatClient().GetResponseAsync("Hello", options);

        AssertParameters(SingleChatBody());
    }

    [Fact]
    public async Task Unset_ParametersAreAbsent_BothAdapters()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Hello");
        await SkService().GetChatMessageContentsAsync(history);
        await ChatClient().GetResponseAsync("Hello");

        foreach (var request in Emulator.Requests)
        {
            var keys = request.Json!.AsObject().Select(p => p.Key).Order().ToArray();
            Assert.Equal(["messages", "model"], keys);
        }
    }

    private static void AssertParameters(JsonObject body)
    {
        var expected = JsonNode.Parse(Expected)!.AsObject();
        foreach (var (key, value) in expected)
        {
            Assert.True(body.ContainsKey(key), $"'{key}' missing from {body.ToJsonString()}");
            // Exact: MEAI's floats must arrive as the numbers the user wrote (0.9, not 0.8999999761581421).
            Assert.True(JsonNode.DeepEquals(Normalize(value), Normalize(body[key])), $"'{key}': expected {value?.ToJsonString()}, got {body[key]?.ToJsonString()}");
        }

        Assert.Equal("qwen3-30b-a3b-instruct-2507", body["model"]!.GetValue<string>());
    }

    private static JsonNode? Normalize(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<double>(out var d) => JsonValue.Create(d),
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key).Select(p => KeyValuePair.Create(p.Key, Normalize(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(Normalize)]),
        _ => node?.DeepClone(),
    };
}
