using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Settings;

public sealed class FromExecutionSettingsTests
{
    [Fact]
    public void Null_gives_new_empty_settings()
    {
        var settings = FlockPromptExecutionSettings.FromExecutionSettings(null);

        Assert.NotNull(settings);
        Assert.Null(settings.Temperature);
        Assert.Null(settings.MaxTokens);
        Assert.Null(settings.ExtensionData);
        Assert.NotSame(settings, FlockPromptExecutionSettings.FromExecutionSettings(null));
    }

    [Fact]
    public void Flock_settings_are_returned_as_they_are()
    {
        var original = new FlockPromptExecutionSettings { Temperature = 0.1 };

        Assert.Same(original, FlockPromptExecutionSettings.FromExecutionSettings(original));
    }

    [Fact]
    public void Json_extension_data_binds_to_typed_properties()
    {
        var plain = JsonSerializer.Deserialize<PromptExecutionSettings>("""
            {
              "model_id": "deepseek-v3.1",
              "service_id": "flock-1",
              "temperature": 0.4, "top_p": 0.8, "max_tokens": 100, "n": 2, "best_of": 3,
              "frequency_penalty": 0.1, "presence_penalty": -0.2, "logit_bias": {"50256": -100, "11": 3},
              "logprobs": 2, "seed": 9007199254740993, "stop": ["a", "b"], "user": "u-1",
              "stream_options": {"include_usage": false}, "include_reasoning_in_history": true,
              "reasoning_effort": "high", "guided_choice": ["yes", "no"]
            }
            """)!;

        var settings = FlockPromptExecutionSettings.FromExecutionSettings(plain);

        Assert.Equal("deepseek-v3.1", settings.ModelId);
        Assert.Equal("flock-1", settings.ServiceId);
        Assert.Equal(0.4, settings.Temperature);
        Assert.Equal(0.8, settings.TopP);
        Assert.Equal(100, settings.MaxTokens);
        Assert.Equal(2, settings.ChoiceCount);
        Assert.Equal(3, settings.BestOf);
        Assert.Equal(0.1, settings.FrequencyPenalty);
        Assert.Equal(-0.2, settings.PresencePenalty);
        Assert.Equal(new Dictionary<int, int> { [50256] = -100, [11] = 3 }, settings.LogitBias);
        Assert.Equal(2, settings.Logprobs);
        Assert.Equal(9007199254740993L, settings.Seed);
        Assert.Equal(["a", "b"], settings.StopSequences!);
        Assert.Equal("u-1", settings.User);
        Assert.False(settings.StreamOptions!.IncludeUsage);
        Assert.True(settings.IncludeReasoningInHistory);
        Assert.Equal("high", settings.ReasoningEffort);

        // Only the unknown key is left over, untouched.
        var extra = Assert.Single(settings.ExtensionData!);
        Assert.Equal("guided_choice", extra.Key);
        Assert.Equal("""["yes","no"]""", Assert.IsType<JsonElement>(extra.Value).GetRawText().Replace(" ", ""));
    }

    [Fact]
    public void Yaml_like_string_values_bind_to_typed_properties()
    {
        // What a YAML prompt config yields: scalars as strings, maps as Dictionary<object, object>, sequences as List<object>.
        var plain = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object>
            {
                ["temperature"] = "0.4",
                ["top_p"] = "1",
                ["max_tokens"] = "100",
                ["n"] = "2",
                ["best_of"] = "2",
                ["frequency_penalty"] = "-1.5",
                ["presence_penalty"] = "2",
                ["logit_bias"] = new Dictionary<object, object> { ["50256"] = "-100" },
                ["logprobs"] = "5",
                ["seed"] = "12345678901",
                ["stop"] = "END",
                ["user"] = "someone",
                ["stream_options"] = new Dictionary<object, object> { ["include_usage"] = "false" },
                ["include_reasoning_in_history"] = "true",
            },
        };

        var settings = FlockPromptExecutionSettings.FromExecutionSettings(plain);

