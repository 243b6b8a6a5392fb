using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>The proxy's answer headers (LiteLLM's "Response Headers"): on every answer, with durations on the emulator's clock.</summary>
public sealed class ResponseHeaderTests : EmulatorTestBase
{
    /// <summary>The headers every answer from the proxy carries, whatever the route or the status.</summary>
    private static readonly string[] EveryAnswer =
    [
        "x-litellm-call-id", "x-litellm-version", "x-litellm-response-duration-ms", "x-litellm-overhead-duration-ms",
        "x-litellm-attempted-retries", "x-litellm-attempted-fallbacks",
    ];

    internal static string? Value(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    internal static decimal Number(HttpResponseMessage response, string name) =>
        decimal.Parse(Value(response, name) ?? throw new InvalidOperationException($"No {name} header."), NumberStyles.Float, CultureInfo.InvariantCulture);

    [Fact]
    public async Task AChatAnswerNamesItsCallModelDeploymentVersionAndDurations()
    {
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(Guid.TryParse(Value(response, "x-litellm-call-id"), out _));
        Assert.Equal(Model, Value(response, "x-litellm-model-group"));
        var id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Model))).ToLowerInvariant()[..32];
        Assert.Equal(id, Value(response, "x-litellm-model-id"));
        Assert.Equal("http://localhost:8000/v1", Value(response, "x-litellm-model-api-base"));
        Assert.Equal("emulator", Value(response, "x-litellm-version"));
        Assert.Equal("0.0", Value(response, "x-litellm-response-duration-ms"));
        Assert.Equal("0.0", Value(response, "x-litellm-overhead-duration-ms"));
        Assert.Equal("0", Value(response, "x-litellm-attempted-retries"));
        Assert.Equal("0", Value(response, "x-litellm-attempted-fallbacks"));
        Assert.Null(Value(response, "x-litellm-max-retries"));
        Assert.Null(Value(response, "x-litellm-key-max-budget"));
        Assert.Null(Value(response, "x-litellm-key-rpm-limit"));
        Assert.Null(Value(response, "x-ratelimit-api_key-remaining-requests"));
    }

    [Fact]
    public async Task TheModelModelIdIsTheOneModelInfoLists()
    {
        using var chat = await PostAsync("chat/completions", Body());
        using var info = await GetAsync("model/info");
        var entries = JsonNode.Parse(await info.Content.ReadAsStringAsync())!["data"]!.AsArray();

        var entry = entries.Single(e => (string?)e!["model_name"] == Model)!;
        Assert.Equal((string?)entry["model_info"]!["id"], Value(chat, "x-litellm-model-id"));
    }

    [Fact]
    public async Task EachAnswerHasItsOwnCallId()
    {
        using var first = await PostAsync("chat/completions", Body());
        using var second = await PostAsync("chat/completions", Body());

        Assert.NotEqual(Value(first, "x-litellm-call-id"), Value(second, "x-litellm-call-id"));
    }

    [Fact]
    public async Task TheDurationIsTheEmulatorsClockAndAScriptedDelayIsTheModelsTimeNotOverhead()
    {
        Emulator.Enqueue(ScriptedReply.Text("late") with { Delay = TimeSpan.FromMilliseconds(1500) });
        var answer = PostAsync("chat/completions", Body());
        Assert.Equal(TimeSpan.FromMilliseconds(1500), await Time.NextWaitAsync());
        Time.Advance(TimeSpan.FromMilliseconds(1500));

        using var response = await answer.WaitAsync(WatchedClock.HangGuard);
        Assert.Equal("1500.0", Value(response, "x-litellm-response-duration-ms"));
        Assert.Equal("0.0", Value(response, "x-litellm-overhead-duration-ms"));
    }

    [Fact]
    public async Task AStreamsDurationIsToItsHeadersWhichGoOutBeforeTheFirstChunk()
    {
        Emulator.Enqueue(ScriptedReply.Text("slow start") with { FirstChunkDelay = TimeSpan.FromSeconds(5) });
        var answer = PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);

        using var response = await answer.WaitAsync(WatchedClock.HangGuard);
        Assert.Equal("0.0", Value(response, "x-litellm-response-duration-ms"));
        Assert.Equal(Model, Value(response, "x-litellm-model-group"));
        Assert.True(Guid.TryParse(Value(response, "x-litellm-call-id"), out _));
        await Time.NextWaitAsync();
        Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Contains("[DONE]", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("models")]
    [InlineData("model/info")]
    [InlineData("key/info")]
    public async Task ReadRoutesCarryTheHeadersEveryAnswerHas(string route)
    {
        using var response = await GetAsync(route);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.All(EveryAnswer, name => Assert.NotNull(Value(response, name)));
        Assert.Equal("0.0", Value(response, "x-litellm-key-spend"));
        Assert.Null(Value(response, "x-litellm-model-group"));
        Assert.Null(Value(response, "x-litellm-response-cost"));
    }

    [Fact]
    public async Task ErrorsCarryThemToo()
    {
        using var badParameter = await PostAsync("chat/completions", Body("\"temperature\":9"));
        using var badKey = await PostAsync("chat/completions", Body(), key: "sk-wrong-key-1234");
        using var noRoute = await GetAsync("nothing/here");
        Emulator.Enqueue(ScriptedReply.Error(503, "busy"));
        using var scripted = await PostAsync("chat/completions", Body());
        Emulator.ModelInfoStatus = 404;
        using var modelInfo = await GetAsync("model/info");

        foreach (var (response, status) in new[] { (badParameter, 400), (badKey, 401), (noRoute, 404), (scripted, 503), (modelInfo, 404) })
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.All(EveryAnswer, name => Assert.NotNull(Value(response, name)));
        }

        Assert.Equal(Model, Value(badParameter, "x-litellm-model-group"));
        Assert.Equal(Model, Value(scripted, "x-litellm-model-group"));

        // Only once the key is accepted does the proxy know its spend to report.
        Assert.NotNull(Value(badParameter, "x-litellm-key-spend"));
        Assert.NotNull(Value(modelInfo, "x-litellm-key-spend"));
        Assert.Null(Value(badKey, "x-litellm-key-spend"));
        Assert.Null(Value(noRoute, "x-litellm-key-spend"));
    }

    [Fact]
    public async Task AScriptedHeaderWinsOverTheComputedOne()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi").WithHeader("x-litellm-call-id", "support-42").WithHeader("x-litellm-version", "None"));
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal("support-42", Value(response, "x-litellm-call-id"));
        Assert.Equal("None", Value(response, "x-litellm-version"));
    }

    [Fact]
    public async Task ANonStreamedAnswerCarriesItsCostAndItsNonZeroParts()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { PromptTokens = 1000, CompletionTokens = 10 });
        using var response = await PostAsync("chat/completions", Body());

        // 1000 × 1e-7 = 0.0001 input, 10 × 3e-7 = 3e-06 output; no discount, no margin.
        Assert.Equal("0.000103", Value(response, "x-litellm-response-cost"));
        Assert.Equal("0.0001", Value(response, "x-litellm-response-cost-input"));
        Assert.Equal("3e-06", Value(response, "x-litellm-response-cost-output"));
        Assert.Equal("0.000103", Value(response, "x-litellm-response-cost-original"));
        Assert.Equal("0.0", Value(response, "x-litellm-response-cost-discount-amount"));
        Assert.Equal("0.0", Value(response, "x-litellm-response-cost-margin-amount"));
        Assert.Equal("0.0", Value(response, "x-litellm-response-cost-margin-percent"));
        Assert.Null(Value(response, "x-litellm-response-cost-reasoning"));
        Assert.Null(Value(response, "x-litellm-response-cost-cache-read"));
        Assert.Null(Value(response, "x-litellm-response-cost-cache-creation"));
        Assert.Null(Value(response, "x-litellm-response-cost-tool-usage"));
    }

    [Fact]
    public async Task ReasoningIsAPartOfTheOutputCost()
    {
        using var response = await PostAsync("chat/completions", Body(model: ThinkingModel));
        var usage = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["usage"]!;
        var reasoningTokens = (int)usage["completion_tokens_details"]!["reasoning_tokens"]!;

        Assert.True(reasoningTokens > 0);
        Assert.Equal(reasoningTokens * 0.000001m, Number(response, "x-litellm-response-cost-reasoning"));
        Assert.Equal((int)usage["completion_tokens"]! * 0.000001m, Number(response, "x-litellm-response-cost-output"));
        Assert.True(Number(response, "x-litellm-response-cost-reasoning") < Number(response, "x-litellm-response-cost-output"));
    }

    [Fact]
    public async Task AScriptedCostIsTheTotalWithoutParts()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { Cost = 0.0000125m });
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal("1.25e-05", Value(response, "x-litellm-response-cost"));
        Assert.Null(Value(response, "x-litellm-response-cost-input"));
        Assert.Null(Value(response, "x-litellm-response-cost-original"));
    }

    [Fact]
    public async Task StreamedAnswersCarryNoCostParts()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { PromptTokens = 1000, CompletionTokens = 10 });
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal("0.000103", Value(response, "x-litellm-response-cost"));
        Assert.Null(Value(response, "x-litellm-response-cost-input"));
        Assert.Null(Value(response, "x-litellm-response-cost-original"));
    }

    [Fact]
    public async Task TheKeysSpendGrowsByEachAnswersCostAndIncludesTheAnswerItCameWith()
    {
        Emulator.Enqueue(ScriptedReply.Text("a") with { Cost = 0.25m }).Enqueue(ScriptedReply.Text("b") with { Cost = 0.5m });
        using var first = await PostAsync("chat/completions", Body());
        using var second = await PostAsync("chat/completions", Body());
        using var models = await GetAsync("models");

        Assert.Equal("0.25", Value(first, "x-litellm-key-spend"));
        Assert.Equal("0.75", Value(second, "x-litellm-key-spend"));
        Assert.Equal("0.75", Value(models, "x-litellm-key-spend"));
        Assert.Equal(0.75m, Emulator.KeySpend);
    }

    [Fact]
    public async Task AStreamsSpendHeaderIsBeforeItAndItsCostIsBookedWhenItEnds()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { Cost = 0.5m });
        var raw = await StreamAsync(Body("\"stream\":true"));
        Assert.Contains("[DONE]", raw);
        Assert.Equal(0.5m, Emulator.KeySpend);

        Emulator.Enqueue(ScriptedReply.Text("hi") with { Cost = 0.25m });
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("0.5", Value(response, "x-litellm-key-spend"));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(0.75m, Emulator.KeySpend);
    }

    [Fact]
    public async Task AStreamCutByAFaultBooksNoCost()
    {
        Emulator.Enqueue((ScriptedReply.Text("one two three four five six") with { Cost = 0.5m, ChunkSize = 3 }).FailMidStream("boom"));
        await StreamAsync(Body("\"stream\":true"));

        Assert.Equal(0m, Emulator.KeySpend);
    }

    [Fact]
    public async Task HealthProbesCarryNoneOfThem()
    {
        using var response = await Http.GetAsync(new Uri(Emulator.Endpoint.GetLeftPart(UriPartial.Authority) + "/health/readiness"));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Null(Value(response, "x-litellm-call-id"));
    }
}

