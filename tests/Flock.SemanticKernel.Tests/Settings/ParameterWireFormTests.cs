using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>Each SK setting's wire form, and its absence when unset, the same as MEAI's (MEAI's forms alone: the core's ChatClient/OptionsWireFormTests).</summary>
public sealed class ParameterWireFormTests
{
    private sealed record Case(Action<FlockPromptExecutionSettings> Sk, string Fields);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["temperature"] = new(s => s.Temperature = 0.3, """ "temperature": 0.3 """),
        ["top_p"] = new(s => s.TopP = 0.9, """ "top_p": 0.9 """),
        ["max_tokens"] = new(s => s.MaxTokens = 256, """ "max_tokens": 256 """),
        ["n"] = new(s => s.ChoiceCount = 2, """ "n": 2 """),
        ["best_of"] = new(s => s.BestOf = 3, """ "best_of": 3 """),
        ["frequency_penalty"] = new(s => s.FrequencyPenalty = 0.5, """ "frequency_penalty": 0.5 """),
        ["presence_penalty"] = new(s => s.PresencePenalty = -1.25, """ "presence_penalty": -1.25 """),
        ["logit_bias"] = new(
            s => s.LogitBias = new Dictionary<int, int> { [50256] = -100, [15] = 5 },
            """ "logit_bias": {"50256": -100, "15": 5} """),
        ["logprobs"] = new(s => s.Logprobs = 3, """ "logprobs": true, "top_logprobs": 3 """),
        ["logprobs zero"] = new(s => s.Logprobs = 0, """ "logprobs": true, "top_logprobs": 0 """),
        ["seed"] = new(s => s.Seed = 424242, """ "seed": 424242 """),
        ["stop string"] = new(s => s.StopSequences = ["END"], """ "stop": ["END"] """),
        ["stop list"] = new(s => s.StopSequences = ["\n\n", "END"], """ "stop": ["\n\n", "END"] """),
        ["user"] = new(s => s.User = "user-42", """ "user": "user-42" """),
        ["model"] = new(s => s.ModelId = "deepseek-v3.1", ""),
        ["extras pass through"] = new(
            s => s.ExtensionData = new Dictionary<string, object>
            {
                ["reasoning_effort"] = "low",
                ["chat_template_kwargs"] = JsonDocument.Parse("""{"enable_thinking":false}""").RootElement,
                ["top_k"] = 20,
            },
            """ "reasoning_effort": "low", "chat_template_kwargs": {"enable_thinking": false}, "top_k": 20 """),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Sk_settings_reach_the_wire_under_the_documented_name(string name)
    {
        var settings = new FlockPromptExecutionSettings();
        Cases[name].Sk(settings);

        var body = await TestSk.SkBodyAsync(settings, streaming: false);

        JsonAssert.Equal(Expected(name), body);
    }

    [Fact]
    public async Task Unset_settings_send_exactly_model_and_messages()
    {
        var expected = Calls.Body("");
        JsonAssert.Equal(expected, await TestSk.SkBodyAsync(null, streaming: false));
        JsonAssert.Equal(expected, await TestSk.SkBodyAsync(new FlockPromptExecutionSettings(), streaming: false));
        JsonAssert.Equal(expected, await TestSk.SkBodyAsync(new PromptExecutionSettings(), streaming: false));
        JsonAssert.Equal(expected, await Calls.MeaiBodyAsync(null, streaming: false));
        JsonAssert.Equal(expected, await Calls.MeaiBodyAsync(new ChatOptions(), streaming: false));
    }

    [Fact]
    public async Task Unset_settings_when_streaming_add_only_stream_and_usage_request()
    {
        var expected = Calls.Body(""" "stream": true, "stream_options": {"include_usage": true} """);
        JsonAssert.Equal(expected, await TestSk.SkBodyAsync(null, streaming: true));
        JsonAssert.Equal(expected, await TestSk.SkBodyAsync(new FlockPromptExecutionSettings(), streaming: true));
        JsonAssert.Equal(expected, await Calls.MeaiBodyAsync(null, streaming: true));
        JsonAssert.Equal(expected, await Calls.MeaiBodyAsync(new ChatOptions(), streaming: true));
    }

    [Fact]
    public async Task Stream_options_are_sent_as_given_when_streaming()
    {
        var expected = Calls.Body(""" "stream": true, "stream_options": {"include_usage": false} """);

        var sk = await TestSk.SkBodyAsync(new FlockPromptExecutionSettings { StreamOptions = new FlockStreamOptions { IncludeUsage = false } }, streaming: true);
        var meai = await Calls.MeaiBodyAsync(
            new ChatOptions { AdditionalProperties = new() { ["stream_options"] = new Dictionary<string, object> { ["include_usage"] = false } } },
            streaming: true);

        JsonAssert.Equal(expected, sk);
        JsonAssert.Equal(expected, meai);
    }

    [Fact]
    public async Task Stream_options_are_not_sent_without_streaming()
    {
        var sk = await TestSk.SkBodyAsync(new FlockPromptExecutionSettings { StreamOptions = new FlockStreamOptions { IncludeUsage = true } }, streaming: false);
        var meai = await Calls.MeaiBodyAsync(
            new ChatOptions { AdditionalProperties = new() { ["stream_options"] = JsonDocument.Parse("""{"include_usage":true}""").RootElement } },
            streaming: false);

        JsonAssert.Equal(Calls.Body(""), sk);
        JsonAssert.Equal(Calls.Body(""), meai);
    }

    [Fact]
    public async Task Every_parameter_together_streaming()
    {
        var settings = new FlockPromptExecutionSettings
        {
            Temperature = 0.7,
            TopP = 0.95,
            MaxTokens = 64,
            ChoiceCount = 2,
            FrequencyPenalty = 0.25,
            PresencePenalty = 0.5,
            LogitBias = new Dictionary<int, int> { [7] = 1 },
            Logprobs = 5,
            Seed = 7,
            StopSequences = ["STOP"],
            User = "u",
        };

        var body = await TestSk.SkBodyAsync(settings, streaming: true);

        JsonAssert.Equal(Calls.Body("""
            "stream": true, "stream_options": {"include_usage": true},
            "temperature": 0.7, "top_p": 0.95, "max_tokens": 64, "n": 2,
            "frequency_penalty": 0.25, "presence_penalty": 0.5, "logit_bias": {"7": 1},
            "logprobs": true, "top_logprobs": 5, "seed": 7, "stop": ["STOP"], "user": "u"
            """), body);
    }

    private static string Expected(string name) => name == "model"
        ? Calls.Body("", model: "deepseek-v3.1")
        : Calls.Body(Cases[name].Fields.Trim());
}
