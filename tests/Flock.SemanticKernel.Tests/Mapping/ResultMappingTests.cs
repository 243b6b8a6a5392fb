using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>
/// Non-streamed answers as SK <see cref="ChatMessageContent"/>s: one per choice, reasoning and calls as items, Flock's fields
/// in <see cref="FlockMetadata"/>. Reading the answer is the core's (ChatClient/ResponseParsingTests).
/// </summary>
public sealed class ResultMappingTests
{
    [Fact]
    public async Task Normal_reply()
    {
        var result = Assert.Single(await CompleteAsync("completion.json"));

        Assert.Equal("Hello! How can I help you today?", result.Content);
        Assert.Equal(AuthorRole.Assistant, result.Role);
        Assert.Equal("qwen3-30b-a3b-instruct-2507", result.ModelId);
        Assert.IsType<ChatCompletion>(result.InnerContent);
        var metadata = result.Metadata!;
        Assert.Equal("chatcmpl-7f3a1c2e9b", metadata[FlockMetadataKeys.Id]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735689600), metadata[FlockMetadataKeys.Created]);
        Assert.Equal("stop", metadata[FlockMetadataKeys.FinishReason]);
        Assert.Equal(new FlockUsage { PromptTokens = 21, CompletionTokens = 9, TotalTokens = 30, CachedPromptTokens = 4 }, metadata[FlockMetadataKeys.Usage]);
        Assert.Equal("fp_flock_01", metadata[FlockMetadataKeys.SystemFingerprint]);
        Assert.False(metadata.ContainsKey(FlockMetadataKeys.Logprobs));
    }

    [Fact]
    public async Task Two_choices_give_two_contents()
    {
        var results = await CompleteAsync("completion-n2.json");

        Assert.Collection(results,
            first =>
            {
                Assert.Equal("Red.", first.Content);
                Assert.Equal("stop", first.Metadata![FlockMetadataKeys.FinishReason]);
            },
            second =>
            {
                Assert.Equal("Blue, probably", second.Content);
                Assert.Equal("length", second.Metadata![FlockMetadataKeys.FinishReason]);
            });
        Assert.All(results, r => Assert.Equal(new FlockUsage { PromptTokens = 10, CompletionTokens = 7, TotalTokens = 17 }, r.Metadata![FlockMetadataKeys.Usage]));
    }

    [Fact]
    public async Task Logprobs_are_in_metadata()
    {
        var result = Assert.Single(await CompleteAsync("completion-logprobs.json"));

        var logprobs = Assert.IsType<FlockLogprobs>(result.Metadata![FlockMetadataKeys.Logprobs]);
        Assert.Same(logprobs, ((FlockMetadata)result.Metadata).Logprobs);
        var first = Assert.Single(logprobs.Tokens);
        Assert.Equal(("Yes", -0.0123), (first.Token, first.Logprob));
        Assert.Equal(["Yes", "No"], first.TopLogprobs.Select(t => t.Token));
    }

    [Fact]
    public async Task Reasoning_is_a_separate_item_never_in_content()
    {
        var result = Assert.Single(await CompleteAsync("completion-reasoning.json"));

        Assert.Equal("The answer is 4.", result.Content);
        Assert.DoesNotContain("The user asks 2+2.", result.Content);
        Assert.Equal("The user asks 2+2. That is 4.", Assert.Single(result.Items.OfType<ReasoningContent>()).Text);
        Assert.Equal("The answer is 4.", Assert.Single(result.Items.OfType<TextContent>()).Text);
    }

    [Fact]
    public async Task Reasoning_tokens_are_in_usage()
    {
        var result = Assert.Single(await CompleteAsync("completion-reasoning.json"));

        Assert.Equal(new FlockUsage { PromptTokens = 12, CompletionTokens = 20, TotalTokens = 32, ReasoningTokens = 14 }, result.Metadata![FlockMetadataKeys.Usage]);
    }

    [Fact]
    public async Task Tool_calls_are_function_call_items()
    {
        var result = Assert.Single(await CompleteAsync("completion-tool-calls.json"));

        Assert.True(string.IsNullOrEmpty(result.Content));
        Assert.Equal("tool_calls", result.Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Collection(result.Items.OfType<FunctionCallContent>(),
            weather =>
            {
                Assert.Equal("chatcmpl-tool-a1", weather.Id);
                Assert.Equal("get_weather", weather.FunctionName);
                Assert.Null(weather.PluginName);
                Assert.Equal("Paris", weather.Arguments!["city"]?.ToString());
                Assert.Equal("celsius", weather.Arguments!["unit"]?.ToString());
            },
            time =>
            {
                Assert.Equal("chatcmpl-tool-b2", time.Id);
                Assert.Equal("get_time", time.FunctionName);
                Assert.Equal("Europe/Paris", time.Arguments!["tz"]?.ToString());
            });
    }

    [Fact]
    public async Task Model_falls_back_to_the_requested_one_when_the_reply_names_none()
    {
        var handler = new RecordingHandler().EnqueueJson("""{"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":""},"finish_reason":"stop"}]}""");

        var result = Assert.Single(await TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History()));

        Assert.Equal(TestFlock.Model, result.ModelId);
        Assert.True(string.IsNullOrEmpty(result.Content)); // an empty completion must not crash anything
        Assert.Null(result.Metadata![FlockMetadataKeys.Usage]);
    }

    [Theory]
    [InlineData("1764000000", 1764000000L)]
    [InlineData("\"yesterday\"", null)]
    public async Task The_created_date_reaches_the_metadata_and_an_impossible_one_is_null(string created, long? seconds)
    {
        var expected = seconds is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : (DateTimeOffset?)null;
        var completion = $$"""{"id":"c","created":{{created}},"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}""";
        var chunk = $$"""data: {"id":"c","created":{{created}},"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""" + "\n\ndata: [DONE]\n\n";
        var handler = new RecordingHandler().EnqueueJson(completion).EnqueueSse(chunk);
        var service = TestSk.Service(handler);

        var result = Assert.Single(await service.GetChatMessageContentsAsync(TestSk.History()));
        var updates = await service.GetStreamingChatMessageContentsAsync(TestSk.History()).ToListAsync();

        Assert.Equal("Hi", result.Content);
        Assert.Equal(expected, Assert.IsType<FlockMetadata>(result.Metadata).Created);
        Assert.Equal(expected, result.Metadata![FlockMetadataKeys.Created]);
        Assert.Equal(expected, Assert.IsType<FlockMetadata>(Assert.Single(updates, u => u.Content == "Hi").Metadata).Created);
    }

    private static async Task<IReadOnlyList<ChatMessageContent>> CompleteAsync(string file)
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read(file));
        return await TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History());
    }
}
