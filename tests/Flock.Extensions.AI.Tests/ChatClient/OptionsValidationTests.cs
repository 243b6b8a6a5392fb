using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>Out-of-range MEAI options fail before anything is sent, naming the parameter and the allowed range, streaming or not.</summary>
public sealed class OptionsValidationTests
{
    private static readonly Dictionary<string, (Action<ChatOptions> Set, string ParamName, string Range, bool Streaming)> Cases = new()
    {
        ["temperature below 0"] = (o => o.Temperature = -0.1f, "temperature", "between 0 and 2", false),
        ["temperature above 2"] = (o => o.Temperature = 2.1f, "temperature", "between 0 and 2", false),
        ["temperature NaN"] = (o => o.Temperature = float.NaN, "temperature", "between 0 and 2", false),
        ["top_p above 1"] = (o => o.TopP = 1.5f, "top_p", "between 0 and 1", false),
        ["top_p below 0"] = (o => o.TopP = -0.5f, "top_p", "between 0 and 1", false),
        ["frequency_penalty below -2"] = (o => o.FrequencyPenalty = -2.5f, "frequency_penalty", "between -2 and 2", false),
        ["frequency_penalty above 2"] = (o => o.FrequencyPenalty = 2.01f, "frequency_penalty", "between -2 and 2", false),
        ["presence_penalty below -2"] = (o => o.PresencePenalty = -3, "presence_penalty", "between -2 and 2", false),
        ["presence_penalty above 2"] = (o => o.PresencePenalty = 2.5f, "presence_penalty", "between -2 and 2", false),
        ["logprobs above 5"] = (o => Extra(o)["logprobs"] = 6, "logprobs", "between 0 and 5", false),
        ["logprobs negative"] = (o => Extra(o)["top_logprobs"] = -1, "logprobs", "between 0 and 5", false),
        ["max_tokens 0"] = (o => o.MaxOutputTokens = 0, "max_tokens", "at least 1", false),
        ["n 0"] = (o => Extra(o)["n"] = 0, "n", "at least 1", false),
        ["best_of below n"] = (o => { Extra(o)["n"] = 3; Extra(o)["best_of"] = 2; }, "best_of", "greater than or equal to n (3)", false),
        ["best_of with streaming"] = (o => Extra(o)["best_of"] = 2, "best_of", "not supported with streaming", true),
        ["stop with 5 entries"] = (o => o.StopSequences = ["a", "b", "c", "d", "e"], "stop", "up to 4", false),
        ["stop with an empty entry"] = (o => o.StopSequences = ["a", ""], "stop", "non-empty", false),
        ["logit_bias value 101"] = (o => Extra(o)["logit_bias"] = new Dictionary<string, int> { ["50256"] = 101 }, "logit_bias", "between -100 and 100", false),
        ["logit_bias value -101"] = (o => Extra(o)["logit_bias"] = new Dictionary<int, int> { [1] = -101 }, "logit_bias", "between -100 and 100", false),
        ["logit_bias key not a token id"] = (o => Extra(o)["logit_bias"] = new Dictionary<string, int> { ["hello"] = 1 }, "logit_bias", "token ids", false),
        ["model missing"] = (o => o.ModelId = " ", "model", "model is required", false),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Out_of_range_options_are_refused_naming_the_parameter_before_sending(string name)
    {
        var c = Cases[name];
        var handler = new RecordingHandler();
        IChatClient client = TestFlock.ChatClient(handler);
        var options = new ChatOptions();
        c.Set(options);

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
        {
            if (c.Streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(Calls.Messages(), options))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(Calls.Messages(), options);
            }
        });

        Assert.Equal(c.ParamName, ex.ParamName);
        Assert.Contains(c.Range, ex.Message);
        Assert.Empty(handler.Requests);
    }

    private static AdditionalPropertiesDictionary Extra(ChatOptions options) => options.AdditionalProperties ??= [];
}
