using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>Out-of-range SK settings, in every form SK gives them, fail before anything is sent (MEAI's forms: the core's ChatClient/OptionsValidationTests).</summary>
public sealed class ValidationTests
{
    private sealed record Case(Action<FlockPromptExecutionSettings> Sk, string ParamName, string Range, bool Streaming = false);

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["temperature below 0"] = new(s => s.Temperature = -0.1, "temperature", "between 0 and 2"),
        ["temperature above 2"] = new(s => s.Temperature = 2.1, "temperature", "between 0 and 2"),
        ["temperature NaN"] = new(s => s.Temperature = double.NaN, "temperature", "between 0 and 2"),
        ["top_p above 1"] = new(s => s.TopP = 1.5, "top_p", "between 0 and 1"),
        ["top_p below 0"] = new(s => s.TopP = -0.5, "top_p", "between 0 and 1"),
        ["frequency_penalty below -2"] = new(s => s.FrequencyPenalty = -2.5, "frequency_penalty", "between -2 and 2"),
        ["frequency_penalty above 2"] = new(s => s.FrequencyPenalty = 2.01, "frequency_penalty", "between -2 and 2"),
        ["presence_penalty below -2"] = new(s => s.PresencePenalty = -3, "presence_penalty", "between -2 and 2"),
        ["presence_penalty above 2"] = new(s => s.PresencePenalty = 2.5, "presence_penalty", "between -2 and 2"),
        ["logprobs above 5"] = new(s => s.Logprobs = 6, "logprobs", "between 0 and 5"),
        ["logprobs negative"] = new(s => s.Logprobs = -1, "logprobs", "between 0 and 5"),
        ["max_tokens 0"] = new(s => s.MaxTokens = 0, "max_tokens", "at least 1"),
        ["n 0"] = new(s => s.ChoiceCount = 0, "n", "at least 1"),
        ["best_of below n"] = new(
            s => { s.ChoiceCount = 3; s.BestOf = 2; },
            "best_of", "greater than or equal to n (3)"),
        ["best_of with streaming"] = new(s => s.BestOf = 2, "best_of", "not supported with streaming", Streaming: true),
        ["stop with 5 entries"] = new(
            s => s.StopSequences = ["a", "b", "c", "d", "e"],
            "stop", "up to 4"),
        ["stop with an empty entry"] = new(s => s.StopSequences = ["a", ""], "stop", "non-empty"),
        ["logit_bias value 101"] = new(
            s => s.LogitBias = new Dictionary<int, int> { [50256] = 101 },
            "logit_bias", "between -100 and 100"),
        ["logit_bias value -101"] = new(
            s => s.LogitBias = new Dictionary<int, int> { [1] = -101 },
            "logit_bias", "between -100 and 100"),
        ["logit_bias key not a token id"] = new(
            s => s.LogitBias = new Dictionary<int, int> { [-7] = 1 },
            "logit_bias", "token ids"),
        ["model missing"] = new(s => s.ModelId = " ", "model", "model is required"),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task Sk_service_rejects_before_sending(string name)
    {
        var c = Cases[name];
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler);
        var settings = new FlockPromptExecutionSettings();
        c.Sk(settings);

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
        {
            if (c.Streaming)
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

        Assert.Equal(c.ParamName, ex.ParamName);
        Assert.Contains(c.Range, ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Best_of_equal_to_n_without_streaming_is_sent()
    {
        var body = await TestSk.SkBodyAsync(new FlockPromptExecutionSettings { ChoiceCount = 2, BestOf = 2 }, streaming: false);

        JsonAssert.Equal(Calls.Body(""" "n": 2, "best_of": 2 """), body);
    }

    [Fact]
    public async Task Boundary_values_are_accepted()
    {
        var settings = new FlockPromptExecutionSettings
        {
            Temperature = 2,
            TopP = 0,
            FrequencyPenalty = -2,
            PresencePenalty = 2,
            Logprobs = 5,
            MaxTokens = 1,
            StopSequences = ["a", "b", "c", "d"],
            LogitBias = new Dictionary<int, int> { [0] = -100, [1] = 100 },
        };

        var body = await TestSk.SkBodyAsync(settings, streaming: false);

        JsonAssert.Equal(Calls.Body("""
            "temperature": 2, "top_p": 0, "frequency_penalty": -2, "presence_penalty": 2, "logprobs": true, "top_logprobs": 5,
            "max_tokens": 1, "stop": ["a", "b", "c", "d"], "logit_bias": {"0": -100, "1": 100}
            """), body);
    }

    [Fact]
    public async Task Empty_history_is_rejected_before_sending()
    {
        var handler = new RecordingHandler();

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => TestSk.Service(handler).GetChatMessageContentsAsync(new ChatHistory()));

        Assert.Equal("messages", ex.ParamName);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Wrong_typed_extension_data_is_rejected_before_sending()
    {
        var handler = new RecordingHandler();
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["max_tokens"] = "lots" } };

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History(), settings));

        Assert.Equal("max_tokens", ex.ParamName);
        Assert.Empty(handler.Requests);
    }

    public static TheoryData<string, bool> SeedSources => new()
    {
        { "extension_data", false }, { "extension_data", true }, { "json", false }, { "json", true }, { "template", false }, { "template", true },
    };

    [Theory]
    [MemberData(nameof(SeedSources))]
    public async Task A_seed_of_1e30_in_any_sk_form_is_refused_naming_seed_before_anything_is_sent(string source, bool streaming)
    {
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler);

        var ex = await Record.ExceptionAsync(async () =>
        {
            if (source == "template")
            {
                var builder = Kernel.CreateBuilder();
                builder.Services.AddSingleton<IChatCompletionService>(service);
                var kernel = builder.Build();
                var function = KernelFunctionFactory.CreateFromPrompt(PromptTemplateConfig.FromJson(
                    """{"template":"Pick a number","execution_settings":{"default":{"seed":1e30,"temperature":0.2}}}"""));
                if (streaming)
                {
                    await foreach (var _ in function.InvokeStreamingAsync<StreamingChatMessageContent>(kernel))
                    {
                    }
                }
                else
                {
                    await function.InvokeAsync(kernel);
                }

                return;
            }

            var settings = source == "json"
                ? JsonSerializer.Deserialize<PromptExecutionSettings>("""{"seed":1e30}""")!
                : new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["seed"] = 1e30 } };
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
        Assert.Equal("seed", refused.ParamName);
        Assert.Contains("between -9223372036854775808 and 9223372036854775807", refused.Message);
        Assert.Empty(handler.Requests);
    }
}
