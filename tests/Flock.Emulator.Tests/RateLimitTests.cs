using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>Per-key limits counted as LiteLLM's own limiter counts them, on the emulator's (fake) clock.</summary>
public sealed class RateLimitTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new()
    {
        TimeProvider = Time,
        RateLimitRequests = 3,
        RateLimitWindow = TimeSpan.FromSeconds(10),
    };

    private static string? Value(HttpResponseMessage response, string name) => ResponseHeaderTests.Value(response, name);

    [Fact]
    public async Task EachAnswerSaysHowManyRequestsAreLeftAndNoReset()
    {
        var remaining = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostAsync("chat/completions", Body());
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("3", Value(response, "x-ratelimit-api_key-limit-requests"));
            Assert.Equal("3", Value(response, "x-litellm-key-rpm-limit"));
            remaining.Add(Value(response, "x-ratelimit-api_key-remaining-requests"));
            Assert.DoesNotContain(response.Headers, h => h.Key.Contains("reset", StringComparison.OrdinalIgnoreCase));
            Assert.Null(Value(response, "x-ratelimit-api_key-remaining-tokens"));
            Assert.Null(Value(response, "x-ratelimit-remaining-requests"));
        }

        Assert.Equal(["2", "1", "0"], remaining);
    }

    [Fact]
    public async Task ARequestBeyondTheLimitGetsLiteLLMs429WithRetryAfterAndResetAt()
    {
        for (var i = 0; i < 3; i++)
        {
            await ChatAsync(Body());
        }

        Time.Advance(TimeSpan.FromSeconds(2.5));
        using var response = await PostAsync("chat/completions", Body());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("10", Value(response, "retry-after"));
        Assert.Equal("requests", Value(response, "rate_limit_type"));

        // reset_at is LiteLLM's cautious guess, one window from now (the clock started at 12:00:00 and moved 2.5 s).
        Assert.Equal("2025-06-01 12:00:12 UTC", Value(response, "reset_at"));
        Assert.Equal("429", (string?)error["code"]);
        Assert.Equal(
            $"Rate limit exceeded for api_key: {KeyHash()}. Limit type: requests. Current limit: 3, Remaining: 0. Limit resets at: 2025-06-01 12:00:12 UTC",
            (string?)error["message"]);
        Assert.DoesNotContain(Emulator.ApiKey, (string)error["message"]!);
        Assert.True(Guid.TryParse(Value(response, "x-litellm-call-id"), out _));
    }

    [Fact]
    public async Task TheWindowOpensWithTheFirstRequestAndClosesOnTheEmulatorsClock()
    {
        for (var i = 0; i < 3; i++)
        {
            await ChatAsync(Body());
        }

        Time.Advance(TimeSpan.FromSeconds(9.999));
        using (var stillRefused = await PostAsync("chat/completions", Body()))
        {
            Assert.Equal(429, (int)stillRefused.StatusCode);
        }

        Time.Advance(TimeSpan.FromMilliseconds(1));
        using var admitted = await PostAsync("chat/completions", Body());
        Assert.Equal(200, (int)admitted.StatusCode);
        Assert.Equal("2", Value(admitted, "x-ratelimit-api_key-remaining-requests"));
    }

    [Fact]
    public async Task RefusedRequestsDoNotPushTheWindowOn()
    {
        for (var i = 0; i < 3; i++)
        {
            await ChatAsync(Body());
        }

        for (var i = 0; i < 5; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            using var refused = await PostAsync("chat/completions", Body());
            Assert.Equal(429, (int)refused.StatusCode);
        }

        Time.Advance(TimeSpan.FromSeconds(5));
        using var admitted = await PostAsync("chat/completions", Body());
        Assert.Equal(200, (int)admitted.StatusCode);
    }

    [Fact]
    public async Task AFailedCallCountsButItsAnswerSaysNothingOfTheLimitsAsLiteLLMsSuccessHookAlonePutsThemOn()
    {
        using var failed = await PostAsync("chat/completions", Body("\"temperature\":9"));
        using var next = await PostAsync("chat/completions", Body());

        Assert.Equal(400, (int)failed.StatusCode);
        Assert.Null(Value(failed, "x-ratelimit-api_key-remaining-requests"));
        Assert.Equal("3", Value(failed, "x-litellm-key-rpm-limit"));
        Assert.Equal("1", Value(next, "x-ratelimit-api_key-remaining-requests"));
    }

    [Fact]
    public async Task RoutesThatCallNoModelAreNotCounted()
    {
        for (var i = 0; i < 5; i++)
        {
            using var models = await GetAsync("models");
            using var info = await GetAsync("key/info");
            Assert.Equal(200, (int)models.StatusCode);
        }

        using var chat = await PostAsync("chat/completions", Body());
        Assert.Equal("2", Value(chat, "x-ratelimit-api_key-remaining-requests"));
    }

    [Fact]
    public async Task ImagesCountAgainstTheSameLimit()
    {
        await ChatAsync(Body());
        using var image = await PostAsync("images/generations", """{"prompt":"a fox"}""");
        using var chat = await PostAsync("chat/completions", Body());

        Assert.Equal("1", Value(image, "x-ratelimit-api_key-remaining-requests"));
        Assert.Equal("0", Value(chat, "x-ratelimit-api_key-remaining-requests"));
    }

    [Fact]
    public async Task ResetClosesTheWindow()
    {
        for (var i = 0; i < 3; i++)
        {
            await ChatAsync(Body());
        }

        Emulator.Reset();
        using var response = await PostAsync("chat/completions", Body());
        Assert.Equal(200, (int)response.StatusCode);
    }

    private string KeyHash() =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Emulator.ApiKey))).ToLowerInvariant();
}

