using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>
/// The one precedence rule end to end through the SK service — typed settings win over template keys, which win over
/// <c>extra_body</c>, which wins over other unknown keys — and misspelt keys still sent but warned about (the rule for MEAI's
/// options: the core's Wire/ParameterTableTests).
/// </summary>
public sealed class PrecedenceAndTypoTests
{
    // temperature: typed 0.1 > template 0.5 > extra_body 0.9; max_tokens: template 10 > extra_body 20; stop: alias ["A"] >
    // extra_body ["B"]; top_p: only in extra_body; my_flag: extra_body 2 > unknown key 1; guided_choice: only an unknown key.
    private const string Expected = """
        "temperature": 0.1, "max_tokens": 10, "stop": ["A"], "top_p": 0.5, "my_flag": 2, "guided_choice": ["x"]
        """;

    private static Dictionary<string, object?> TemplateKeys() => new()
    {
        ["temperature"] = 0.5,
        ["max_tokens"] = 10,
        ["stop_sequences"] = new[] { "A" },
        ["my_flag"] = 1,
        ["guided_choice"] = new[] { "x" },
        ["extra_body"] = new Dictionary<string, object?>
        {
            ["temperature"] = 0.9,
            ["max_tokens"] = 20,
            ["stop"] = new[] { "B" },
            ["top_p"] = 0.5,
            ["my_flag"] = 2,
        },
    };

    [Fact]
    public async Task Sk_typed_settings_win_over_template_keys_which_win_over_extra_body_which_wins_over_unknown_keys()
    {
        var settings = new FlockPromptExecutionSettings { Temperature = 0.1, ExtensionData = TemplateKeys()! };

        JsonAssert.Equal(Calls.Body(Expected), await TestSk.SkBodyAsync(settings, streaming: false));
    }

    [Fact]
    public async Task Plain_settings_from_a_prompt_template_follow_it_below_the_typed_level()
    {
        var plain = new PromptExecutionSettings { ExtensionData = TemplateKeys()! };

        JsonAssert.Equal(Calls.Body(Expected.Replace("0.1", "0.5", StringComparison.Ordinal)), await TestSk.SkBodyAsync(plain, streaming: false));
    }

    [Fact]
    public async Task Another_connectors_typed_settings_win_over_its_extra_body()
    {
        // SK's OpenAI connector lets ExtraBody overwrite typed values; here one rule holds whatever the settings' type.
        var openAi = new OpenAIPromptExecutionSettings
        {
            Temperature = 0.1,
            ExtraBody = new Dictionary<string, object?> { ["temperature"] = 0.9, ["top_p"] = 0.5 },
            ExtensionData = new Dictionary<string, object> { ["temperature"] = 0.5, ["my_flag"] = 1 },
        };

        JsonAssert.Equal(Calls.Body(""" "temperature": 0.1, "top_p": 0.5, "my_flag": 1 """), await TestSk.SkBodyAsync(openAi, streaming: false));
    }

    [Fact]
    public async Task A_misspelt_key_through_sk_is_sent_and_warned_about_once_per_key()
    {
        var logs = new CapturingLoggerFactory();
        var handler = new RecordingHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.EnqueueJson(TestFiles.Read("completion.json"));
        }

        var service = TestSk.Service(handler, logs);
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["temprature"] = 0.2, ["top_k"] = 5 } };

        await service.GetChatMessageContentsAsync(TestSk.History(), settings);
        await service.GetChatMessageContentsAsync(TestSk.History(), settings);
        await service.GetChatMessageContentsAsync(TestSk.History(), new FlockPromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_token"] = 5 } });

        JsonAssert.Equal(Calls.Body(""" "temprature": 0.2, "top_k": 5 """), handler.Requests[0].Body);
        JsonAssert.Equal(Calls.Body(""" "temprature": 0.2, "top_k": 5 """), handler.Requests[1].Body);
        JsonAssert.Equal(Calls.Body(""" "max_token": 5 """), handler.Requests[2].Body);
        var warnings = logs.Messages(LogLevel.Warning);
        Assert.Equal(2, warnings.Count);
        Assert.Contains("'temprature'", warnings[0]);
        Assert.Contains("did you mean temperature?", warnings[0]);
        Assert.Contains("did you mean max_tokens?", warnings[1]);
    }
}
