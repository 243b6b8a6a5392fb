using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>SK's connectors' names for parameters (token_selection_biases, stop_sequences, max_completion_tokens) in template keys.</summary>
public sealed class OtherNamesTests
{
    public static TheoryData<object, bool> Biases => new()
    {
        { new Dictionary<int, int> { [50256] = -100, [11] = 3 }, false },
        { new Dictionary<int, int> { [50256] = -100, [11] = 3 }, true },
        { JsonDocument.Parse("""{"50256": -100, "11": 3}""").RootElement, false },
        { new Dictionary<string, object?> { ["50256"] = -100, ["11"] = 3 }, true },
    };

    [Theory]
    [MemberData(nameof(Biases))]
    public async Task Token_selection_biases_in_a_template_is_sent_as_logit_bias(object biases, bool streaming)
    {
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["token_selection_biases"] = biases } };

        var body = await TestSk.SkBodyAsync(settings, streaming);

        var root = JsonDocument.Parse(body).RootElement;
        Assert.False(root.TryGetProperty("token_selection_biases", out _), body);
        JsonAssert.Equal("""{"50256": -100, "11": 3}""", root.GetProperty("logit_bias").GetRawText());
    }

    [Fact]
    public async Task A_parameters_own_name_wins_over_another_name_for_it()
    {
        var settings = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object>
            {
                ["token_selection_biases"] = new Dictionary<int, int> { [1] = 1 },
                ["logit_bias"] = new Dictionary<int, int> { [2] = 2 },
                ["max_completion_tokens"] = 5,
                ["max_tokens"] = 7,
            },
        };

        var root = JsonDocument.Parse(await TestSk.SkBodyAsync(settings, streaming: false)).RootElement;

        JsonAssert.Equal("""{"2": 2}""", root.GetProperty("logit_bias").GetRawText());
        Assert.Equal(7, root.GetProperty("max_tokens").GetInt32());
        Assert.False(root.TryGetProperty("max_completion_tokens", out _));
    }

    [Fact]
    public async Task A_typed_property_wins_over_another_name_for_it_in_a_template()
    {
        var settings = new FlockPromptExecutionSettings { MaxTokens = 9, ExtensionData = new Dictionary<string, object> { ["max_completion_tokens"] = 5 } };

        var root = JsonDocument.Parse(await TestSk.SkBodyAsync(settings, streaming: false)).RootElement;

        Assert.Equal(9, root.GetProperty("max_tokens").GetInt32());
        Assert.False(root.TryGetProperty("max_completion_tokens", out _));
    }

}
