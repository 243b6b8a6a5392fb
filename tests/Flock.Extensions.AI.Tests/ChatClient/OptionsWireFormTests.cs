using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>Each MEAI option's wire form: typed members and additional properties under the documented name, reasoning effort included.</summary>
public sealed class OptionsWireFormTests
{
    private static readonly Dictionary<string, (Action<ChatOptions> Set, string Fields)> Cases = new()
    {
        ["temperature"] = (o => o.Temperature = 0.3f, """ "temperature": 0.3 """),
        ["top_p"] = (o => o.TopP = 0.9f, """ "top_p": 0.9 """),
        ["max_tokens"] = (o => o.MaxOutputTokens = 256, """ "max_tokens": 256 """),
        ["n"] = (o => Extra(o)["n"] = 2, """ "n": 2 """),
        ["best_of"] = (o => Extra(o)["best_of"] = 3, """ "best_of": 3 """),
        ["frequency_penalty"] = (o => o.FrequencyPenalty = 0.5f, """ "frequency_penalty": 0.5 """),
        ["presence_penalty"] = (o => o.PresencePenalty = -1.25f, """ "presence_penalty": -1.25 """),
        ["logit_bias"] = (o => Extra(o)["logit_bias"] = new Dictionary<int, int> { [50256] = -100, [15] = 5 }, """ "logit_bias": {"50256": -100, "15": 5} """),
        ["logprobs"] = (o => Extra(o)["logprobs"] = 3, """ "logprobs": true, "top_logprobs": 3 """),
        ["logprobs zero"] = (o => Extra(o)["logprobs"] = 0, """ "logprobs": true, "top_logprobs": 0 """),
        ["seed"] = (o => o.Seed = 424242, """ "seed": 424242 """),
        ["stop string"] = (o => Extra(o)["stop"] = "END", """ "stop": ["END"] """),
        ["stop list"] = (o => o.StopSequences = ["\n\n", "END"], """ "stop": ["\n\n", "END"] """),
        ["user"] = (o => Extra(o)["user"] = "user-42", """ "user": "user-42" """),
        ["model"] = (o => o.ModelId = "deepseek-v3.1", ""),
        ["extras pass through"] = (
            o =>
            {
                Extra(o)["reasoning_effort"] = "low";
                Extra(o)["chat_template_kwargs"] = new Dictionary<string, object> { ["enable_thinking"] = false };
                o.TopK = 20;
            },
            """ "reasoning_effort": "low", "chat_template_kwargs": {"enable_thinking": false}, "top_k": 20 """),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Options_reach_the_wire_under_the_documented_name(string name)
    {
        var options = new ChatOptions();
        Cases[name].Set(options);

        var body = await Calls.MeaiBodyAsync(options, streaming: false);

        JsonAssert.Equal(name == "model" ? Calls.Body("", model: "deepseek-v3.1") : Calls.Body(Cases[name].Fields.Trim()), body);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task No_options_and_empty_options_send_the_same_body(bool streaming)
    {
        // A call without options skips the parameter table altogether (a process's first call is cheaper for it); what it
        // sends must be exactly what empty options send: the model, the messages and, streaming, usage on the last chunk.
        var none = await Calls.MeaiBodyAsync(null, streaming);
        var empty = await Calls.MeaiBodyAsync(new ChatOptions(), streaming);

        JsonAssert.Equal(Calls.Body(streaming ? """ "stream": true, "stream_options": {"include_usage": true} """ : ""), none);
        Assert.Equal(empty, none);
    }

    [Theory]
    [InlineData(ReasoningEffort.Low, "low")]
    [InlineData(ReasoningEffort.Medium, "medium")]
    [InlineData(ReasoningEffort.High, "high")]
    [InlineData(ReasoningEffort.ExtraHigh, "xhigh")]
    public async Task Reasoning_effort_is_sent_as_reasoning_effort(ReasoningEffort effort, string wire)
    {
        var body = await Calls.MeaiBodyAsync(new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } }, streaming: false);

        JsonAssert.Equal(Calls.Body($$""" "reasoning_effort": "{{wire}}" """), body);
    }

    [Fact]
    public async Task The_typed_reasoning_effort_wins_over_the_additional_property()
    {
        var options = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High }, AdditionalProperties = new() { ["reasoning_effort"] = "minimal" } };

        var body = await Calls.MeaiBodyAsync(options, streaming: false);

        JsonAssert.Equal(Calls.Body(""" "reasoning_effort": "high" """), body);
    }

    [Fact]
    public async Task Reasoning_effort_none_switches_qwen3_thinking_off()
    {
        var options = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } };

        var body = await Calls.MeaiBodyAsync(options, streaming: false);

        JsonAssert.Equal(Calls.Body(""" "chat_template_kwargs": {"enable_thinking": false} """), body);
    }

    private static AdditionalPropertiesDictionary Extra(ChatOptions options) => options.AdditionalProperties ??= [];
}
