using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using OpenAI.Chat;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>
/// Another connector's settings passed to the Flock service keep their meaning: read by their JSON names, as SK's connectors
/// read each other's, or refused before anything is sent when a value has no form Flock can take.
/// </summary>
public sealed class OtherConnectorSettingsTests
{
    public static TheoryData<bool> Streaming => new(false, true);

    private static OpenAIPromptExecutionSettings OpenAiSettings() => new()
    {
        ModelId = "deepseek-v3.1",
        Temperature = 0.3,
        TopP = 0.9,
        MaxTokens = 50,
        Seed = 7,
        StopSequences = ["END"],
        PresencePenalty = 0.5,
        FrequencyPenalty = -0.5,
        ChatSystemPrompt = "Be brief.",
        ChatDeveloperPrompt = "Answer in English.",
        Logprobs = true,
        TopLogprobs = 3,
        User = "u-1",
        TokenSelectionBiases = new Dictionary<int, int> { [50256] = -100 },
        ReasoningEffort = "low",
        Store = false,
        Metadata = new Dictionary<string, string> { ["team"] = "docs" },
        ExtraBody = new Dictionary<string, object?> { ["top_k"] = 20, ["guided_choice"] = new[] { "yes", "no" } },
        ExtensionData = new Dictionary<string, object> { ["min_p"] = 0.05 },
    };

    private const string OpenAiFields = """
        "temperature": 0.3, "top_p": 0.9, "max_tokens": 50, "seed": 7, "stop": ["END"], "presence_penalty": 0.5,
        "frequency_penalty": -0.5, "logprobs": true, "top_logprobs": 3, "user": "u-1", "logit_bias": {"50256": -100},
        "reasoning_effort": "low", "store": false, "metadata": {"team": "docs"}, "top_k": 20, "guided_choice": ["yes", "no"],
        "min_p": 0.05
        """;

    private const string PromptMessages = """
        [{"role":"system","content":"Be brief."},{"role":"system","content":"Answer in English."},{"role":"user","content":"Hi"}]
        """;

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task OpenAI_settings_reach_the_wire_with_their_meaning(bool streaming)
    {
        var body = await TestSk.SkBodyAsync(OpenAiSettings(), streaming);

        var stream = streaming ? """ "stream": true, "stream_options": {"include_usage": true}, """ : "";
        JsonAssert.Equal($$"""{"model":"deepseek-v3.1","messages":{{PromptMessages}},{{stream}}{{OpenAiFields}}}""", body);
    }

    [Fact]
    public async Task The_same_settings_written_as_flock_settings_send_the_same_body()
    {
        var flock = new FlockPromptExecutionSettings
        {
            ModelId = "deepseek-v3.1",
            Temperature = 0.3,
            TopP = 0.9,
            MaxTokens = 50,
            Seed = 7,
            StopSequences = ["END"],
            PresencePenalty = 0.5,
            FrequencyPenalty = -0.5,
            ChatSystemPrompt = "Be brief.",
            ChatDeveloperPrompt = "Answer in English.",
            Logprobs = 3,
            User = "u-1",
            LogitBias = new Dictionary<int, int> { [50256] = -100 },
            ReasoningEffort = "low",
            TopK = 20,
            MinP = 0.05,
            ExtensionData = new Dictionary<string, object> { ["store"] = false, ["metadata"] = new Dictionary<string, string> { ["team"] = "docs" }, ["guided_choice"] = new[] { "yes", "no" } },
        };

        JsonAssert.Equal(await TestSk.SkBodyAsync(flock, streaming: false), await TestSk.SkBodyAsync(OpenAiSettings(), streaming: false));
    }

    [Fact]
    public void FromExecutionSettings_reads_another_connectors_properties_by_their_json_names()
    {
        var behavior = FunctionChoiceBehavior.Auto(autoInvoke: false);
        var openAi = OpenAiSettings();
        openAi.ServiceId = "openai-style";
        openAi.FunctionChoiceBehavior = behavior;

        var settings = FlockPromptExecutionSettings.FromExecutionSettings(openAi);

        Assert.Equal(("deepseek-v3.1", "openai-style"), (settings.ModelId, settings.ServiceId));
        Assert.Same(behavior, settings.FunctionChoiceBehavior);
        Assert.Equal((0.3, 0.9, 50, 7L), (settings.Temperature, settings.TopP, settings.MaxTokens, settings.Seed));
        Assert.Equal(["END"], settings.StopSequences!);
        Assert.Equal(new Dictionary<int, int> { [50256] = -100 }, settings.LogitBias);
        Assert.Equal(3, settings.Logprobs);
        Assert.Equal(("Be brief.", "Answer in English.", "u-1", "low"), (settings.ChatSystemPrompt, settings.ChatDeveloperPrompt, settings.User, settings.ReasoningEffort));
        Assert.Equal((20, 0.05), (settings.TopK, settings.MinP));

        // Keys the connector does not model, extra_body's among them, are in ExtensionData, to be sent as they are.
        Assert.Equal(["guided_choice", "metadata", "store"], settings.ExtensionData!.Keys.Order());
    }

