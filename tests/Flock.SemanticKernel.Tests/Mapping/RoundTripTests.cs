using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>SK settings turned into MEAI options by SK itself reach the wire as the SK service sends them.</summary>
public sealed class RoundTripTests
{
    public static TheoryData<bool> Streaming => new(false, true);

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task ToChatOptions_through_the_chat_client_matches_the_service(bool streaming)
    {
        var settings = new FlockPromptExecutionSettings
        {
            ModelId = "deepseek-v3.1",
            Temperature = 0.3,
            TopP = 0.9,
            MaxTokens = 128,
            ChoiceCount = 2,
            FrequencyPenalty = 0.5,
            PresencePenalty = -0.5,
            LogitBias = new Dictionary<int, int> { [50256] = -100 },
            Logprobs = 2,
            Seed = 42,
            StopSequences = ["END", "STOP"],
            User = "user-7",
            ExtensionData = new Dictionary<string, object> { ["reasoning_effort"] = "low" },
        };

        var options = settings.ToChatOptions(kernel: null);
        Assert.NotNull(options);

        var sk = await TestSk.SkBodyAsync(settings, streaming);
        var meai = await Calls.MeaiBodyAsync(options, streaming);

        JsonAssert.Equal(sk, meai);
        var body = JsonAssert.Object(sk);
        Assert.Equal("deepseek-v3.1", body["model"]!.GetValue<string>());
        Assert.Equal(0.3, body["temperature"]!.GetValue<double>());
        Assert.Equal(2, body["top_logprobs"]!.GetValue<int>());
    }

    [Fact]
    public async Task Plain_settings_from_a_prompt_config_match_too()
    {
        var config = PromptTemplateConfig.FromJson("""
            {"template": "Hi", "execution_settings": {"default": {"temperature": 0.7, "max_tokens": 64, "stop": ["x"], "seed": 5, "n": 1, "user": "u"}}}
            """);
        var settings = config.ExecutionSettings["default"];

        var sk = await TestSk.SkBodyAsync(settings, streaming: false);
        var meai = await Calls.MeaiBodyAsync(settings.ToChatOptions(kernel: null), streaming: false);

        JsonAssert.Equal(sk, meai);
        JsonAssert.Equal(Calls.Body(""" "temperature": 0.7, "max_tokens": 64, "stop": ["x"], "seed": 5, "n": 1, "user": "u" """), sk);
    }
}