/// <summary>Token limits: the tokens of completed calls count (output tokens by default, as LiteLLM counts them).</summary>
public sealed class TokenRateLimitTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new() { TimeProvider = Time, RateLimitTokens = 100 };

    private static string? Value(HttpResponseMessage response, string name) => ResponseHeaderTests.Value(response, name);

    [Fact]
    public async Task OutputTokensOfCompletedCallsCountAndTheHeadersShowWhatWasLeftBeforeTheCall()
    {
        Emulator.Enqueue(ScriptedReply.Text("a") with { PromptTokens = 500, CompletionTokens = 40 })
            .Enqueue(ScriptedReply.Text("b") with { PromptTokens = 500, CompletionTokens = 60 })
            .Enqueue(ScriptedReply.Text("c") with { CompletionTokens = 1 })
            .Enqueue(ScriptedReply.Text("d") with { CompletionTokens = 1 });

        using var first = await PostAsync("chat/completions", Body());
        using var second = await PostAsync("chat/completions", Body());
        using var third = await PostAsync("chat/completions", Body());
        Assert.Equal("100", Value(first, "x-ratelimit-api_key-remaining-tokens"));
        Assert.Equal("60", Value(second, "x-ratelimit-api_key-remaining-tokens"));
        Assert.Equal("100", Value(second, "x-ratelimit-api_key-limit-tokens"));
        Assert.Equal("100", Value(first, "x-litellm-key-tpm-limit"));

        // 40 + 60 = 100 is not over 100, so the third call was admitted; its token makes 101, and the next is refused.
        Assert.Equal("0", Value(third, "x-ratelimit-api_key-remaining-tokens"));
        using var refused = await PostAsync("chat/completions", Body());
        Assert.Equal(429, (int)refused.StatusCode);
        Assert.Equal("tokens", Value(refused, "rate_limit_type"));
        Assert.Contains("Limit type: tokens. Current limit: 100, Remaining: 0.", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AStreamsTokensCountOnceItHasEnded()
    {
        Emulator.Enqueue(ScriptedReply.Text("a") with { CompletionTokens = 30 }).Enqueue(ScriptedReply.Text("b"));
        await StreamAsync(Body("\"stream\":true"));
        using var next = await PostAsync("chat/completions", Body());

        Assert.Equal("70", Value(next, "x-ratelimit-api_key-remaining-tokens"));
    }

    [Theory]
    [InlineData(RateLimitTokenCounting.Output, "90")]
    [InlineData(RateLimitTokenCounting.Input, "80")]
    [InlineData(RateLimitTokenCounting.Total, "70")]
    public async Task TheCountingModeDecidesWhichTokensCount(RateLimitTokenCounting counting, string left)
    {
        await using var emulator = await FlockEmulator.StartAsync(new FlockEmulatorOptions { TimeProvider = Time, RateLimitTokens = 100, RateLimitTokenCounting = counting });
        emulator.Enqueue(ScriptedReply.Text("a") with { PromptTokens = 20, CompletionTokens = 10 });
        using var http = new HttpClient();
        async Task<HttpResponseMessage> Post()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, emulator.Endpoint + "/chat/completions") { Content = new StringContent(Body()) };
            request.Headers.Add("x-litellm-api-key", emulator.ApiKey);
            return await http.SendAsync(request);
        }

        (await Post()).Dispose();
        using var second = await Post();
        Assert.Equal(left, Value(second, "x-ratelimit-api_key-remaining-tokens"));
    }
}