/// <summary>Headers that depend on the start options: version, key limits and budget, discount and margin, cost on streams.</summary>
public sealed class ConfiguredResponseHeaderTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new()
    {
        TimeProvider = Time,
        ProxyVersion = "1.79.3",
        RateLimitRequests = 100,
        RateLimitTokens = 50_000,
        KeyMaxBudget = 10m,
        KeySpend = 1.5m,
        CostDiscount = 0.1m,
        CostMargin = 0.2m,
        CostHeaderOnStreams = false,
    };

    [Fact]
    public async Task VersionKeyLimitsAndBudgetAreSent()
    {
        using var response = await GetAsync("models");

        Assert.Equal("1.79.3", ResponseHeaderTests.Value(response, "x-litellm-version"));
        Assert.Equal("100", ResponseHeaderTests.Value(response, "x-litellm-key-rpm-limit"));
        Assert.Equal("50000", ResponseHeaderTests.Value(response, "x-litellm-key-tpm-limit"));
        Assert.Equal("10.0", ResponseHeaderTests.Value(response, "x-litellm-key-max-budget"));
        Assert.Equal("1.5", ResponseHeaderTests.Value(response, "x-litellm-key-spend"));
    }

    [Fact]
    public async Task TheDiscountComesOffTheOriginalAndTheMarginGoesOnWhatIsLeft()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { PromptTokens = 1000, CompletionTokens = 10 });
        using var response = await PostAsync("chat/completions", Body());

        // original 0.000103; discount 10% = 0.0000103; margin 20% of 0.0000927 = 0.00001854; total 0.00011124.
        Assert.Equal(0.000103m, ResponseHeaderTests.Number(response, "x-litellm-response-cost-original"));
        Assert.Equal(0.0000103m, ResponseHeaderTests.Number(response, "x-litellm-response-cost-discount-amount"));
        Assert.Equal(0.00001854m, ResponseHeaderTests.Number(response, "x-litellm-response-cost-margin-amount"));
        Assert.Equal("0.2", ResponseHeaderTests.Value(response, "x-litellm-response-cost-margin-percent"));
        Assert.Equal(0.00011124m, ResponseHeaderTests.Number(response, "x-litellm-response-cost"));
        Assert.Equal(1.5m + 0.00011124m, Emulator.KeySpend);
    }

    [Fact]
    public async Task WithoutCostOnStreamsAStreamCarriesNoCostHeaderButIsStillBooked()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { Cost = 0.5m });
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);

        Assert.Null(ResponseHeaderTests.Value(response, "x-litellm-response-cost"));
        await response.Content.ReadAsStringAsync();
        Assert.Equal(2m, Emulator.KeySpend);
    }
}
