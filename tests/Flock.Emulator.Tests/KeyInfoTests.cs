using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary><c>GET /key/info</c> for the calling key, and the key's spend, budget, expiry and models as the proxy enforces them.</summary>
public sealed class KeyInfoTests : EmulatorTestBase
{
    private static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    private async Task<JsonNode> KeyInfoAsync()
    {
        using var response = await GetAsync("key/info");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task TheAnswerNamesTheKeyHashedAndDescribesIt()
    {
        var body = await KeyInfoAsync();
        var info = body["info"]!;

        Assert.Equal(Hash(Emulator.ApiKey), (string?)body["key"]);
        Assert.DoesNotContain(Emulator.ApiKey, body.ToJsonString());
        Assert.Equal("sk-...ator", (string?)info["key_name"]);
        Assert.Equal(0.0, (double)info["spend"]!);
        Assert.Empty(info["models"]!.AsArray());
        foreach (var name in new[] { "max_budget", "budget_duration", "budget_reset_at", "expires", "rpm_limit", "tpm_limit", "max_parallel_requests", "key_alias" })
        {
            Assert.True(info.AsObject().ContainsKey(name), name);
            Assert.Null(info[name]);
        }

        Assert.Equal("2025-06-01T12:00:00+00:00", (string?)info["created_at"]);
        Assert.Empty(info["allowed_cache_controls"]!.AsArray());
    }

    [Fact]
    public async Task TheSpendGrowsWithEachAnswersCost()
    {
        Emulator.Enqueue(ScriptedReply.Text("a") with { Cost = 0.125m });
        await ChatAsync(Body());
        Emulator.Enqueue(ScriptedReply.Text("b") with { PromptTokens = 1000, CompletionTokens = 10 });
        await ChatAsync(Body());

        Assert.Equal(0.125103, (double)(await KeyInfoAsync())["info"]!["spend"]!, 12);
    }

    [Fact]
    public async Task TheKeyGoesInTheAuthHeaderAlone()
    {
        using var anonymous = await GetAsync("key/info", sendKey: false);
        Assert.Equal(401, (int)anonymous.StatusCode);

        await KeyInfoAsync();
        var recorded = Emulator.Requests.Last();
        Assert.Equal("/v1/key/info", recorded.Path);
        Assert.Equal("", recorded.Query);
        Assert.Equal(Emulator.ApiKey, recorded.Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task AKeyInTheQueryIsLookedUpAsTheProxyDoesAndRecordedRedacted()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url("key/info?key=sk-someone-elses-key-9876"));
        request.Headers.Add("x-litellm-api-key", Emulator.ApiKey);
        using var response = await Http.SendAsync(request);

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("Key not found in database", (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]);
        Assert.Equal("?key=sk-...9876", Emulator.Requests.Last().Query);

        var own = new HttpRequestMessage(HttpMethod.Get, Url("key/info?key=" + Hash(Emulator.ApiKey)));
        own.Headers.Add("x-litellm-api-key", Emulator.ApiKey);
        using var ownResponse = await Http.SendAsync(own);
        Assert.Equal(200, (int)ownResponse.StatusCode);
    }
}

/// <summary>A key with a budget, a budget period, an expiry, allowed models, limits and an alias.</summary>
public sealed class ConfiguredKeyTests : EmulatorTestBase
{
    private static readonly DateTimeOffset Expires = new(2025, 6, 2, 12, 0, 0, TimeSpan.Zero);

    protected override FlockEmulatorOptions CreateOptions()
    {
        var options = new FlockEmulatorOptions
        {
            TimeProvider = Time,
            KeySpend = 0.5m,
            KeyMaxBudget = 1m,
            KeyBudgetDuration = "1h",
            KeyExpires = Expires,
            KeyAlias = "ci-key",
            RateLimitRequests = 60,
            RateLimitTokens = 10_000,
            MaxParallelRequests = 4,
        };
        options.KeyModels.Add(Model);
        options.KeyModels.Add(ThinkingModel);
        return options;
    }

    private async Task<JsonNode> InfoAsync()
    {
        using var response = await GetAsync("key/info");
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["info"]!;
    }

    [Fact]
    public async Task InfoReportsBudgetPeriodExpiryModelsAndLimits()
    {
        var info = await InfoAsync();

        Assert.Equal(0.5, (double)info["spend"]!);
        Assert.Equal(1.0, (double)info["max_budget"]!);
        Assert.Equal("1h", (string?)info["budget_duration"]);
        Assert.Equal("2025-06-01T13:00:00+00:00", (string?)info["budget_reset_at"]);
        Assert.Equal("2025-06-02T12:00:00+00:00", (string?)info["expires"]);
        Assert.Equal([Model, ThinkingModel], info["models"]!.AsArray().Select(m => (string)m!));
        Assert.Equal(60, (int)info["rpm_limit"]!);
        Assert.Equal(10_000, (int)info["tpm_limit"]!);
        Assert.Equal(4, (int)info["max_parallel_requests"]!);
        Assert.Equal("ci-key", (string?)info["key_alias"]);
    }

    [Fact]
    public async Task OnceTheBudgetIsSpentCallsGet429BudgetExceededUntilThePeriodResets()
    {
        Emulator.Enqueue(ScriptedReply.Text("dear") with { Cost = 0.6m });
        await ChatAsync(Body());

        var (status, error) = await ErrorAsync(Body());
        Assert.Equal(429, status);
        Assert.Equal("budget_exceeded", (string?)error["type"]);
        Assert.Equal("Budget has been exceeded! Key=ci-key (sk-...ator) Current cost: 1.1, Max budget: 1.0", (string?)error["message"]);
        using var models = await GetAsync("models");
        Assert.Equal(200, (int)models.StatusCode);

        Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0.0, (double)(await InfoAsync())["spend"]!);
        Assert.Equal("2025-06-01T14:00:00+00:00", (string?)(await InfoAsync())["budget_reset_at"]);
        await ChatAsync(Body());
    }

    [Fact]
    public async Task AModelTheKeyMayNotCallIs401()
    {
        var (status, error) = await ErrorAsync(Body(model: ThinkTagModel));

        Assert.Equal(401, status);
        Assert.Equal("key_model_access_denied", (string?)error["type"]);
        Assert.Equal(
            $"key not allowed to access model. This key can only access models=['{Model}', '{ThinkingModel}']. Tried to access {ThinkTagModel}",
            (string?)error["message"]);
        await ChatAsync(Body(model: ThinkingModel));
    }

    [Fact]
    public async Task AnExpiredKeyIs401OnEveryRoute()
    {
        Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromTicks(1234560));
        using var models = await GetAsync("models");
        var error = JsonNode.Parse(await models.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(401, (int)models.StatusCode);
        Assert.Equal("expired_key", (string?)error["type"]);
        Assert.Equal("sk-...ator", (string?)error["param"]);
        Assert.Equal(
            "Authentication Error - Expired Key. Key Expiry time 2025-06-02 12:00:00+00:00 and current time 2025-06-02 12:00:00.123456+00:00",
            (string?)error["message"]);
        using var info = await GetAsync("key/info");
        Assert.Equal(401, (int)info.StatusCode);
    }
}
