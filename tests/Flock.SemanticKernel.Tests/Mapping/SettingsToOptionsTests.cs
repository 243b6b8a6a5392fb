using System.Text.Json.Nodes;
using Flock.SemanticKernel.Mapping;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>
/// SK settings become MEAI options by the core's table: a typed member where MEAI has one (so middleware such as telemetry
/// sees it), the exact value under its JSON name otherwise, and never a value changed on the way.
/// </summary>
public sealed class SettingsToOptionsTests
{
    private static ChatOptions Map(FlockPromptExecutionSettings settings) =>
        SkToMeai.ToChatOptions(settings, functions: null, kernel: null, autoInvoke: false)!;

    [Fact]
    public void Plain_settings_that_set_nothing_give_no_options_and_any_setting_gives_options()
    {
        Assert.Null(SkToMeai.ToChatOptions(new PromptExecutionSettings(), functions: null, kernel: null, autoInvoke: false));
        Assert.Equal("m-1", SkToMeai.ToChatOptions(new PromptExecutionSettings { ModelId = "m-1" }, null, null, false)?.ModelId);
        var extension = SkToMeai.ToChatOptions(new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["temperature"] = 0.5 } }, null, null, false);
        Assert.Equal(0.5f, extension?.Temperature);
        Assert.NotNull(Map(new FlockPromptExecutionSettings()));
    }

    [Fact]
    public void Typed_members_where_meai_has_them_the_rest_under_their_json_names()
    {
        var stop = new List<string> { "END" };
        var settings = new FlockPromptExecutionSettings
        {
            ModelId = "deepseek-v3.1",
            Temperature = 0.3,
            TopP = 0.9,
            MaxTokens = 64,
            FrequencyPenalty = 0.5,
            PresencePenalty = -0.5,
            Seed = 7,
            StopSequences = stop,
            ChoiceCount = 2,
            BestOf = 3,
            LogitBias = new Dictionary<int, int> { [7] = 1 },
            Logprobs = 2,
            User = "u",
            StreamOptions = new FlockStreamOptions { IncludeUsage = false },
            ResponseFormat = "json_object",
            IncludeReasoningInHistory = true,
            ExtensionData = new Dictionary<string, object> { ["min_p"] = 0.05 },
        };

        var options = Map(settings);

        Assert.Equal("deepseek-v3.1", options.ModelId);
        Assert.Equal((0.3f, 0.9f, 64, 0.5f, -0.5f, 7L), (options.Temperature, options.TopP, options.MaxOutputTokens, options.FrequencyPenalty, options.PresencePenalty, options.Seed));
        Assert.Equal(stop, options.StopSequences!);
        Assert.Equal(
            ["best_of", "include_reasoning_in_history", "logit_bias", "logprobs", "min_p", "n", "response_format", "stream_options", "user"],
            options.AdditionalProperties!.Keys.Order());
        Assert.Equal(2, options.AdditionalProperties["n"]);
        Assert.Equal("json_object", options.AdditionalProperties["response_format"]);
        Assert.IsType<ChatResponseFormatJson>(options.ResponseFormat); // its kind, for telemetry; the value travels as given
        Assert.Equal(0.05, options.AdditionalProperties["min_p"]);
    }

    [Fact]
    public void A_value_a_float_member_cannot_hold_is_also_passed_exactly_and_sent_exactly()
    {
        var settings = new FlockPromptExecutionSettings { Temperature = 0.1234567890123, TopP = 1.0 / 3, FrequencyPenalty = 0.25 };

        var options = Map(settings);

        Assert.Equal(0.12345679f, options.Temperature);
        Assert.Equal(0.1234567890123, options.AdditionalProperties!["temperature"]);
        Assert.Equal(1.0 / 3, options.AdditionalProperties["top_p"]);
        Assert.False(options.AdditionalProperties.ContainsKey("frequency_penalty"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_exact_values_reach_the_wire(bool streaming)
    {
        var body = JsonNode.Parse(await TestSk.SkBodyAsync(new FlockPromptExecutionSettings { Temperature = 0.1234567890123, TopP = 1.0 / 3, PresencePenalty = 1.9999999999 }, streaming))!;

        Assert.Equal(0.1234567890123, body["temperature"]!.GetValue<double>());
        Assert.Equal(1.0 / 3, body["top_p"]!.GetValue<double>());
        Assert.Equal(1.9999999999, body["presence_penalty"]!.GetValue<double>());
    }

    [Fact]
    public void Every_parameter_of_the_table_comes_back_as_it_went_through_the_options()
    {
        // What the bridge sets through the core's public API, the chat client reads back unchanged.
        var options = new ChatOptions();
        foreach (var name in FlockParameters.Names)
        {
            FlockParameters.Set(options, name, Sample(name));
        }

        var read = FlockParameters.Read(options);

        foreach (var name in FlockParameters.Names)
        {
            var value = Sample(name);
            Assert.True(
                Equals(value, read[name])
                || (value is System.Collections.IEnumerable a && read[name] is System.Collections.IEnumerable b && a.Cast<object>().SequenceEqual(b.Cast<object>()))
                || (value is FlockStreamOptions sent && read[name] is FlockStreamOptions back && sent.IncludeUsage == back.IncludeUsage)
                || (value is FlockCacheControl cache && read[name] is FlockCacheControl read2 && (cache.NoCache, cache.Ttl) == (read2.NoCache, read2.Ttl)),
                $"{name}: {value} became {read[name]}");
        }

        Assert.Equal(0.05, read[FlockParameters.MinP]);
    }

    private static readonly FlockCacheControl Cache = new() { NoCache = true, Ttl = TimeSpan.FromMinutes(10) };

    private static object Sample(string name) => name switch
    {
        "temperature" => 0.1234567890123,
        "top_p" => 0.5,
        "frequency_penalty" => -1.5,
        "presence_penalty" => 1.0 / 7,
        "max_tokens" or "n" or "best_of" or "logprobs" => 3,
        "logit_bias" => new Dictionary<int, int> { [1] = 2 },
        "seed" => 9007199254740993L,
        "stop" => new List<string> { "a", "b" },
        "user" => "u",
        "stream_options" => new FlockStreamOptions { IncludeUsage = false },
        "response_format" => ChatResponseFormat.Json,
        "include_reasoning_in_history" => true,
        "top_k" => 5,
        "min_p" => 0.05,
        "repetition_penalty" => 1.1,
        "reasoning_effort" => "low",
        "chat_template_kwargs" => new Dictionary<string, object?> { ["custom"] = "x" },
        "enable_thinking" => false,
        "think_tags" => FlockThinkTags.ClosingTagOnly,
        "tags" => new List<string> { "team-a", "nightly" },
        "spend_logs_metadata" => new Dictionary<string, object?> { ["run"] = "7" },
        "end_user_id" => "customer-1",
        "timeout" or "stream_timeout" => TimeSpan.FromSeconds(30),
        "num_retries" => 2,
        "fallbacks" => new List<string> { "deepseek-v3.1" },
        "cache" => Cache,
        "enable_message_redaction" => true,
        "extra_headers" => new Dictionary<string, string> { ["x-team"] = "a" },
        "strictJsonSchema" => true,
        _ => throw new InvalidOperationException($"A new parameter, {name}: give it a sample here."),
    };
}
