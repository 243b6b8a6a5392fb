using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests;

/// <summary>
/// The proxy's controls and signals end to end against the emulator, through both stacks: what a call asked for (tags,
/// spend metadata, the end user, fallbacks) reaches the proxy in its documented form, and what the proxy said of the call
/// (call id, deployment, fallbacks tried, limits left, cost) comes back on the answer.
/// </summary>
public sealed class ProxyControlAndSignalTests : EmulatorTest
{
    [Theory]
    [InlineData("MEAI", false)]
    [InlineData("MEAI", true)]
    [InlineData("SK", false)]
    [InlineData("SK", true)]
    public async Task Tags_metadata_and_end_user_reach_the_proxy_the_same_from_both_stacks(string stack, bool streaming)
    {
        var tags = new List<string> { "team-a", "nightly" };
        var metadata = new Dictionary<string, object?> { ["run"] = "7" };
        if (stack == "MEAI")
        {
            var options = new ChatOptions
            {
                AdditionalProperties = new()
                {
                    [FlockParameters.Tags] = tags,
                    [FlockParameters.SpendLogsMetadata] = metadata,
                    [FlockParameters.EndUserId] = "customer-42",
                    [FlockParameters.ExtraHeaders] = new Dictionary<string, string> { ["x-team"] = "blue" },
                },
            };
            await AskMeaiAsync(ChatClient(), options, streaming);
        }
        else
        {
            var settings = new FlockPromptExecutionSettings
            {
                Tags = tags,
                SpendLogsMetadata = metadata,
                EndUserId = "customer-42",
                ExtraHeaders = new Dictionary<string, string> { ["x-team"] = "blue" },
            };
            await AskSkAsync(SkService(), settings, streaming);
        }

        var request = Emulator.AssertSingleChat();
        Assert.Equal(tags, request.Tags);
        Assert.Equal("""{"run":"7"}""", request.SpendLogsMetadata!.ToJsonString());
        Assert.Equal("customer-42", request.EndUserId);
        Assert.Equal("blue", request.Header("x-team"));
    }

    [Theory]
    [InlineData("MEAI", false)]
    [InlineData("MEAI", true)]
    [InlineData("SK", false)]
    [InlineData("SK", true)]
    public async Task A_failing_model_is_answered_by_a_fallback_and_the_answer_says_which(string stack, bool streaming)
    {
        Emulator.FailModel(Model);
        const string fallback = "deepseek-v3.1";

        var info = stack == "MEAI"
            ? await AskMeaiAsync(ChatClient(), new ChatOptions { AdditionalProperties = new() { [FlockParameters.Fallbacks] = new[] { fallback } } }, streaming)
            : await AskSkAsync(SkService(), new FlockPromptExecutionSettings { Fallbacks = [fallback] }, streaming);

        Assert.Equal(fallback, info!.ModelGroup);
        Assert.Equal(1, info.AttemptedFallbacks);
        Assert.False(string.IsNullOrEmpty(info.CallId));
        Assert.Equal("""["deepseek-v3.1"]""", Emulator.AssertSingleChat().Json!["fallbacks"]!.ToJsonString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_proxys_rate_limits_and_cost_come_back_on_the_answer(bool streaming)
    {
        await using var limited = await Flock.Emulator.FlockEmulator.StartAsync(new Flock.Emulator.FlockEmulatorOptions { RateLimitRequests = 10, RateLimitTokens = 10_000 });
        var client = new FlockChatClient(new FlockClient(new FlockOptions { ApiKey = limited.ApiKey, Endpoint = limited.Endpoint, ModelId = Model }));

        await AskMeaiAsync(client, null, streaming);
        var info = await AskMeaiAsync(client, null, streaming);

        var requests = info!.GetRateLimit("api_key", "requests")!;
        Assert.Equal((10L, 8L), (requests.Limit, requests.Remaining));
        Assert.Equal(10_000, info.GetRateLimit("api_key", "tokens")!.Limit);
        Assert.Null(requests.Reset); // LiteLLM's own limiter sends no reset
        Assert.NotNull(info.ResponseDuration);
        Assert.False(string.IsNullOrEmpty(info.ProxyVersion));
    }

    [Fact]
    public async Task A_refusal_carries_the_proxys_info_on_the_exception()
    {
        await using var limited = await Flock.Emulator.FlockEmulator.StartAsync(new Flock.Emulator.FlockEmulatorOptions { RateLimitRequests = 1 });
        var client = new FlockChatClient(new FlockClient(new FlockOptions { ApiKey = limited.ApiKey, Endpoint = limited.Endpoint, ModelId = Model, MaxRetries = 0, RespectRateLimits = false }));
        await client.GetResponseAsync("Hi");

        var ex = await Assert.ThrowsAsync<FlockException>(() => client.GetResponseAsync("Hi"));

        Assert.Equal(System.Net.HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.NotNull(ex.ResponseInfo!.RetryAfter);
        Assert.NotNull(ex.ResponseInfo.ResetAt);
        Assert.False(string.IsNullOrEmpty(ex.ResponseInfo.CallId));
    }

    /// <summary>Asks through MEAI and returns the response info, from the response or (streaming) the first and last updates, which must agree.</summary>
    private static async Task<FlockResponseInfo?> AskMeaiAsync(IChatClient client, ChatOptions? options, bool streaming)
    {
        if (!streaming)
        {
            var response = await client.GetResponseAsync("Hi", options);
            return response.AdditionalProperties?[FlockPropertyNames.ResponseInfo] as FlockResponseInfo;
        }

        var updates = await client.GetStreamingResponseAsync("Hi", options).ToListAsync();
        var first = updates[0].AdditionalProperties?[FlockPropertyNames.ResponseInfo];
        Assert.Same(first, updates[^1].AdditionalProperties?[FlockPropertyNames.ResponseInfo]);
        return first as FlockResponseInfo;
    }

    /// <summary>Asks through SK and returns the response info from the result's metadata (or the stream's final update's).</summary>
    private static async Task<FlockResponseInfo?> AskSkAsync(IChatCompletionService service, FlockPromptExecutionSettings settings, bool streaming)
    {
        var history = new ChatHistory();
        history.AddUserMessage("Hi");
        if (!streaming)
        {
            var result = await service.GetChatMessageContentAsync(history, settings);
            return ((FlockMetadata)result.Metadata!).ResponseInfo;
        }

        var updates = await service.GetStreamingChatMessageContentsAsync(history, settings).ToListAsync();
        var first = ((FlockMetadata)updates[0].Metadata!).ResponseInfo;
        Assert.Same(first, ((FlockMetadata)updates[^1].Metadata!).ResponseInfo);
        return first;
    }
}
