using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>
/// The open-model sampling parameters through the SK service, typed and as <c>ExtensionData</c> keys: a value out of its
/// range is refused naming the parameter and the range, before anything is sent, streaming or not.
/// </summary>
public sealed class OpenModelRangeTests
{
    public static TheoryData<string, string, object, bool> OutOfRange
    {
        get
        {
            var data = new TheoryData<string, string, object, bool>();
            foreach (var streaming in new[] { false, true })
            {
                foreach (var form in new[] { "typed", "extension_data" })
                {
                    data.Add(form, "top_k", -2, streaming);
                    data.Add(form, "top_k", 0, streaming);
                    data.Add(form, "min_p", 1.5, streaming);
                    data.Add(form, "min_p", -0.1, streaming);
                    data.Add(form, "repetition_penalty", 0.0, streaming);
                    data.Add(form, "repetition_penalty", -1.0, streaming);
                }
            }

            return data;
        }
    }

    private static PromptExecutionSettings Settings(string form, string key, object value) => form == "typed"
        ? key switch
        {
            "top_k" => new FlockPromptExecutionSettings { TopK = (int)value },
            "min_p" => new FlockPromptExecutionSettings { MinP = (double)value },
            _ => new FlockPromptExecutionSettings { RepetitionPenalty = (double)value },
        }
        : new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { [key] = value } };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public async Task An_open_model_parameter_out_of_range_is_refused_naming_it_and_its_range_before_sending(string form, string key, object value, bool streaming)
    {
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler);
        var settings = Settings(form, key, value);

        var ex = await Record.ExceptionAsync(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in service.GetStreamingChatMessageContentsAsync(TestSk.History(), settings))
                {
                }
            }
            else
            {
                await service.GetChatMessageContentsAsync(TestSk.History(), settings);
            }
        });

        var refused = Assert.IsType<ArgumentOutOfRangeException>(ex);
        Assert.Equal(key, refused.ParamName);
        Assert.Contains(key switch
        {
            "top_k" => "top_k must be -1 (no limit) or at least 1.",
            "min_p" => "min_p must be between 0 and 1.",
            _ => "repetition_penalty must be greater than 0",
        }, refused.Message);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("typed")]
    [InlineData("extension_data")]
    public async Task The_edges_of_the_ranges_are_sent(string form)
    {
        // The control for the refusals: -1, 0, 1 and a small penalty are valid and reach the wire as given.
        var settings = form == "typed"
            ? new FlockPromptExecutionSettings { TopK = -1, MinP = 1, RepetitionPenalty = 0.01 }
            : new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["top_k"] = -1, ["min_p"] = 0.0, ["repetition_penalty"] = 0.01 } };

        var body = await TestSk.SkBodyAsync(settings, streaming: false);

        var expectedMinP = form == "typed" ? "1" : "0";
        JsonAssert.Equal(Calls.Body($$""" "top_k": -1, "min_p": {{expectedMinP}}, "repetition_penalty": 0.01 """), body);
    }
}
