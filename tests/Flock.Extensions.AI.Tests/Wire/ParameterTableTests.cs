using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Wire;

/// <summary>The one table: precedence, aliases, extra_body, the open-model parameters and their ranges, as sent.</summary>
public sealed class ParameterTableTests
{
    [Fact]
    public async Task Typed_options_win_over_keys_which_win_over_aliases_extra_body_and_unknown_keys()
    {
        var options = new ChatOptions
        {
            Temperature = 0.5f,
            AdditionalProperties = new()
            {
                ["temperature"] = 1.5,                  // loses to the typed member
                ["strict"] = false,                     // MEAI's other name: loses to the parameter's own name below
                ["strictJsonSchema"] = true,
                ["max_tokens"] = 9,
                ["stop"] = new[] { "END" },
                ["extra_body"] = JsonDocument.Parse("""{"top_p": 0.3, "seed": 5, "guided_choice": ["a"], "my_flag": "from extra_body"}""").RootElement,
                ["seed"] = 4,                           // a template key wins over extra_body
                ["my_flag"] = "unknown key",            // extra_body wins over a plain unknown key
                ["vendor_x"] = true,
            },
        };

        var body = await Calls.MeaiBodyAsync(options, streaming: false);

        JsonAssert.Equal(Calls.Body("""
            "temperature": 0.5, "top_p": 0.3, "max_tokens": 9, "seed": 4, "stop": ["END"],
            "guided_choice": ["a"], "my_flag": "from extra_body", "vendor_x": true
            """), body);
    }

    [Fact]
    public async Task Logprobs_flag_and_top_logprobs_count_combine_in_either_order()
    {
        var first = await Calls.MeaiBodyAsync(new ChatOptions { AdditionalProperties = new() { ["logprobs"] = true, ["top_logprobs"] = 3 } }, streaming: false);
        var second = await Calls.MeaiBodyAsync(new ChatOptions { AdditionalProperties = new() { ["top_logprobs"] = 3, ["logprobs"] = true } }, streaming: false);

        JsonAssert.Equal(Calls.Body(""" "logprobs": true, "top_logprobs": 3 """), first);
        JsonAssert.Equal(first, second);
    }

    [Fact]
    public async Task Open_model_parameters_are_sent_under_their_server_names()
    {
        var options = new ChatOptions
        {
            TopK = 20,
            AdditionalProperties = new()
            {
                ["min_p"] = 0.05,
                ["repetition_penalty"] = 1.1,
                ["reasoning_effort"] = "low",
                ["chat_template_kwargs"] = new Dictionary<string, object?> { ["enable_thinking"] = true, ["custom"] = "x" },
                ["enable_thinking"] = false,
            },
        };

        var body = await Calls.MeaiBodyAsync(options, streaming: false);

        JsonAssert.Equal(Calls.Body("""
            "top_k": 20, "min_p": 0.05, "repetition_penalty": 1.1, "reasoning_effort": "low",
            "chat_template_kwargs": {"enable_thinking": false, "custom": "x"}
            """), body);
    }

    [Theory]
    [InlineData("top_k", -2, "top_k must be -1 (no limit) or at least 1.")]
    [InlineData("top_k", 0, "top_k must be -1 (no limit) or at least 1.")]
    [InlineData("min_p", 1.5, "min_p must be between 0 and 1.")]
    [InlineData("min_p", -0.1, "min_p must be between 0 and 1.")]
    [InlineData("repetition_penalty", 0.0, "repetition_penalty must be greater than 0")]
    [InlineData("repetition_penalty", -1.0, "repetition_penalty must be greater than 0")]
    public async Task Open_model_parameters_out_of_range_are_refused_before_sending(string key, object value, string message)
    {
        var handler = new RecordingHandler();
        IChatClient client = TestFlock.ChatClient(handler);

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetResponseAsync(Calls.Messages(), new ChatOptions { AdditionalProperties = new() { [key] = value } }));

        Assert.Equal(key, ex.ParamName);
        Assert.Contains(message, ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Instructions_lead_the_conversation_as_a_system_message()
    {
        var options = new ChatOptions { Instructions = "Per-call instructions." };

        var body = await Calls.MeaiBodyAsync(options, streaming: false);

        JsonAssert.Equal("""
            {"model":"qwen3-30b-a3b-instruct-2507","messages":[
              {"role":"system","content":"Per-call instructions."},
              {"role":"user","content":"Hi"}]}
            """, body);
    }

    [Theory]
    [InlineData("closing_tag_only", FlockThinkTags.ClosingTagOnly)]
    [InlineData("ClosingTagOnly", FlockThinkTags.ClosingTagOnly)]
    [InlineData("off", FlockThinkTags.Off)]
    [InlineData(FlockThinkTags.Auto, FlockThinkTags.Auto)]
    public void Think_tags_read_their_names_in_any_case(object value, FlockThinkTags expected)
    {
        var values = new ChatParameterValues();
        values.Bind("think_tags", value);

        Assert.Equal(expected, values[ChatParameters.ThinkTags]);
    }

    [Fact]
    public void Think_tags_refuse_a_number_or_an_unknown_name_naming_the_choices()
    {
        var values = new ChatParameterValues();

        var ex = Assert.Throws<ArgumentException>(() => values.Bind("think_tags", "sometimes"));
        Assert.Equal("think_tags", ex.ParamName);
        Assert.Contains("Auto, ClosingTagOnly, Off", ex.Message);
        Assert.Throws<ArgumentException>(() => values.Bind("think_tags", "1"));
    }

    [Fact]
    public void Connector_settings_never_reach_the_body()
    {
        var request = new ChatRequest { Model = "m", Messages = [] };
        var values = new ChatParameterValues();
        values.Bind("think_tags", "off");
        values.Bind("include_reasoning_in_history", true);
        values.Bind("strictJsonSchema", true);

        values.WriteTo(request, streaming: false);

        Assert.Null(request.Extra);
        Assert.Equal("""{"model":"m","messages":[]}""", JsonSerializer.Serialize(request, FlockJsonContext.Default.ChatRequest));
    }
}
