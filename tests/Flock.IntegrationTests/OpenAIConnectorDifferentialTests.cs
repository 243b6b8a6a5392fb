#pragma warning disable SKEXP0010 // OpenAIChatCompletionService(modelId, endpoint, …) is marked experimental
using System.ComponentModel;
using System.Text.Json.Nodes;
using Flock.Emulator;
using Flock.Emulator.Xunit;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Flock.IntegrationTests;

/// <summary>
/// Differential: the same SK history, plugins and settings through SK's own OpenAI connector and through
/// <see cref="FlockChatCompletionService"/>, against one emulator; the two recorded request bodies must be equal, whole, after
/// normalising only the documented differences below.
/// </summary>
/// <remarks>
/// Documented differences (each normalised on the OpenAI side, nothing else is):
/// <list type="number">
/// <item><c>strict</c> on tools. The OpenAI connector always writes <c>"strict": false</c>; we leave it out, which the chat API
/// defines as false.</item>
/// <item>An assistant message that only calls tools. The OpenAI connector sends <c>"content": ""</c> beside
/// <c>tool_calls</c>; we leave <c>content</c> out, which the chat API allows exactly when <c>tool_calls</c> is present.</item>
/// <item><c>max_tokens</c>. The OpenAI connector writes OpenAI's newer <c>max_completion_tokens</c>; the Flock API document
/// names <c>max_tokens</c> (vLLM reads both), so we send that.</item>
/// <item>Schema formats from a .NET type. The OpenAI connector asks for OpenAI's strict mode (<c>"strict": true</c> and, as
/// strict mode requires, <c>"additionalProperties": false</c> at the schema root); we send the schema as derived, without
/// strict mode, whose support varies between the models Flock serves.</item>
/// <item>Kernel function names. The OpenAI connector names them <c>Plugin-function</c>; ours has one name on the wire whatever
/// the <c>FunctionChoiceBehavior</c>, <c>Plugin_function</c>, the name SK's own function invocation looks calls up by (calls
/// under the other separator still resolve).</item>
/// </list>
/// Key order and the JSON escaping of strings are not differences (bodies are compared as parsed JSON).
/// Two differences found here were bugs on our side and are fixed, not normalised: type schemas used camelCase property
/// names (SK reads answers case-sensitively), and SK's bridge leaked a non-standard <c>"condition"</c> keyword (a copy of the
/// description) into every tool's parameters.
/// </remarks>
public sealed class OpenAIConnectorDifferentialTests : FlockEmulatorTest
{
    private const string Model = "qwen3-30b-a3b-instruct-2507";

    // SK's OpenAI connector authenticates with "Authorization: Bearer"; the real proxy accepts that too.
    protected override FlockEmulatorOptions CreateOptions() => new() { AcceptAuthorizationHeader = true };

    public sealed record CityFact(string City, int Population, List<string> Districts);

    private sealed class WeatherPlugin
    {
        [KernelFunction("get_weather"), Description("Gets the current weather for a city.")]
        public static string GetWeather([Description("The city name")] string city) => $"Sunny in {city}";

        [KernelFunction("get_forecast"), Description("Gets the forecast, in °C.")]
        public static string GetForecast([Description("The city name")] string city, [Description("How many days")] int days = 3, bool metric = true) =>
            $"{days} days of sun in {city} ({metric})";
    }