/// <summary>A per-model limit of the key: its own scope, <c>model_per_key</c>, beside the key's.</summary>
public sealed class ModelRateLimitTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions()
    {
        var options = new FlockEmulatorOptions { TimeProvider = Time, RateLimitRequests = 10 };
        options.ModelRateLimitRequests[ThinkingModel] = 1;
        options.ModelRateLimitTokens[ThinkingModel] = 1000;
        return options;
    }

    [Fact]
    public async Task AModelWithItsOwnLimitIsCountedInBothScopes()
    {
        using var limited = await PostAsync("chat/completions", Body(model: ThinkingModel));
        using var other = await PostAsync("chat/completions", Body());
        using var refused = await PostAsync("chat/completions", Body(model: ThinkingModel));

        Assert.Equal("0", ResponseHeaderTests.Value(limited, "x-ratelimit-model_per_key-remaining-requests"));
        Assert.Equal("1", ResponseHeaderTests.Value(limited, "x-ratelimit-model_per_key-limit-requests"));
        Assert.Equal("1000", ResponseHeaderTests.Value(limited, "x-ratelimit-model_per_key-limit-tokens"));
        Assert.Equal("9", ResponseHeaderTests.Value(limited, "x-ratelimit-api_key-remaining-requests"));
        Assert.Null(ResponseHeaderTests.Value(other, "x-ratelimit-model_per_key-remaining-requests"));
        Assert.Equal("8", ResponseHeaderTests.Value(other, "x-ratelimit-api_key-remaining-requests"));

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.Contains($"Rate limit exceeded for model_per_key: ", await refused.Content.ReadAsStringAsync());
        Assert.Contains($":{ThinkingModel}. Limit type: requests.", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task KeyInfoListsTheModelLimitsInItsMetadata()
    {
        using var response = await GetAsync("key/info");
        var metadata = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["info"]!["metadata"]!;

        Assert.Equal(1, (int)metadata["model_rpm_limit"]![ThinkingModel]!);
        Assert.Equal(1000, (int)metadata["model_tpm_limit"]![ThinkingModel]!);
    }
}

/// <summary>The key's limit on calls in flight (<c>max_parallel_requests</c>).</summary>
public sealed class ParallelRateLimitTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new() { TimeProvider = Time, MaxParallelRequests = 1 };

    [Fact]
    public async Task ASecondCallWhileOneRunsIsRefusedAndAdmittedOnceItEnded()
    {
        Emulator.Enqueue(ScriptedReply.Text("slow") with { Delay = TimeSpan.FromSeconds(1) });
        var slow = PostAsync("chat/completions", Body());
        await Time.NextWaitAsync();

        using (var refused = await PostAsync("chat/completions", Body()))
        {
            Assert.Equal(429, (int)refused.StatusCode);
            Assert.Equal("max_parallel_requests", ResponseHeaderTests.Value(refused, "rate_limit_type"));
        }

        Time.Advance(TimeSpan.FromSeconds(1));
        using (var done = await slow.WaitAsync(WatchedClock.HangGuard))
        {
            Assert.Equal(200, (int)done.StatusCode);
            Assert.Equal("0", ResponseHeaderTests.Value(done, "x-ratelimit-api_key-remaining-max_parallel_requests"));
            Assert.Equal("1", ResponseHeaderTests.Value(done, "x-ratelimit-api_key-limit-max_parallel_requests"));
        }

        using var admitted = await PostAsync("chat/completions", Body());
        Assert.Equal(200, (int)admitted.StatusCode);
    }
}

