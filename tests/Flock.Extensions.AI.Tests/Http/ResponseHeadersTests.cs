using System.Globalization;
using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// Reading what the proxy says in its response headers into <see cref="FlockResponseInfo"/>: every header family LiteLLM
/// documents (identity, latency, retries and fallbacks, each rate-limit scope in its own and the OpenAI form, the key's
/// limits and spend, every cost part), resets in each form the proxy writes them, a refusal's window, and values that are
/// absent, malformed or the literal <c>None</c>, which read as null and never throw. Time comes from a fake clock.
/// </summary>
public sealed class ResponseHeadersTests
{
    private readonly FakeTimeProvider _clock = FakeClock.Create();

    private DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>A realistic answer from a LiteLLM proxy with its own limiter on the key and the upstream's limits forwarded.</summary>
    private static readonly (string Name, string Value)[] ProxyHeaders =
    [
        ("x-litellm-call-id", "6b1f3e0a-58c1-4f5e-9c1d-2a7b0c9e4d11"),
        ("x-litellm-model-id", "f2c9a1e7b3d54c8e"),
        ("x-litellm-model-group", "qwen3-30b-a3b-instruct-2507"),
        ("x-litellm-model-api-base", "https://models.internal/v1"),
        ("x-litellm-model-region", "eu"),
        ("x-litellm-version", "1.74.9"),
        ("x-litellm-response-duration-ms", "1234.5"),
        ("x-litellm-overhead-duration-ms", "3.25"),
        ("x-litellm-attempted-retries", "1"),
        ("x-litellm-max-retries", "3"),
        ("x-litellm-attempted-fallbacks", "2"),
        ("x-litellm-cache-key", "b1946ac92492d2347c6235b4d2611184"),
        ("x-ratelimit-api_key-remaining-requests", "57"),
        ("x-ratelimit-api_key-limit-requests", "60"),
        ("x-ratelimit-api_key-remaining-tokens", "99000"),
        ("x-ratelimit-api_key-limit-tokens", "100000"),
        ("x-ratelimit-remaining-requests", "4999"),
        ("x-ratelimit-limit-requests", "5000"),
        ("llm_provider-x-ratelimit-reset-requests", "12ms"),
        ("x-litellm-key-rpm-limit", "60"),
        ("x-litellm-key-tpm-limit", "100000"),
        ("x-litellm-key-spend", "0.0123"),
        ("x-litellm-key-max-budget", "10.0"),
        ("x-litellm-response-cost", "1.1e-05"),
        ("x-litellm-response-cost-input", "2e-06"),
        ("x-litellm-response-cost-output", "8e-06"),
        ("x-litellm-response-cost-cache-read", "2.5e-07"),
        ("x-litellm-response-cost-cache-creation", "5e-07"),
        ("x-litellm-response-cost-reasoning", "3e-06"),
        ("x-litellm-response-cost-tool-usage", "1e-07"),
        ("x-litellm-response-cost-original", "1.05e-05"),
        ("x-litellm-response-cost-discount-amount", "5e-07"),
        ("x-litellm-response-cost-margin-amount", "1e-06"),
        ("x-litellm-response-cost-margin-percent", "0.1"),
    ];

    private FlockResponseInfo? Read(params (string Name, string Value)[] headers) => Read(HttpStatusCode.OK, headers);

    private FlockResponseInfo? Read(HttpStatusCode status, params (string Name, string Value)[] headers)
    {
        using var response = new HttpResponseMessage(status);
        foreach (var (name, value) in headers)
        {
            Assert.True(response.Headers.TryAddWithoutValidation(name, value), $"{name} could not be added to the test's response.");
        }

        return ResponseHeaders.Read(response, _clock);
    }

