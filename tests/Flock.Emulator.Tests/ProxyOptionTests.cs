namespace Flock.Emulator.Tests;

/// <summary>The proxy settings on <see cref="FlockEmulatorOptions"/>: checked at start, each naming itself, and copied at start.</summary>
public sealed class ProxyOptionTests
{
    public static TheoryData<string, Action<FlockEmulatorOptions>> Invalid => new()
    {
        { "RateLimitRequests", o => o.RateLimitRequests = 0 },
        { "RateLimitTokens", o => o.RateLimitTokens = -5 },
        { "MaxParallelRequests", o => o.MaxParallelRequests = 0 },
        { "RateLimitWindow", o => o.RateLimitWindow = TimeSpan.Zero },
        { "RateLimitWindow", o => o.RateLimitWindow = TimeSpan.FromDays(2) },
        { "RateLimitTokenCounting", o => o.RateLimitTokenCounting = (RateLimitTokenCounting)7 },
        { "ModelRateLimitRequests", o => o.ModelRateLimitRequests["m"] = 0 },
        { "ModelRateLimitTokens", o => o.ModelRateLimitTokens[" "] = 10 },
        { "UpstreamRateLimitHeaders", o => o.UpstreamRateLimitHeaders = true },
        { "ProxyRetries", o => o.ProxyRetries = 11 },
        { "KeySpend", o => o.KeySpend = -0.01m },
        { "KeyMaxBudget", o => o.KeyMaxBudget = -1m },
        { "KeyBudgetDuration", o => o.KeyBudgetDuration = "monthly" },
        { "KeyBudgetDuration", o => o.KeyBudgetDuration = "0d" },
        { "KeyModels", o => o.KeyModels.Add("") },
        { "KeyAlias", o => o.KeyAlias = "bad\nalias" },
        { "CostDiscount", o => o.CostDiscount = 1m },
        { "CostMargin", o => o.CostMargin = -0.1m },
        { "ProxyVersion", o => o.ProxyVersion = "1.0\r\nx-evil: 1" },
        { "ProxyVersion", o => o.ProxyVersion = " " },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task AnInvalidSettingFailsTheStartNamingIt(string name, Action<FlockEmulatorOptions> spoil)
    {
        var options = new FlockEmulatorOptions();
        spoil(options);

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => FlockEmulator.StartAsync(options));
        Assert.Equal(name, ex.ParamName);
    }

    [Theory]
    [InlineData("30s")]
    [InlineData("10m")]
    [InlineData("1h")]
    [InlineData("30d")]
    [InlineData("2w")]
    public async Task LiteLLMsBudgetDurationsAreAccepted(string duration)
    {
        await using var emulator = await FlockEmulator.StartAsync(new FlockEmulatorOptions { KeyBudgetDuration = duration });
        Assert.NotNull(emulator);
    }

    [Fact]
    public async Task TheSettingsAreCopiedAtStart()
    {
        var options = new FlockEmulatorOptions { RateLimitRequests = 1, KeySpend = 2m };
        options.KeyModels.Add("qwen3-30b-a3b-instruct-2507");
        options.ModelRateLimitRequests["qwen3-30b-a3b-instruct-2507"] = 5;
        await using var emulator = await FlockEmulator.StartAsync(options);
        options.RateLimitRequests = 1000;
        options.KeySpend = 50m;
        options.KeyModels.Clear();
        options.ModelRateLimitRequests.Clear();

        using var http = new HttpClient();
        async Task<HttpResponseMessage> Chat(string model)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, emulator.Endpoint + "/chat/completions")
            {
                Content = new StringContent($$"""{"model":"{{model}}","messages":"hi"}"""),
            };
            request.Headers.Add("x-litellm-api-key", emulator.ApiKey);
            return await http.SendAsync(request);
        }

        using var first = await Chat("qwen3-30b-a3b-instruct-2507");
        using var second = await Chat("qwen3-30b-a3b-instruct-2507");
        using var other = await Chat("deepseek-v3.1");

        Assert.Equal("4", ResponseHeaderTests.Value(first, "x-ratelimit-model_per_key-remaining-requests"));
        Assert.Equal(429, (int)second.StatusCode);
        Assert.Equal(401, (int)other.StatusCode);
        Assert.True(emulator.KeySpend >= 2m && emulator.KeySpend < 3m);
    }
}