        Assert.Equal(0.4, settings.Temperature);
        Assert.Equal(1, settings.TopP);
        Assert.Equal(100, settings.MaxTokens);
        Assert.Equal(2, settings.ChoiceCount);
        Assert.Equal(2, settings.BestOf);
        Assert.Equal(-1.5, settings.FrequencyPenalty);
        Assert.Equal(2, settings.PresencePenalty);
        Assert.Equal(new Dictionary<int, int> { [50256] = -100 }, settings.LogitBias);
        Assert.Equal(5, settings.Logprobs);
        Assert.Equal(12345678901L, settings.Seed);
        Assert.Equal(["END"], settings.StopSequences!);
        Assert.Equal("someone", settings.User);
        Assert.False(settings.StreamOptions!.IncludeUsage);
        Assert.True(settings.IncludeReasoningInHistory);
        Assert.True(settings.ExtensionData is null or { Count: 0 });
    }

    [Fact]
    public void Yaml_like_sequence_binds_stop()
    {
        var plain = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["stop"] = new List<object> { "x", "y" } } };

        Assert.Equal(["x", "y"], FlockPromptExecutionSettings.FromExecutionSettings(plain).StopSequences!);
    }

    [Fact]
    public void Clr_values_bind_to_typed_properties()
    {
        var plain = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object>
            {
                ["temperature"] = 0.5f,
                ["top_p"] = 0.25m,
                ["max_tokens"] = 100L,
                ["n"] = (short)2,
                ["frequency_penalty"] = 1,
                ["presence_penalty"] = -0.5,
                ["logit_bias"] = new Dictionary<int, int> { [1] = 2 },
                ["logprobs"] = true,
                ["seed"] = 42,
                ["stop"] = new[] { "s1", "s2" },
                ["stream_options"] = new FlockStreamOptions { IncludeUsage = true },
                ["include_reasoning_in_history"] = false,
            },
        };

        var settings = FlockPromptExecutionSettings.FromExecutionSettings(plain);

        Assert.Equal(0.5, settings.Temperature);
        Assert.Equal(0.25, settings.TopP);
        Assert.Equal(100, settings.MaxTokens);
        Assert.Equal(2, settings.ChoiceCount);
        Assert.Equal(1, settings.FrequencyPenalty);
        Assert.Equal(-0.5, settings.PresencePenalty);
        Assert.Equal(new Dictionary<int, int> { [1] = 2 }, settings.LogitBias);
        Assert.Equal(0, settings.Logprobs); // boolean form: on, with no top alternatives
        Assert.Equal(42, settings.Seed);
        Assert.Equal(["s1", "s2"], settings.StopSequences!);
        Assert.True(settings.StreamOptions!.IncludeUsage);
        Assert.False(settings.IncludeReasoningInHistory);
    }

    [Fact]
    public void Logprobs_false_turns_them_off_and_top_logprobs_sets_the_count()
    {
        var off = Bind(new() { ["logprobs"] = false });
        var top = Bind(new() { ["logprobs"] = true, ["top_logprobs"] = 4 });

        Assert.Null(off.Logprobs);
        Assert.Equal(4, top.Logprobs);
    }

    public static TheoryData<string, object> WrongTypes => new()
    {
        { "temperature", "hot" },
        { "temperature", Json("[1]") },
        { "top_p", true },
        { "max_tokens", 1.5 },
        { "max_tokens", Json("\"many\"") },
        { "n", Json("{}") },
        { "best_of", "two" },
        { "frequency_penalty", new object() },
        { "presence_penalty", Json("\"x\"") },
        { "logit_bias", "50256:-100" },
        { "logit_bias", Json("""{"abc": 1}""") },
        { "logprobs", "lots" },
        { "seed", 1.25 },
        { "stop", 42 },
        { "stop", Json("[1, 2]") },
        { "user", Json("12") },
        { "include_reasoning_in_history", "maybe" },
        { "stream_options", "yes" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public void Wrong_type_is_an_argument_exception_naming_the_key(string key, object value)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => Bind(new() { [key] = value }));

        Assert.StartsWith(key, ex.ParamName);
        Assert.Contains(key, ex.Message);
    }

    [Fact]
    public void Model_service_and_function_choice_behavior_are_kept()
    {
        var behavior = FunctionChoiceBehavior.Auto();
        var plain = new PromptExecutionSettings { ModelId = "m-2", ServiceId = "svc", FunctionChoiceBehavior = behavior };

        var settings = FlockPromptExecutionSettings.FromExecutionSettings(plain);

        Assert.Equal("m-2", settings.ModelId);
        Assert.Equal("svc", settings.ServiceId);
        Assert.Same(behavior, settings.FunctionChoiceBehavior);
    }

    [Fact]
    public void Clone_copies_every_property_and_owns_its_collections()
    {
        var original = Full();

        var clone = Assert.IsType<FlockPromptExecutionSettings>(original.Clone());

        Assert.NotSame(original, clone);
        Assert.Equal(JsonSerializer.Serialize(original), JsonSerializer.Serialize(clone));
        Assert.Equal(original.ModelId, clone.ModelId);
        Assert.Equal(original.ServiceId, clone.ServiceId);
        Assert.Same(original.FunctionChoiceBehavior, clone.FunctionChoiceBehavior);
        Assert.Equal(original.ExtensionData, clone.ExtensionData);

        clone.StopSequences!.Add("more");
        clone.LogitBias![99] = 1;
        clone.ExtensionData!["other"] = 1;
        clone.StreamOptions!.IncludeUsage = true;
        Assert.Equal(["x"], original.StopSequences!);
        Assert.False(original.LogitBias!.ContainsKey(99));
        Assert.False(original.ExtensionData!.ContainsKey("other"));
        Assert.False(original.StreamOptions!.IncludeUsage);
    }

    [Fact]
    public void Every_public_property_is_covered_by_the_clone_test()
    {
        // Guards Clone: a new setting must be added to Full() (and so to Clone) to keep this green.
        var full = Full();
        foreach (var property in typeof(FlockPromptExecutionSettings).GetProperties().Where(p => p.CanWrite && p.DeclaringType == typeof(FlockPromptExecutionSettings)))
        {
            Assert.True(property.GetValue(full) is not null, $"Full() leaves {property.Name} unset.");
            Assert.Equal(JsonSerializer.Serialize(property.GetValue(full)), JsonSerializer.Serialize(property.GetValue(full.Clone())));
        }
    }

    [Fact]
    public void Freeze_makes_setters_throw_and_collections_read_only()
    {
        var settings = Full();
        settings.Freeze();

        Assert.True(settings.IsFrozen);
        Assert.Throws<InvalidOperationException>(() => settings.Temperature = 1);
        Assert.Throws<InvalidOperationException>(() => settings.TopP = 1);
        Assert.Throws<InvalidOperationException>(() => settings.MaxTokens = 1);
        Assert.Throws<InvalidOperationException>(() => settings.ChoiceCount = 1);
        Assert.Throws<InvalidOperationException>(() => settings.BestOf = 1);
        Assert.Throws<InvalidOperationException>(() => settings.FrequencyPenalty = 1);
        Assert.Throws<InvalidOperationException>(() => settings.PresencePenalty = 1);
        Assert.Throws<InvalidOperationException>(() => settings.LogitBias = null);
        Assert.Throws<InvalidOperationException>(() => settings.Logprobs = 1);
        Assert.Throws<InvalidOperationException>(() => settings.Seed = 1);
        Assert.Throws<InvalidOperationException>(() => settings.StopSequences = null);
        Assert.Throws<InvalidOperationException>(() => settings.User = "x");
        Assert.Throws<InvalidOperationException>(() => settings.StreamOptions = null);
        Assert.Throws<InvalidOperationException>(() => settings.ResponseFormat = null);
        Assert.Throws<InvalidOperationException>(() => settings.IncludeReasoningInHistory = null);
        Assert.Throws<InvalidOperationException>(() => settings.TopK = null);
        Assert.Throws<InvalidOperationException>(() => settings.ChatTemplateKwargs = null);
        Assert.Throws<InvalidOperationException>(() => settings.ThinkTags = null);
        Assert.Throws<InvalidOperationException>(() => settings.StrictJsonSchema = null);
        Assert.Throws<InvalidOperationException>(() => settings.ModelId = "x");
        Assert.Throws<NotSupportedException>(() => settings.StopSequences!.Add("y"));
        Assert.Throws<NotSupportedException>(() => settings.LogitBias!.Add(5, 5));
        Assert.Throws<InvalidOperationException>(() => settings.Tags = null);
        Assert.Throws<InvalidOperationException>(() => settings.Cache = null);
        Assert.Throws<NotSupportedException>(() => settings.Tags!.Add("y"));
        Assert.Throws<NotSupportedException>(() => settings.Fallbacks!.Add("y"));
        Assert.Throws<NotSupportedException>(() => settings.ExtraHeaders!.Add("x-other", "1"));
        Assert.Throws<NotSupportedException>(() => settings.ExtensionData!.Add("k", 1));

        var thawed = Assert.IsType<FlockPromptExecutionSettings>(settings.Clone());
        Assert.False(thawed.IsFrozen);
        thawed.StopSequences!.Add("y");
        thawed.Temperature = 0;
        Assert.Equal(["x"], settings.StopSequences!);
    }

    [Fact]
    public void Freezing_twice_is_harmless()
    {
        var settings = Full();
        settings.Freeze();
        settings.Freeze();

        Assert.True(settings.IsFrozen);
    }

    [Fact]
    public async Task Prompt_template_config_execution_settings_reach_the_wire()
    {
        var config = PromptTemplateConfig.FromJson("""
            {
              "name": "greet",
              "template": "Hi",
              "template_format": "semantic-kernel",
              "execution_settings": {
                "default": {
                  "model_id": "deepseek-v3.1",
                  "temperature": 0.2,
                  "max_tokens": 50,
                  "logprobs": 2,
                  "stop": "END",
                  "logit_bias": {"50256": -100},
                  "reasoning_effort": "low",
                  "chat_template_kwargs": {"enable_thinking": false}
                }
              }
            }
            """);

        var settings = FlockPromptExecutionSettings.FromExecutionSettings(config.ExecutionSettings["default"]);
        Assert.Equal(0.2, settings.Temperature);
        Assert.Equal(50, settings.MaxTokens);
        Assert.Equal("deepseek-v3.1", settings.ModelId);

        var body = await TestSk.SkBodyAsync(config.ExecutionSettings["default"], streaming: false);

        JsonAssert.Equal(Calls.Body("""
            "temperature": 0.2, "max_tokens": 50, "logprobs": true, "top_logprobs": 2, "stop": ["END"],
            "logit_bias": {"50256": -100}, "reasoning_effort": "low", "chat_template_kwargs": {"enable_thinking": false}
            """, model: "deepseek-v3.1"), body);
    }

    private static FlockPromptExecutionSettings Bind(Dictionary<string, object> data) =>
        FlockPromptExecutionSettings.FromExecutionSettings(new PromptExecutionSettings { ExtensionData = data });

    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    private static FlockPromptExecutionSettings Full() => new()
    {
        ModelId = "m",
        ServiceId = "s",
        FunctionChoiceBehavior = FunctionChoiceBehavior.None(),
        ExtensionData = new Dictionary<string, object> { ["guided_choice"] = "low" },
        Temperature = 0.1,
        TopP = 0.2,
        MaxTokens = 3,
        ChoiceCount = 4,
        BestOf = 5,
        FrequencyPenalty = 0.6,
        PresencePenalty = 0.7,
        LogitBias = new Dictionary<int, int> { [8] = 9 },
        Logprobs = 1,
        Seed = 11,
        StopSequences = ["x"],
        User = "u",
        StreamOptions = new FlockStreamOptions { IncludeUsage = false },
        ResponseFormat = "json_object",
        IncludeReasoningInHistory = true,
        TopK = 12,
        MinP = 0.05,
        RepetitionPenalty = 1.1,
        ReasoningEffort = "low",
        EnableThinking = false,
        ChatTemplateKwargs = new Dictionary<string, object?> { ["custom"] = 1 },
        ThinkTags = FlockThinkTags.ClosingTagOnly,
        ChatSystemPrompt = "Be brief.",
        ChatDeveloperPrompt = "Answer in English.",
        StrictJsonSchema = true,
        Tags = ["team-a"],
        SpendLogsMetadata = new Dictionary<string, object?> { ["run"] = "7" },
        EndUserId = "customer-1",
        RequestTimeout = TimeSpan.FromSeconds(30),
        StreamTimeout = TimeSpan.FromSeconds(5),
        NumRetries = 2,
        Fallbacks = ["deepseek-v3.1"],
        Cache = new FlockCacheControl { NoCache = true, Namespace = "docs" },
        EnableMessageRedaction = true,
        ExtraHeaders = new Dictionary<string, string> { ["x-team"] = "blue" },
    };
}
