using System.Globalization;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>What open models served through the proxy add: the model catalogue, the cost header, vLLM's sampling parameters.</summary>
public sealed class OpenModelTests : EmulatorTestBase
{
    [Fact]
    public async Task ModelInfoHasLiteLlmEntriesWithPricesLimitsFlagsAndNulls()
    {
        using var response = await GetAsync("model/info");
        var data = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["data"]!.AsArray();
        var byName = data.ToDictionary(e => (string)e!["model_name"]!, e => e!);

        Assert.Equal(200, (int)response.StatusCode);
        var instruct = byName[Model];
        Assert.Equal("hosted_vllm/" + Model, (string?)instruct["litellm_params"]!["model"]);
        var info = instruct["model_info"]!;
        Assert.Equal(32768, (long)info["max_tokens"]!);
        Assert.Equal(262144, (long)info["max_input_tokens"]!);
        Assert.Equal(32768, (long)info["max_output_tokens"]!);
        Assert.Equal(1e-7, (double)info["input_cost_per_token"]!);
        Assert.Equal(3e-7, (double)info["output_cost_per_token"]!);
        Assert.True((bool)info["supports_function_calling"]!);
        Assert.False((bool)info["supports_vision"]!);
        Assert.False((bool)info["supports_reasoning"]!);
        Assert.True((bool)info["supports_response_schema"]!);

        var thinking = byName[ThinkingModel]["model_info"]!.AsObject();
        Assert.True((bool)thinking["supports_reasoning"]!);
        Assert.True(thinking.ContainsKey("supports_response_schema") && thinking["supports_response_schema"] is null);

        // Unknown prices are null, as LiteLLM reports a model it has no cost map for.
        var tagModel = byName[ThinkTagModel]["model_info"]!.AsObject();
        Assert.True(tagModel.ContainsKey("input_cost_per_token") && tagModel["input_cost_per_token"] is null);
        Assert.False((bool)tagModel["supports_function_calling"]!);
        Assert.True(byName[ClosingTagModel]["model_info"]!.AsObject()["max_input_tokens"] is null);
    }

    [Fact]
    public async Task OneServedModelIsMissingFromModelInfo()
    {
        using var info = await GetAsync("model/info");
        using var models = await GetAsync("models");
        var described = JsonNode.Parse(await info.Content.ReadAsStringAsync())!["data"]!.AsArray().Select(e => (string)e!["model_name"]!).ToList();
        var served = JsonNode.Parse(await models.Content.ReadAsStringAsync())!["data"]!.AsArray().Select(e => (string)e!["id"]!).ToList();

        Assert.Equal(["llama-3.3-70b-instruct"], served.Except(described));
        Assert.Empty(described.Except(served));
    }

    [Fact]
    public async Task PricesAreWrittenAsPythonFloats()
    {
        using var response = await GetAsync("model/info");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"input_cost_per_token\":1e-07,", text);
        Assert.Contains("\"output_cost_per_token\":1.68e-06,", text);
    }

    [Theory]
    [InlineData(404)]
    [InlineData(403)]
    public async Task ModelInfoCanBeSwitchedToAnErrorWhileModelsStillAnswers(int status)
    {
        Emulator.ModelInfoStatus = status;
        using var info = await GetAsync("model/info");
        using var models = await GetAsync("models");
        var error = JsonNode.Parse(await info.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(status, (int)info.StatusCode);
        Assert.Equal(status.ToString(CultureInfo.InvariantCulture), (string?)error["code"]);
        Assert.Equal(200, (int)models.StatusCode);

        Emulator.Reset();
        using var again = await GetAsync("model/info");
        Assert.Equal(200, (int)again.StatusCode);
    }

    [Fact]
    public async Task ModelInfoStatusMustBeAnErrorStatus()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Emulator.ModelInfoStatus = 200);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FlockEmulator.StartAsync(new FlockEmulatorOptions { ModelInfoStatus = 302 }));
    }

    [Fact]
    public async Task ResponseCostIsComputedFromTheUsageAndThePrices()
    {
        using var response = await PostAsync("chat/completions", Body());
        var usage = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!;
        var expected = ((int)usage["prompt_tokens"]! * 0.0000001m) + ((int)usage["completion_tokens"]! * 0.0000003m);

        var header = response.Headers.GetValues("x-litellm-response-cost").Single();
        Assert.Equal(expected, decimal.Parse(header, NumberStyles.Float, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ResponseCostIsSentOnStreamsToo()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { PromptTokens = 1000, CompletionTokens = 10 });
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);

        // 1000 × 1e-7 + 10 × 3e-7, written as Python writes the float.
        Assert.Equal("0.000103", response.Headers.GetValues("x-litellm-response-cost").Single());
    }

    [Fact]
    public async Task ScriptedCostWinsAndIsWrittenAsPythonWould()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { Cost = 0.0000125m });
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal("1.25e-05", response.Headers.GetValues("x-litellm-response-cost").Single());
    }

    [Fact]
    public async Task ModelWithoutPricesSendsNoCost()
    {
        using var response = await PostAsync("chat/completions", Body(model: ThinkTagModel));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.False(response.Headers.Contains("x-litellm-response-cost"));
    }

    [Fact]
    public async Task VllmSamplingParametersAreAcceptedAndRecordedAsSent()
    {
        await ChatAsync(Body("\"top_k\":-1,\"min_p\":0.05,\"repetition_penalty\":1.1,\"reasoning_effort\":\"low\",\"chat_template_kwargs\":{\"enable_thinking\":true}"));

        Emulator.AssertSingleChat()
            .AssertParameter("top_k", "-1")
            .AssertParameter("min_p", "0.05")
            .AssertParameter("repetition_penalty", "1.1")
            .AssertParameter("reasoning_effort", "\"low\"")
            .AssertParameter("chat_template_kwargs", """{"enable_thinking":true}""");
    }

    [Fact]
    public async Task AutoToolChoiceIsRefusedByAModelServedWithoutAToolParser()
    {
        const string tools = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}]";
        var (status, error) = await ErrorAsync(Body(tools, model: ThinkTagModel));

        Assert.Equal(400, status);
        Assert.Contains("\"auto\" tool choice requires --enable-auto-tool-choice", (string)error["message"]!);
        await ChatAsync(Body(tools + ",\"tool_choice\":\"none\"", model: ThinkTagModel));
    }
}