    private static Kernel KernelWithPlugins()
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromType<WeatherPlugin>("Weather");
        return kernel;
    }

    private static ChatHistory ToolHistory()
    {
        var history = new ChatHistory("You are a weather bot.");
        history.AddUserMessage("What's the weather in Paris?");
        history.Add(new ChatMessageContent(AuthorRole.Assistant,
        [
            new FunctionCallContent("get_weather", "Weather", "call_1", new KernelArguments { ["city"] = "Paris" }),
        ]));
        history.Add(new ChatMessageContent(AuthorRole.Tool,
        [
            new FunctionResultContent("get_weather", "Weather", "call_1", "Sunny in Paris, 21°C"),
        ]));
        history.AddUserMessage("And the forecast for Nice?");
        return history;
    }

    private static ChatHistory ImageHistory()
    {
        var history = new ChatHistory("You describe pictures.");
        history.AddUserMessage([new TextContent("What is this?"), new ImageContent(new Uri("https://images.example.com/cat.png")), new ImageContent(new byte[] { 0x89, 0x50, 0xFB, 0xFF }, "image/png")]);
        return history;
    }

    public static TheoryData<string, bool> Scenarios()
    {
        var data = new TheoryData<string, bool>();
        foreach (var scenario in new[] { "auto", "required", "none", "settings" })
        {
            data.Add(scenario, false);
            data.Add(scenario, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task SameHistoryPluginsAndSettings_SameRequestBody(string scenario, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Text("Fine.") with { Times = 2 });
        var kernel = KernelWithPlugins();
        var (history, openAiSettings, flockSettings) = Scenario(scenario, kernel);

        await Send(new OpenAIChatCompletionService(Model, Emulator.Endpoint, Emulator.ApiKey), history(), openAiSettings, kernel, streaming);
        await Send(new FlockChatCompletionService(Model, Emulator.ApiKey, Emulator.Endpoint), history(), flockSettings, kernel, streaming);

        Assert.Equal(2, Emulator.Requests.Count);
        Assert.Equal("Bearer " + Emulator.ApiKey, Emulator.Requests[0].Header("Authorization"));
        Assert.Equal(Emulator.ApiKey, Emulator.Requests[1].Header("x-litellm-api-key"));
        var theirs = Sorted(NormaliseOpenAI(Emulator.Requests[0].Json!.AsObject()));
        var ours = Sorted(Emulator.Requests[1].Json!.AsObject());
        Assert.True(JsonNode.DeepEquals(theirs, ours), $"\nOpenAI connector: {theirs.ToJsonString()}\nFlock connector:  {ours.ToJsonString()}");

        // The comparison is not vacuous: what each scenario is about is on the wire.
        switch (scenario)
        {
            case "settings":
                Assert.Equal("json_schema", ours["response_format"]!["type"]!.GetValue<string>());
                Assert.Equal(3, ours["messages"]![1]!["content"]!.AsArray().Count);
                break;
            default:
                Assert.Equal("Weather_get_weather", ours["messages"]![2]!["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>());
                Assert.Equal("tool", ours["messages"]![3]!["role"]!.GetValue<string>());
                Assert.Equal(scenario == "required" ? 1 : 2, ours["tools"]!.AsArray().Count);
                Assert.Equal(scenario, ours["tool_choice"]!.GetValue<string>());
                break;
        }
    }

    private static (Func<ChatHistory> History, PromptExecutionSettings OpenAI, PromptExecutionSettings Flock) Scenario(string scenario, Kernel kernel)
    {
        switch (scenario)
        {
            case "auto":
                return (ToolHistory,
                    new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) },
                    new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) });
            case "required":
                var forecast = kernel.Plugins["Weather"]["get_forecast"];
                return (ToolHistory,
                    new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required([forecast], autoInvoke: false) },
                    new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required([forecast], autoInvoke: false) });
            case "none":
                return (ToolHistory,
                    new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.None() },
                    new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.None() });
            case "settings":
                return (ImageHistory,
                    new OpenAIPromptExecutionSettings
                    {
                        Temperature = 0.5, TopP = 0.9, MaxTokens = 50, Seed = 7, StopSequences = ["END", "STOP"], PresencePenalty = 0.5, FrequencyPenalty = -0.5,
                        User = "user-42", ResponseFormat = typeof(CityFact),
                    },
                    new FlockPromptExecutionSettings
                    {
                        Temperature = 0.5, TopP = 0.9, MaxTokens = 50, Seed = 7, StopSequences = ["END", "STOP"], PresencePenalty = 0.5, FrequencyPenalty = -0.5,
                        User = "user-42", ResponseFormat = typeof(CityFact),
                    });
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario));
        }
    }

    private static async Task Send(IChatCompletionService service, ChatHistory history, PromptExecutionSettings settings, Kernel kernel, bool streaming)
    {
        if (streaming)
        {
            Assert.Equal("Fine.", string.Concat((await service.GetStreamingChatMessageContentsAsync(history, settings, kernel).ToListAsync()).Select(u => u.Content)));
        }
        else
        {
            Assert.Equal("Fine.", (await service.GetChatMessageContentAsync(history, settings, kernel)).Content);
        }
    }

    /// <summary>Applies the documented differences (see the class remarks) to the OpenAI connector's body.</summary>
    private static JsonObject NormaliseOpenAI(JsonObject body)
    {
        foreach (var tool in body["tools"]?.AsArray() ?? [])
        {
            var function = tool!["function"]!.AsObject();

            // 1. "strict": false is the absent default.
            if (function["strict"] is JsonValue strict && !strict.GetValue<bool>())
            {
                function.Remove("strict");
            }

            // 5. Plugin-function is our Plugin_function.
            function["name"] = KernelName(function["name"]!.GetValue<string>());
        }

        foreach (var message in body["messages"]!.AsArray().Select(m => m!.AsObject()))
        {
            if (message["tool_calls"] is JsonArray)
            {
                // 2. "content": "" beside tool_calls is the same as no content.
                if (message["content"] is JsonValue content && content.GetValue<string>().Length == 0)
                {
                    message.Remove("content");
                }

                foreach (var call in message["tool_calls"]!.AsArray())
                {
                    call!["function"]!["name"] = KernelName(call["function"]!["name"]!.GetValue<string>());
                }
            }
        }

        // 3. max_completion_tokens is OpenAI's newer name for Flock's max_tokens.
        if (body["max_completion_tokens"] is { } maxTokens)
        {
            body.Remove("max_completion_tokens");
            body["max_tokens"] = maxTokens.DeepClone();
        }

        // 4. OpenAI's strict mode on type-derived schema formats.
        if (body["response_format"]?["json_schema"] is JsonObject jsonSchema)
        {
            jsonSchema.Remove("strict");
            if (jsonSchema["schema"] is JsonObject schema && schema["additionalProperties"] is JsonValue additional && !additional.GetValue<bool>())
            {
                schema.Remove("additionalProperties");
            }
        }

        return body;
    }

    /// <summary>The OpenAI connector's <c>Plugin-function</c> (this test's plugin is <c>Weather</c>) under our one wire name.</summary>
    private static string KernelName(string name) => name.StartsWith("Weather-", StringComparison.Ordinal) ? "Weather_" + name["Weather-".Length..] : name;

    /// <summary>Objects with their keys in order, recursively, so a failure message diffs readably.</summary>
    private static JsonObject Sorted(JsonObject node) => (JsonObject)SortedNode(node)!;

    private static JsonNode? SortedNode(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, SortedNode(p.Value)))),
        JsonArray a => new JsonArray([.. a.Select(SortedNode)]),
        _ => node?.DeepClone(),
    };
}