    private static string ResetAt(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static void AssertAllProxyHeaders(FlockResponseInfo? info, DateTimeOffset receivedAt)
    {
        Assert.NotNull(info);
        Assert.Equal(receivedAt, info.ReceivedAt);
        Assert.Equal("6b1f3e0a-58c1-4f5e-9c1d-2a7b0c9e4d11", info.CallId);
        Assert.Equal("f2c9a1e7b3d54c8e", info.ModelId);
        Assert.Equal("qwen3-30b-a3b-instruct-2507", info.ModelGroup);
        Assert.Equal("https://models.internal/v1", info.ModelApiBase);
        Assert.Equal("eu", info.ModelRegion);
        Assert.Equal("1.74.9", info.ProxyVersion);
        Assert.Equal(TimeSpan.FromMilliseconds(1234.5), info.ResponseDuration);
        Assert.Equal(TimeSpan.FromMilliseconds(3.25), info.OverheadDuration);
        Assert.Equal(1, info.AttemptedRetries);
        Assert.Equal(3, info.MaxRetries);
        Assert.Equal(2, info.AttemptedFallbacks);
        Assert.Equal("b1946ac92492d2347c6235b4d2611184", info.CacheKey);

        Assert.Equal(3, info.RateLimits.Count);
        AssertLimit(info.GetRateLimit("api_key", "requests"), 60, 57, null);
        AssertLimit(info.GetRateLimit("api_key", "tokens"), 100000, 99000, null);
        AssertLimit(info.GetRateLimit(FlockRateLimit.UpstreamScope, "requests"), 5000, 4999, TimeSpan.FromMilliseconds(12));
        Assert.Equal(60, info.KeyRpmLimit);
        Assert.Equal(100000, info.KeyTpmLimit);
        Assert.Equal(0.0123m, info.KeySpend);
        Assert.Equal(10m, info.KeyMaxBudget);

        var cost = info.Cost;
        Assert.NotNull(cost);
        Assert.Equal(0.000011m, cost.Total);
        Assert.Equal(0.000002m, cost.Input);
        Assert.Equal(0.000008m, cost.Output);
        Assert.Equal(0.00000025m, cost.CacheRead);
        Assert.Equal(0.0000005m, cost.CacheCreation);
        Assert.Equal(0.000003m, cost.Reasoning);
        Assert.Equal(0.0000001m, cost.ToolUsage);
        Assert.Equal(0.0000105m, cost.Original);
        Assert.Equal(0.0000005m, cost.DiscountAmount);
        Assert.Equal(0.000001m, cost.MarginAmount);

        // LiteLLM writes the configured fraction (0.1 for a 10% margin); the property is the percentage.
        Assert.Equal(10m, cost.MarginPercent);
        Assert.Null(info.RetryAfter);
        Assert.Null(info.ResetAt);
    }

    private static void AssertLimit(FlockRateLimit? limit, long? max, long? remaining, TimeSpan? reset)
    {
        Assert.NotNull(limit);
        Assert.Equal(max, limit.Limit);
        Assert.Equal(remaining, limit.Remaining);
        Assert.Equal(reset, limit.Reset);
    }

    // ---- Through the public surface: a FlockChatClient over a handler that answers with the proxy's headers ----

    private FlockChatClient ChatClient(RecordingHandler handler) =>
        new(new FlockClient(TestFlock.Options(), new HttpClient(handler), timeProvider: _clock));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_answer_carries_every_signal_the_proxy_sent(bool streaming)
    {
        // Arrange
        var handler = new RecordingHandler();
        handler.EnqueueAnswer(streaming, streaming ? CannedAnswers.Stream("Hello there!") : CannedAnswers.Completion("Hello there!"), ProxyHeaders);
        var client = ChatClient(handler);

        // Act
        ChatResponse response;
        List<ChatResponseUpdate> updates = [];
        if (streaming)
        {
            updates = await client.GetStreamingResponseAsync("Hi").ToListAsync();
            response = updates.ToChatResponse();
        }
        else
        {
            response = await client.GetResponseAsync("Hi");
        }

        // Assert
        AssertAllProxyHeaders(response.AdditionalProperties?[FlockPropertyNames.ResponseInfo] as FlockResponseInfo, Now);
        if (streaming)
        {
            // The first update has it (the call id while the answer is still coming) and the last one again.
            var first = Assert.IsType<FlockResponseInfo>(updates[0].AdditionalProperties?[FlockPropertyNames.ResponseInfo]);
            Assert.Same(first, updates[^1].AdditionalProperties?[FlockPropertyNames.ResponseInfo]);
            Assert.Equal("6b1f3e0a-58c1-4f5e-9c1d-2a7b0c9e4d11", first.CallId);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_answer_without_the_proxys_headers_carries_no_info(bool streaming)
    {
        var handler = new RecordingHandler();
        handler.EnqueueAnswer(streaming, streaming ? CannedAnswers.Stream("Hello there!") : CannedAnswers.Completion("Hello there!"), ("x-request-id", "abc"), ("server", "uvicorn"));
        var client = ChatClient(handler);

        var updates = streaming ? await client.GetStreamingResponseAsync("Hi").ToListAsync() : [];
        var response = streaming ? updates.ToChatResponse() : await client.GetResponseAsync("Hi");

        Assert.False(response.AdditionalProperties?.ContainsKey(FlockPropertyNames.ResponseInfo) ?? false);
        Assert.DoesNotContain(updates, u => u.AdditionalProperties?.ContainsKey(FlockPropertyNames.ResponseInfo) ?? false);
    }

    [Fact]
    public async Task A_refusal_carries_its_call_id_and_window_on_the_exception()
    {
        // Arrange: LiteLLM's limiter refuses with the window as retry-after and its own guess of the window's end.
        var handler = new RecordingHandler();
        handler.Enqueue(
            HttpStatusCode.TooManyRequests,
            """{"error":{"message":"Rate limit exceeded for api_key: hashed. Limit type: requests.","type":"None","param":"None","code":"429"}}""",
            "application/json",
            ("x-litellm-call-id", "refused-call"),
            ("retry-after", "60"),
            ("reset_at", ResetAt(Now.AddSeconds(45))),
            ("rate_limit_type", "requests"));

        // Act
        var error = await Assert.ThrowsAsync<FlockException>(() => ChatClient(handler).GetResponseAsync("Hi"));

        // Assert
        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        var info = error.ResponseInfo;
        Assert.NotNull(info);
        Assert.Equal("refused-call", info.CallId);
        Assert.Equal(TimeSpan.FromSeconds(60), info.RetryAfter);
        Assert.Equal(Now.AddSeconds(45), info.ResetAt);
    }

    // ---- The parser, one header family at a time ----

    [Fact]
    public void Headers_the_proxy_does_not_send_read_as_nothing()
    {
        Assert.Null(Read(("cache-control", "no-cache"), ("x-request-id", "abc"), ("server", "uvicorn")));
        Assert.Null(Read());
    }

    [Fact]
    public void An_absent_header_is_null_while_the_others_are_read()
    {
        var info = Read(("x-litellm-call-id", "only-this"));

        Assert.NotNull(info);
        Assert.Equal("only-this", info.CallId);
        Assert.Null(info.ModelId);
        Assert.Null(info.ModelGroup);
        Assert.Null(info.ModelApiBase);
        Assert.Null(info.ModelRegion);
        Assert.Null(info.ProxyVersion);
        Assert.Null(info.ResponseDuration);
        Assert.Null(info.OverheadDuration);
        Assert.Null(info.AttemptedRetries);
        Assert.Null(info.MaxRetries);
        Assert.Null(info.AttemptedFallbacks);
        Assert.Null(info.CacheKey);
        Assert.Empty(info.RateLimits);
        Assert.Null(info.GetRateLimit("api_key", "requests"));
        Assert.Null(info.KeyRpmLimit);
        Assert.Null(info.KeyTpmLimit);
        Assert.Null(info.KeySpend);
        Assert.Null(info.KeyMaxBudget);
        Assert.Null(info.Cost);
        Assert.Null(info.RetryAfter);
        Assert.Null(info.ResetAt);
    }

    [Fact]
    public void Every_family_is_read_from_one_answer()
    {
        AssertAllProxyHeaders(Read(ProxyHeaders), Now);
    }

    [Fact]
    public void Header_names_are_matched_whatever_their_case()
    {
        var info = Read(("X-LiteLLM-Call-Id", "upper"), ("X-RateLimit-API_KEY-Remaining-Requests", "3"), ("X-Litellm-Response-Cost", "0.5"));

        Assert.NotNull(info);
        Assert.Equal("upper", info.CallId);
        Assert.Equal(3, info.GetRateLimit("api_key", "requests")?.Remaining);
        Assert.Equal(0.5m, info.Cost?.Total);
    }

    [Theory]
    [InlineData("api_key")]
    [InlineData("model_per_key")]
    [InlineData("team")]
    [InlineData("user")]
    [InlineData("end_user")]
    public void Each_scope_of_the_proxys_limiter_is_read_with_no_reset(string scope)
    {
        var info = Read(
            ($"x-ratelimit-{scope}-remaining-requests", "7"),
            ($"x-ratelimit-{scope}-limit-requests", "10"),
            ($"x-ratelimit-{scope}-remaining-tokens", "900"),
            ($"x-ratelimit-{scope}-limit-tokens", "1000"));

        Assert.NotNull(info);
        Assert.Equal(2, info.RateLimits.Count);
        AssertLimit(info.GetRateLimit(scope, "requests"), 10, 7, null);
        AssertLimit(info.GetRateLimit(scope, "tokens"), 1000, 900, null);
        Assert.All(info.RateLimits, l => Assert.Equal(scope, l.Scope));
    }

    [Fact]
    public void Scopes_are_kept_apart_and_parallel_requests_are_a_kind_of_their_own()
    {
        var info = Read(
            ("x-ratelimit-api_key-remaining-requests", "1"),
            ("x-ratelimit-team-remaining-requests", "2"),
            ("x-ratelimit-end_user-remaining-requests", "3"),
            ("x-ratelimit-api_key-remaining-max_parallel_requests", "4"),
            ("x-ratelimit-api_key-limit-max_parallel_requests", "5"));

        Assert.NotNull(info);
        Assert.Equal(1, info.GetRateLimit("api_key", "requests")?.Remaining);
        Assert.Equal(2, info.GetRateLimit("team", "requests")?.Remaining);
        Assert.Equal(3, info.GetRateLimit("end_user", "requests")?.Remaining);
        AssertLimit(info.GetRateLimit("api_key", "max_parallel_requests"), 5, 4, null);
        Assert.Null(info.GetRateLimit("user", "requests"));
    }

    [Fact]
    public void The_openai_form_is_the_upstreams_scope_with_its_reset()
    {
        var info = Read(
            ("x-ratelimit-remaining-requests", "499"),
            ("x-ratelimit-limit-requests", "500"),
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-remaining-tokens", "29000"),
            ("x-ratelimit-limit-tokens", "30000"),
            ("llm_provider-x-ratelimit-reset-tokens", "6m0s"));

        Assert.NotNull(info);
        Assert.Equal(2, info.RateLimits.Count);
        AssertLimit(info.GetRateLimit(FlockRateLimit.UpstreamScope, "requests"), 500, 499, TimeSpan.FromSeconds(1));
        AssertLimit(info.GetRateLimit(FlockRateLimit.UpstreamScope, "tokens"), 30000, 29000, TimeSpan.FromMinutes(6));
    }

    [Fact]
    public void The_keys_limits_spend_and_budget_are_read()
    {
        var info = Read(
            ("x-litellm-key-rpm-limit", "120"),
            ("x-litellm-key-tpm-limit", "50000"),
            ("x-litellm-key-spend", "3.14159"),
            ("x-litellm-key-max-budget", "25.5"),
            ("x-litellm-max-retries", "2"));

        Assert.NotNull(info);
        Assert.Equal(120, info.KeyRpmLimit);
        Assert.Equal(50000, info.KeyTpmLimit);
        Assert.Equal(3.14159m, info.KeySpend);
        Assert.Equal(25.5m, info.KeyMaxBudget);
        Assert.Equal(2, info.MaxRetries);
        Assert.Null(info.Cost);
    }

    [Theory]
    [InlineData("x-litellm-response-cost", "0.000103")]
    [InlineData("x-litellm-response-cost-input", "0.000103")]
    [InlineData("x-litellm-response-cost-output", "0.000103")]
    [InlineData("x-litellm-response-cost-cache-read", "0.000103")]
    [InlineData("x-litellm-response-cost-cache-creation", "0.000103")]
    [InlineData("x-litellm-response-cost-reasoning", "0.000103")]
    [InlineData("x-litellm-response-cost-tool-usage", "0.000103")]
    [InlineData("x-litellm-response-cost-original", "0.000103")]
    [InlineData("x-litellm-response-cost-discount-amount", "0.000103")]
    [InlineData("x-litellm-response-cost-margin-amount", "0.000103")]
    [InlineData("x-litellm-response-cost-margin-percent", "0.000103")]
    public void Each_cost_part_alone_is_read_into_its_own_member(string header, string value)
    {
        var cost = Read((header, value))?.Cost;

        Assert.NotNull(cost);
        var parts = CostParts(cost);
        var expected = header.EndsWith("-margin-percent", StringComparison.Ordinal) ? 0.0103m : 0.000103m;
        Assert.Equal(expected, Assert.Single(parts, p => p.Value is not null).Value);
        Assert.Equal(header, Assert.Single(parts, p => p.Value is not null).Header);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.2", 20)]
    [InlineData("1.5", 150)]
    public void The_margin_percent_is_a_percentage_of_the_fraction_the_proxy_writes(string header, int percent)
    {
        Assert.Equal(percent, Read(("x-litellm-response-cost-margin-percent", header))?.Cost?.MarginPercent);
    }

    private static (string Header, decimal? Value)[] CostParts(FlockResponseCost cost) =>
    [
        ("x-litellm-response-cost", cost.Total),
        ("x-litellm-response-cost-input", cost.Input),
        ("x-litellm-response-cost-output", cost.Output),
        ("x-litellm-response-cost-cache-read", cost.CacheRead),
        ("x-litellm-response-cost-cache-creation", cost.CacheCreation),
        ("x-litellm-response-cost-reasoning", cost.Reasoning),
        ("x-litellm-response-cost-tool-usage", cost.ToolUsage),
        ("x-litellm-response-cost-original", cost.Original),
        ("x-litellm-response-cost-discount-amount", cost.DiscountAmount),
        ("x-litellm-response-cost-margin-amount", cost.MarginAmount),
        ("x-litellm-response-cost-margin-percent", cost.MarginPercent),
    ];

    // ---- Resets ----

    [Theory]
    [InlineData("1", 1000)]
    [InlineData("0.5", 500)]
    [InlineData("0", 0)]
    [InlineData("12ms", 12)]
    [InlineData("1s", 1000)]
    [InlineData("6m0s", 360_000)]
    [InlineData("1h2m3.5s", 3_723_500)]
    [InlineData("2.5m", 150_000)]
    [InlineData("1m30s250ms", 90_250)]
    public void A_reset_is_read_from_seconds_and_openai_durations(string text, int milliseconds)
    {
        var info = Read(("x-ratelimit-remaining-requests", "0"), ("llm_provider-x-ratelimit-reset-requests", text));

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), info?.GetRateLimit(FlockRateLimit.UpstreamScope, "requests")?.Reset);
    }

    [Fact]
    public void A_reset_given_as_a_unix_time_is_the_wait_until_then()
    {
        var inSeconds = Now.ToUnixTimeSeconds() + 90;
        var inMilliseconds = Now.ToUnixTimeMilliseconds() + 2500;

        var info = Read(
            ("x-ratelimit-reset-requests", inSeconds.ToString(CultureInfo.InvariantCulture)),
            ("x-ratelimit-reset-tokens", inMilliseconds.ToString(CultureInfo.InvariantCulture)));

        Assert.NotNull(info);
        Assert.Equal(TimeSpan.FromSeconds(90), info.GetRateLimit(FlockRateLimit.UpstreamScope, "requests")?.Reset);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), info.GetRateLimit(FlockRateLimit.UpstreamScope, "tokens")?.Reset);
    }