/// <summary>The upstream's OpenAI-form headers, counted against the key's window, with the reset the proxy forwards.</summary>
public sealed class UpstreamRateLimitHeaderTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new()
    {
        TimeProvider = Time,
        RateLimitRequests = 2,
        RateLimitTokens = 1000,
        RateLimitWindow = TimeSpan.FromMinutes(6),
        UpstreamRateLimitHeaders = true,
    };

    private static string? Value(HttpResponseMessage response, string name) => ResponseHeaderTests.Value(response, name);

    [Fact]
    public async Task TheOpenAiFormAndItsResetAreSentBesideLiteLLMsOwn()
    {
        Emulator.Enqueue(ScriptedReply.Text("a") with { CompletionTokens = 10 });
        using var first = await PostAsync("chat/completions", Body());
        Time.Advance(TimeSpan.FromSeconds(61.5));
        using var second = await PostAsync("chat/completions", Body());

        Assert.Equal("1", Value(first, "x-ratelimit-remaining-requests"));
        Assert.Equal("2", Value(first, "x-ratelimit-limit-requests"));
        Assert.Equal("1000", Value(first, "x-ratelimit-remaining-tokens"));
        Assert.Equal("1000", Value(first, "x-ratelimit-limit-tokens"));
        Assert.Equal("6m0s", Value(first, "llm_provider-x-ratelimit-reset-requests"));
        Assert.Equal("6m0s", Value(first, "llm_provider-x-ratelimit-reset-tokens"));
        Assert.Equal("1", Value(first, "llm_provider-x-ratelimit-remaining-requests"));
        Assert.Equal("2", Value(first, "llm_provider-x-ratelimit-limit-requests"));
        Assert.Null(Value(first, "x-ratelimit-reset-requests"));
        Assert.Equal("1", Value(first, "x-ratelimit-api_key-remaining-requests"));

        Assert.Equal("0", Value(second, "x-ratelimit-remaining-requests"));
        Assert.Equal("990", Value(second, "x-ratelimit-remaining-tokens"));
        Assert.Equal("4m58.5s", Value(second, "llm_provider-x-ratelimit-reset-requests"));
    }

    [Fact]
    public async Task ARefusalCarriesTheResetToo()
    {
        await ChatAsync(Body());
        await ChatAsync(Body());
        Time.Advance(TimeSpan.FromMilliseconds(359_988));
        using var refused = await PostAsync("chat/completions", Body());

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.Equal("360", Value(refused, "retry-after"));
        Assert.Equal("0", Value(refused, "x-ratelimit-remaining-requests"));
        Assert.Equal("12ms", Value(refused, "llm_provider-x-ratelimit-reset-requests"));
    }
}

/// <summary>The load test's shape: 1,000 calls from 50 concurrent tasks against 200 requests a 1 s window, on a fake clock.</summary>
public sealed class ConcurrentRateLimitTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new()
    {
        TimeProvider = Time,
        RateLimitRequests = 200,
        RateLimitWindow = TimeSpan.FromSeconds(1),
        UpstreamRateLimitHeaders = true,
    };

    [Fact]
    public async Task ExactlyTheLimitIsAdmittedPerWindowUnderConcurrency()
    {
        var admitted = 0;
        var refused = 0;
        var remainingSeen = new System.Collections.Concurrent.ConcurrentBag<int>();
        var queue = new System.Collections.Concurrent.ConcurrentQueue<int>(Enumerable.Range(0, 1000));
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 50 }) { Timeout = WatchedClock.HangGuard };

        async Task Worker()
        {
            while (queue.TryDequeue(out _))
            {
                var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
                request.Headers.Add("x-litellm-api-key", Emulator.ApiKey);
                using var response = await http.SendAsync(request);
                if ((int)response.StatusCode == 200)
                {
                    Interlocked.Increment(ref admitted);
                    remainingSeen.Add(int.Parse(ResponseHeaderTests.Value(response, "x-ratelimit-api_key-remaining-requests")!, System.Globalization.CultureInfo.InvariantCulture));
                }
                else
                {
                    Assert.Equal(429, (int)response.StatusCode);
                    Interlocked.Increment(ref refused);
                }
            }
        }

        // The clock stands still: all 1,000 calls fall in one window.
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(Worker)));

        Assert.Equal(200, admitted);
        Assert.Equal(800, refused);
        Assert.Equal(Enumerable.Range(0, 200).OrderBy(i => i), remainingSeen.OrderBy(i => i));

        Time.Advance(TimeSpan.FromSeconds(1));
        using var next = await PostAsync("chat/completions", Body());
        Assert.Equal(200, (int)next.StatusCode);
        Assert.Equal("199", ResponseHeaderTests.Value(next, "x-ratelimit-remaining-requests"));
        Assert.Equal("1s", ResponseHeaderTests.Value(next, "llm_provider-x-ratelimit-reset-requests"));
    }
}