    [Fact]
    public async Task A_type_as_response_format_survives_the_conversion()
    {
        var openAi = new OpenAIPromptExecutionSettings { ResponseFormat = typeof(TripPlan) };

        var settings = FlockPromptExecutionSettings.FromExecutionSettings(openAi);
        var body = await TestSk.SkBodyAsync(openAi, streaming: false);

        Assert.Same(typeof(TripPlan), settings.ResponseFormat);
        JsonAssert.Equal(await TestSk.SkBodyAsync(new FlockPromptExecutionSettings { ResponseFormat = typeof(TripPlan) }, streaming: false), body);
        var schema = JsonNode.Parse(body)!["response_format"]!["json_schema"]!;
        Assert.Equal("TripPlan", schema["name"]!.GetValue<string>());
        Assert.NotNull(schema["schema"]!["properties"]!["City"]);
    }

    [Fact]
    public async Task A_function_choice_behavior_is_carried_over_as_the_object_and_offers_the_kernels_functions()
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "12:00", "now", "The time.")]);
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json")).EnqueueJson(TestFiles.Read("completion.json"));
        var service = TestSk.Service(handler);

        await service.GetChatMessageContentsAsync(TestSk.History(), new OpenAIPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(autoInvoke: false) }, kernel);
        await service.GetChatMessageContentsAsync(TestSk.History(), new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(autoInvoke: false) }, kernel);

        JsonAssert.Equal(handler.Requests[1].Body!, handler.Requests[0].Body);
        var body = JsonNode.Parse(handler.Requests[0].Body!)!;
        Assert.Equal("Clock_now", body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("required", body["tool_choice"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_struct_that_names_itself_is_sent_by_its_name()
    {
        var body = await TestSk.SkBodyAsync(new OpenAIPromptExecutionSettings { ReasoningEffort = ChatReasoningEffortLevel.High }, streaming: false);

        JsonAssert.Equal(Calls.Body(""" "reasoning_effort": "high" """), body);
    }

    [Fact]
    public async Task Any_settings_subclass_is_read_by_the_json_names_of_its_own_contract()
    {
        var settings = new VendorSettings { Heat = 0.25f, Limit = 12, Flag = true, Secret = "not sent", Mode = "fast", ExtensionData = new Dictionary<string, object> { ["temperature"] = 1.5 } };

        var body = await TestSk.SkBodyAsync(settings, streaming: false);

        // The typed property wins over the ExtensionData key, as typed settings win over template keys.
        JsonAssert.Equal(Calls.Body(""" "temperature": 0.25, "max_tokens": 12, "vendor_flag": true, "Mode": "fast" """), body);
    }

    public static TheoryData<string, string> Refused => new()
    {
        { "OpenAI's ChatResponseFormat", "OpenAIPromptExecutionSettings.ResponseFormat ('response_format')" },
        { "ToolCallBehavior", "OpenAIPromptExecutionSettings.ToolCallBehavior" },
        { "an enum written as its number", "OpenAIPromptExecutionSettings.Modalities ('modalities')" },
        { "an object with no data", "OpenAIPromptExecutionSettings.Audio ('audio')" },
        { "a JSONPath extra_body key", "extra_body key '$.thinking.enabled'" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_value_with_no_form_flock_can_take_is_refused_by_name_and_nothing_is_sent(string what, string named)
    {
        var settings = what switch
        {
            "OpenAI's ChatResponseFormat" => new OpenAIPromptExecutionSettings { ResponseFormat = OpenAI.Chat.ChatResponseFormat.CreateJsonObjectFormat() },
#pragma warning disable CS0618 // ToolCallBehavior is obsolete in favour of FunctionChoiceBehavior: exactly what users of older code pass.
            "ToolCallBehavior" => new OpenAIPromptExecutionSettings { ToolCallBehavior = ToolCallBehavior.AutoInvokeKernelFunctions },
#pragma warning restore CS0618
            "an enum written as its number" => new OpenAIPromptExecutionSettings { Modalities = ChatResponseModalities.Text | ChatResponseModalities.Audio },
            "an object with no data" => new OpenAIPromptExecutionSettings { Audio = new ChatAudioOptions(ChatOutputAudioVoice.Alloy, ChatOutputAudioFormat.Mp3) },
            _ => new OpenAIPromptExecutionSettings { ExtraBody = new Dictionary<string, object?> { ["$.thinking.enabled"] = false } },
        };
        var handler = new RecordingHandler();

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History(), settings));

        Assert.Contains(named, ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void A_settings_type_that_cannot_be_written_as_json_is_refused_naming_the_type()
    {
        var ex = Assert.Throws<NotSupportedException>(() => FlockPromptExecutionSettings.FromExecutionSettings(new UnwritableSettings { Callback = () => { } }));

        Assert.Contains(typeof(UnwritableSettings).FullName!, ex.Message);
        Assert.Contains("FlockPromptExecutionSettings", ex.Message);
    }

    public sealed record TripPlan(string City, int Days);

    private sealed class VendorSettings : PromptExecutionSettings
    {
        [JsonPropertyName("temperature")]
        public float? Heat { get; set; }

        [JsonPropertyName("max_completion_tokens")]
        public int? Limit { get; set; }

        [JsonPropertyName("vendor_flag")]
        public bool? Flag { get; set; }

        [JsonIgnore]
        public string? Secret { get; set; }

        // No name given: System.Text.Json's own name, as SK's round trip would write it.
        public string? Mode { get; set; }
    }

    private sealed class UnwritableSettings : PromptExecutionSettings
    {
        [JsonPropertyName("callback")]
        public Action? Callback { get; set; }
    }
}