    [Fact]
    public void A_unix_time_already_past_is_no_wait_at_all()
    {
        var past = (Now.ToUnixTimeSeconds() - 30).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(TimeSpan.Zero, Read(("x-ratelimit-reset-requests", past))?.GetRateLimit(FlockRateLimit.UpstreamScope, "requests")?.Reset);
    }

    [Fact]
    public void A_resets_wait_counts_from_the_clock_of_the_client()
    {
        var at = (Now.ToUnixTimeSeconds() + 100).ToString(CultureInfo.InvariantCulture);
        _clock.Advance(TimeSpan.FromSeconds(40));

        var info = Read(("x-ratelimit-reset-requests", at));

        Assert.Equal(Now, info?.ReceivedAt);
        Assert.Equal(TimeSpan.FromSeconds(60), info?.GetRateLimit(FlockRateLimit.UpstreamScope, "requests")?.Reset);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_upstreams_own_reset_wins_over_the_forwarded_copy_and_a_malformed_one_erases_neither(bool forwardedFirst)
    {
        (string, string) forwarded = ("llm_provider-x-ratelimit-reset-requests", "3s");
        (string, string)[] headers = forwardedFirst
            ? [forwarded, ("x-ratelimit-reset-requests", "1s"), ("x-ratelimit-reset-tokens", "soon"), ("llm_provider-x-ratelimit-reset-tokens", "2s")]
            : [("x-ratelimit-reset-requests", "1s"), forwarded, ("llm_provider-x-ratelimit-reset-tokens", "2s"), ("x-ratelimit-reset-tokens", "soon")];

        var info = Read(headers);

        Assert.Equal(TimeSpan.FromSeconds(1), info?.GetRateLimit(FlockRateLimit.UpstreamScope, "requests")?.Reset);
        Assert.Equal(TimeSpan.FromSeconds(2), info?.GetRateLimit(FlockRateLimit.UpstreamScope, "tokens")?.Reset);
    }

    [Fact]
    public void A_refusals_retry_after_in_seconds_or_as_a_date_is_read()
    {
        Assert.Equal(TimeSpan.FromSeconds(60), Read(HttpStatusCode.TooManyRequests, ("retry-after", "60"))?.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(1.5), Read(HttpStatusCode.TooManyRequests, ("retry-after", "1.5"))?.RetryAfter);
        Assert.Equal(TimeSpan.FromSeconds(30), Read(HttpStatusCode.TooManyRequests, ("retry-after", Now.AddSeconds(30).ToString("r", CultureInfo.InvariantCulture)))?.RetryAfter);
        Assert.Equal(TimeSpan.Zero, Read(HttpStatusCode.TooManyRequests, ("retry-after", Now.AddSeconds(-30).ToString("r", CultureInfo.InvariantCulture)))?.RetryAfter);
    }

    [Fact]
    public void A_refusals_reset_at_is_read_in_litellms_form()
    {
        var info = Read(HttpStatusCode.TooManyRequests, ("reset_at", "2026-01-15 12:00:42 UTC"));

        Assert.Equal(new DateTimeOffset(2026, 1, 15, 12, 0, 42, TimeSpan.Zero), info?.ResetAt);
    }

    [Theory]
    [InlineData(45, 60, 60)]
    [InlineData(75, 60, 75)]
    [InlineData(60, 60, 60)]
    public void A_refusals_reset_is_the_later_of_reset_at_and_retry_after(int resetAtSeconds, int retryAfterSeconds, int expectedSeconds)
    {
        var info = Read(
            HttpStatusCode.TooManyRequests,
            ("x-ratelimit-api_key-remaining-requests", "0"),
            ("x-ratelimit-api_key-limit-requests", "20"),
            ("x-ratelimit-model_per_key-remaining-tokens", "0"),
            ("retry-after", retryAfterSeconds.ToString(CultureInfo.InvariantCulture)),
            ("reset_at", ResetAt(Now.AddSeconds(resetAtSeconds))));

        Assert.NotNull(info);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), info.GetRateLimit("api_key", "requests")?.Reset);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), info.GetRateLimit("model_per_key", "tokens")?.Reset);
    }

    [Fact]
    public void A_refusal_with_one_of_them_resets_by_it_and_leaves_the_upstreams_own_reset()
    {
        var byRetryAfter = Read(HttpStatusCode.TooManyRequests, ("x-ratelimit-api_key-remaining-requests", "0"), ("retry-after", "30"));
        var byResetAt = Read(HttpStatusCode.TooManyRequests, ("x-ratelimit-api_key-remaining-requests", "0"), ("reset_at", ResetAt(Now.AddSeconds(20))));
        var withUpstream = Read(
            HttpStatusCode.TooManyRequests,
            ("x-ratelimit-remaining-requests", "0"),
            ("llm_provider-x-ratelimit-reset-requests", "2s"),
            ("retry-after", "60"));

        Assert.Equal(TimeSpan.FromSeconds(30), byRetryAfter?.GetRateLimit("api_key", "requests")?.Reset);
        Assert.Equal(TimeSpan.FromSeconds(20), byResetAt?.GetRateLimit("api_key", "requests")?.Reset);
        Assert.Equal(TimeSpan.FromSeconds(2), withUpstream?.GetRateLimit(FlockRateLimit.UpstreamScope, "requests")?.Reset);
    }

    [Fact]
    public void A_retry_after_on_an_answer_that_is_no_refusal_sets_no_limits_reset()
    {
        var info = Read(HttpStatusCode.ServiceUnavailable, ("x-ratelimit-api_key-remaining-requests", "5"), ("retry-after", "10"));

        Assert.NotNull(info);
        Assert.Equal(TimeSpan.FromSeconds(10), info.RetryAfter);
        Assert.Null(info.GetRateLimit("api_key", "requests")?.Reset);
    }

    // ---- Malformed values and the literal None: ignored, never thrown ----

    /// <summary>Each header the parser reads, with what it becomes; a bad value must leave that null.</summary>
    private static readonly Dictionary<string, Func<FlockResponseInfo?, object?>> ReadAs = new()
    {
        ["x-litellm-call-id"] = i => i?.CallId,
        ["x-litellm-model-id"] = i => i?.ModelId,
        ["x-litellm-version"] = i => i?.ProxyVersion,
        ["x-litellm-response-duration-ms"] = i => i?.ResponseDuration,
        ["x-litellm-overhead-duration-ms"] = i => i?.OverheadDuration,
        ["x-litellm-attempted-retries"] = i => i?.AttemptedRetries,
        ["x-litellm-max-retries"] = i => i?.MaxRetries,
        ["x-litellm-attempted-fallbacks"] = i => i?.AttemptedFallbacks,
        ["x-ratelimit-api_key-remaining-requests"] = i => i?.GetRateLimit("api_key", "requests"),
        ["x-ratelimit-end_user-limit-tokens"] = i => i?.GetRateLimit("end_user", "tokens"),
        ["x-ratelimit-remaining-tokens"] = i => i?.GetRateLimit(FlockRateLimit.UpstreamScope, "tokens"),
        ["x-ratelimit-reset-requests"] = i => i?.GetRateLimit(FlockRateLimit.UpstreamScope, "requests"),
        ["llm_provider-x-ratelimit-reset-tokens"] = i => i?.GetRateLimit(FlockRateLimit.UpstreamScope, "tokens"),
        ["x-litellm-key-rpm-limit"] = i => i?.KeyRpmLimit,
        ["x-litellm-key-tpm-limit"] = i => i?.KeyTpmLimit,
        ["x-litellm-key-spend"] = i => i?.KeySpend,
        ["x-litellm-key-max-budget"] = i => i?.KeyMaxBudget,
        ["x-litellm-response-cost"] = i => i?.Cost,
        ["x-litellm-response-cost-input"] = i => i?.Cost,
        ["x-litellm-response-cost-margin-percent"] = i => i?.Cost,
        ["retry-after"] = i => i?.RetryAfter,
        ["reset_at"] = i => i?.ResetAt,
    };

    // Values no header reads: the literal None older proxies send, text, empty, signs and numbers a TimeSpan or a count
    // cannot hold. Text headers (call id, model id, version) only ignore None and the empty value.
    private static readonly string[] BadValues =
    [
        "None", "none", "", "   ", "abc", "-0.5", "NaN", "Infinity", "-Infinity", "1e400", "1e300", "9999999999999999999999",
        "12parsecs", "1h2x", "ms", "h", "..s", "1.2.3", "99999999999h", "1e20ms", "3000000000000000000000s", "0x10",
        "2026-13-45 99:99:99 UTC", "Thu, 99 Jan 2026 00:00:00 GMT",
    ];

    public static TheoryData<string, string> BadHeaders()
    {
        var data = new TheoryData<string, string>();
        foreach (var header in ReadAs.Keys)
        {
            foreach (var value in BadValues)
            {
                data.Add(header, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadHeaders))]
    public void A_malformed_value_is_ignored_never_thrown(string header, string value)
    {
        var isText = header is "x-litellm-call-id" or "x-litellm-model-id" or "x-litellm-version";
        var read = ReadAs[header];

        // Alone, and on a refusal beside the headers a refusal's reset is taken from.
        var alone = Read((header, value));
        var refused = Read(HttpStatusCode.TooManyRequests, (header, value), ("x-ratelimit-team-remaining-requests", "0"));

        if (!isText || value.Trim() is "" or "None" or "none")
        {
            Assert.Null(read(alone));
        }

        Assert.NotNull(refused);
        Assert.Equal(0, refused.GetRateLimit("team", "requests")?.Remaining);
    }

    [Theory]
    [InlineData("x-litellm-response-cost", "-0.01")]
    [InlineData("x-litellm-key-spend", "1e12")]
    [InlineData("x-litellm-attempted-retries", "1.5")]
    [InlineData("x-litellm-attempted-retries", "3000000000")]
    [InlineData("x-litellm-response-duration-ms", "-3")]
    [InlineData("retry-after", "-5")]
    public void A_value_out_of_its_range_is_ignored(string header, string value)
    {
        Assert.Null(ReadAs[header](Read(HttpStatusCode.TooManyRequests, (header, value))));
    }

    [Fact]
    public void The_literal_none_leaves_a_limit_out_and_keeps_the_others()
    {
        var info = Read(
            ("x-ratelimit-remaining-requests", "None"),
            ("x-ratelimit-limit-requests", "None"),
            ("x-ratelimit-api_key-remaining-requests", "9"),
            ("x-litellm-key-max-budget", "None"),
            ("x-litellm-key-spend", "0.5"));

        Assert.NotNull(info);
        var limit = Assert.Single(info.RateLimits);
        Assert.Equal("api_key", limit.Scope);
        Assert.Null(info.KeyMaxBudget);
        Assert.Equal(0.5m, info.KeySpend);
    }

    [Fact]
    public void A_header_sent_twice_is_read_from_its_first_value()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("x-litellm-call-id", "first");
        response.Headers.TryAddWithoutValidation("x-litellm-call-id", "second");
        response.Headers.TryAddWithoutValidation("x-ratelimit-api_key-remaining-requests", ["4", "3"]);

        var info = ResponseHeaders.Read(response, _clock);

        Assert.Equal("first", info?.CallId);
        Assert.Equal(4, info?.GetRateLimit("api_key", "requests")?.Remaining);
    }

    [Theory]
    [InlineData("x-ratelimit-api_key-remaining-bananas")]
    [InlineData("x-ratelimit-api_key-reset-requests")]
    [InlineData("x-ratelimit-remaining")]
    [InlineData("x-ratelimit--remaining-requests")]
    [InlineData("x-ratelimit-")]
    public void A_rate_limit_header_of_an_unknown_shape_adds_no_limit(string header)
    {
        var info = Read((header, "5"));

        Assert.Empty(info?.RateLimits ?? []);
    }
}
