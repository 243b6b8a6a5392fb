using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>A failing model, the proxy's retries, and the request's <c>fallbacks</c>.</summary>
public sealed class FallbackTests : EmulatorTestBase
{
    private const string Fallbacks = "\"fallbacks\":[\"" + ThinkingModel + "\",\"" + ClosingTagModel + "\"]";

    [Fact]
    public async Task TheNextModelAnswersWhenTheFirstFailsAndSaysSo()
    {
        Emulator.FailModel(Model);
        using var response = await PostAsync("chat/completions", Body(Fallbacks));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(ThinkingModel, (string?)body["model"]);
        Assert.Equal(ThinkingModel, ResponseHeaderTests.Value(response, "x-litellm-model-group"));
        Assert.Equal("1", ResponseHeaderTests.Value(response, "x-litellm-attempted-fallbacks"));
        Assert.Equal("0", ResponseHeaderTests.Value(response, "x-litellm-attempted-retries"));

        // The answer is the fallback's own: a thinking model thinks, and its prices make the cost.
        Assert.NotNull(body["choices"]![0]!["message"]!["reasoning_content"]);
        var usage = body["usage"]!;
        Assert.Equal(((int)usage["prompt_tokens"]! * 0.00000025m) + ((int)usage["completion_tokens"]! * 0.000001m), ResponseHeaderTests.Number(response, "x-litellm-response-cost"));
    }

    [Fact]
    public async Task FallbacksAreTriedInOrderAndStreamsFallBackToo()
    {
        Emulator.FailModel(Model).FailModel(ThinkingModel);
        using var response = await PostAsync("chat/completions", Body(Fallbacks + ",\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(ClosingTagModel, ResponseHeaderTests.Value(response, "x-litellm-model-group"));
        Assert.Equal("2", ResponseHeaderTests.Value(response, "x-litellm-attempted-fallbacks"));
        Assert.All(Chunks(await response.Content.ReadAsStringAsync()), c => Assert.Equal(ClosingTagModel, (string?)c["model"]));
    }

    [Fact]
    public async Task WhenEveryModelFailsTheLastFailureIsTheAnswer()
    {
        Emulator.FailModel(Model).FailModel(ThinkingModel).FailModel(ClosingTagModel, status: 500, message: "CUDA out of memory");
        using var response = await PostAsync("chat/completions", Body(Fallbacks));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(500, (int)response.StatusCode);
        Assert.Equal("2", ResponseHeaderTests.Value(response, "x-litellm-attempted-fallbacks"));
        Assert.Equal(
            $"litellm.InternalServerError: Hosted_vllmException - CUDA out of memory. Received Model Group={ClosingTagModel}\nAvailable Model Group Fallbacks=['{ThinkingModel}', '{ClosingTagModel}']",
            (string?)error["message"]);
    }

    [Fact]
    public async Task WithoutFallbacksAFailingModelIsA503NamingIt()
    {
        Emulator.FailModel(Model);
        var (status, error) = await ErrorAsync(Body());

        Assert.Equal(503, status);
        Assert.Equal(
            $"litellm.ServiceUnavailableError: Hosted_vllmException - The model server is unavailable. Received Model Group={Model}\nAvailable Model Group Fallbacks=None",
            (string?)error["message"]);
    }

    [Fact]
    public async Task AFailureCountRunsOutAndClearingEndsThemAll()
    {
        Emulator.FailModel(Model, times: 1).FailModel(ThinkingModel);
        var (first, _) = await ErrorAsync(Body());
        var second = await ChatAsync(Body());
        Emulator.ClearModelFaults();
        var third = await ChatAsync(Body(model: ThinkingModel));

        Assert.Equal(503, first);
        Assert.Equal(Model, (string?)second["model"]);
        Assert.Equal(ThinkingModel, (string?)third["model"]);
    }

    [Fact]
    public async Task AFallbackTheEmulatorDoesNotServeIsPassedOver()
    {
        Emulator.FailModel(Model);
        using var response = await PostAsync("chat/completions", Body("\"fallbacks\":[\"gpt-4o\",\"" + ThinkingModel + "\"]"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(ThinkingModel, ResponseHeaderTests.Value(response, "x-litellm-model-group"));
        Assert.Equal("2", ResponseHeaderTests.Value(response, "x-litellm-attempted-fallbacks"));
    }

    [Fact]
    public async Task AScriptedReplyIsTheAnsweringModelsAnswer()
    {
        Emulator.FailModel(Model).Enqueue(ScriptedReply.Text("from the fallback"));
        var body = await ChatAsync(Body(Fallbacks));

        Assert.Equal("from the fallback", (string?)body["choices"]![0]!["message"]!["content"]);
        Assert.Equal(ThinkingModel, (string?)body["model"]);
    }

    [Theory]
    [InlineData("\"fallbacks\":\"" + ThinkingModel + "\"", "must be an array")]
    [InlineData("\"fallbacks\":[5]", "fallbacks[0] must be a non-empty model name")]
    [InlineData("\"fallbacks\":[\"\"]", "fallbacks[0] must be a non-empty model name")]
    public async Task MalformedFallbacksAre400(string extra, string fragment)
    {
        var (status, error) = await ErrorAsync(Body(extra));

        Assert.Equal(400, status);
        Assert.Equal("fallbacks", (string?)error["param"]);
        Assert.Contains(fragment, (string)error["message"]!);
    }

    [Fact]
    public async Task FailModelChecksItsArguments()
    {
        Assert.Throws<ArgumentException>(() => Emulator.FailModel("gpt-4o"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Emulator.FailModel(Model, status: 200));
        Assert.Throws<ArgumentOutOfRangeException>(() => Emulator.FailModel(Model, times: 0));
        await ChatAsync(Body());
    }

    [Fact]
    public async Task ResetClearsModelFailures()
    {
        Emulator.FailModel(Model);
        Emulator.Reset();

        await ChatAsync(Body());
    }
}

/// <summary>The proxy's retries (<c>num_retries</c>) before it falls back.</summary>
public sealed class ProxyRetryTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new() { TimeProvider = Time, ProxyRetries = 2 };

    [Fact]
    public async Task AModelThatFailsOnceIsRetriedAndSaysSo()
    {
        Emulator.FailModel(Model, times: 1);
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("1", ResponseHeaderTests.Value(response, "x-litellm-attempted-retries"));
        Assert.Equal("2", ResponseHeaderTests.Value(response, "x-litellm-max-retries"));
        Assert.Equal("0", ResponseHeaderTests.Value(response, "x-litellm-attempted-fallbacks"));
    }

    [Fact]
    public async Task RetriesRunOutBeforeTheProxyFallsBack()
    {
        Emulator.FailModel(Model, times: 3);
        using var response = await PostAsync("chat/completions", Body("\"fallbacks\":[\"" + ThinkingModel + "\"]"));

        Assert.Equal(ThinkingModel, ResponseHeaderTests.Value(response, "x-litellm-model-group"));
        Assert.Equal("2", ResponseHeaderTests.Value(response, "x-litellm-attempted-retries"));
        Assert.Equal("1", ResponseHeaderTests.Value(response, "x-litellm-attempted-fallbacks"));

        // Three failures were scripted and three attempts were made: the model answers again.
        await ChatAsync(Body());
    }

    [Fact]
    public async Task WithoutARetryThereIsNoMaxRetriesHeader()
    {
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal("0", ResponseHeaderTests.Value(response, "x-litellm-attempted-retries"));
        Assert.Null(ResponseHeaderTests.Value(response, "x-litellm-max-retries"));
    }
}
