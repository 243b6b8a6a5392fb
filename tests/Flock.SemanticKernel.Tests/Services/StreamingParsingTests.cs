using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>Streamed completions as SK <see cref="StreamingChatMessageContent"/>s.</summary>
public sealed class StreamingParsingTests
{
    [Theory]
    [MemberData(nameof(SseVariants.Names), MemberType = typeof(SseVariants))]
    public async Task Text_stream(string framing)
    {
        var updates = await StreamAsync(SseVariants.Apply(framing, TestFiles.Read("stream-text.sse")));

        Assert.Equal("Hello, world!", string.Concat(updates.Select(u => u.Content)));
        Assert.Equal(AuthorRole.Assistant, updates[0].Role);
        Assert.Equal("Hello", updates[0].Content);
        Assert.All(updates, u => Assert.Equal(0, u.ChoiceIndex));
        Assert.All(updates, u => Assert.Equal("qwen3-30b-a3b-instruct-2507", u.ModelId));
        Assert.All(updates, u => Assert.Equal("chatcmpl-s1", u.Metadata![FlockMetadataKeys.Id]));

        // One finishing update; the usage-only chunk adds no content update and does not touch the finish reason.
        var finishing = Assert.Single(updates, u => u.Metadata!.ContainsKey(FlockMetadataKeys.FinishReason));
        Assert.Equal("stop", finishing.Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735689700), finishing.Metadata[FlockMetadataKeys.Created]);
        var last = updates[^1];
        Assert.Equal(new FlockUsage { PromptTokens = 11, CompletionTokens = 3, TotalTokens = 14 }, last.Metadata![FlockMetadataKeys.Usage]);
        Assert.Single(updates, u => u.Metadata!.ContainsKey(FlockMetadataKeys.Usage));
        Assert.DoesNotContain(updates, u => string.IsNullOrEmpty(u.Content) && u != finishing && u != last);
    }

    [Fact]
    public async Task Two_choices_interleaved()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-n2.sse"));

        var byChoice = updates.Where(u => u.Content is not null).GroupBy(u => u.ChoiceIndex).ToDictionary(g => g.Key, g => string.Concat(g.Select(u => u.Content)));
        Assert.Equal(new Dictionary<int, string> { [0] = "Red.", [1] = "Blue, probably" }, byChoice);
        var finishes = updates.Where(u => u.Metadata!.ContainsKey(FlockMetadataKeys.FinishReason)).ToDictionary(u => u.ChoiceIndex, u => u.Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Equal(new Dictionary<int, object?> { [0] = "stop", [1] = "length" }, finishes);
        Assert.Equal(new FlockUsage { PromptTokens = 10, CompletionTokens = 6, TotalTokens = 16 }, updates[^1].Metadata![FlockMetadataKeys.Usage]);
    }

    [Fact]
    public async Task Cumulative_usage_on_every_chunk_last_wins()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-cumulative-usage.sse"));

        Assert.Equal("One two three", string.Concat(updates.Select(u => u.Content)));
        var withUsage = Assert.Single(updates, u => u.Metadata!.ContainsKey(FlockMetadataKeys.Usage));
        Assert.Same(updates[^1], withUsage);
        Assert.Equal(new FlockUsage { PromptTokens = 8, CompletionTokens = 3, TotalTokens = 11 }, withUsage.Metadata![FlockMetadataKeys.Usage]);
        Assert.Equal("stop", Assert.Single(updates, u => u.Metadata!.ContainsKey(FlockMetadataKeys.FinishReason)).Metadata![FlockMetadataKeys.FinishReason]);
    }

    [Fact]
    public async Task Tool_call_fragments_assemble_with_sks_builder()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-tool-calls.sse"));

        var builder = new FunctionCallContentBuilder();
        foreach (var update in updates)
        {
            builder.Append(update);
        }

        Assert.Collection(builder.Build(),
            weather =>
            {
                Assert.Equal("chatcmpl-tool-aa11", weather.Id);
                Assert.Equal("get_weather", weather.FunctionName);
                Assert.Equal("Paris", weather.Arguments!["city"]?.ToString());
            },
            time =>
            {
                Assert.Equal("chatcmpl-tool-bb22", time.Id);
                Assert.Equal("get_time", time.FunctionName);
                Assert.Equal("Europe/Paris", time.Arguments!["tz"]?.ToString());
            });
        Assert.Equal("tool_calls", Assert.Single(updates, u => u.Metadata!.ContainsKey(FlockMetadataKeys.FinishReason)).Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Equal(new FlockUsage { PromptTokens = 90, CompletionTokens = 30, TotalTokens = 120 }, updates[^1].Metadata![FlockMetadataKeys.Usage]);
    }

    [Fact]
    public async Task Reasoning_deltas_are_separate_items()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-reasoning.sse"));

        Assert.Equal("4", string.Concat(updates.Select(u => u.Content)));
        var reasoning = string.Concat(updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text));
        Assert.Equal("Two plus two is four. Done.", reasoning);
        Assert.Equal("qwen3-235b-a22b-thinking-2507", updates[0].ModelId);
    }

    private static Task<List<StreamingChatMessageContent>> StreamAsync(string sse) => StreamAsync(System.Text.Encoding.UTF8.GetBytes(sse));

    private static async Task<List<StreamingChatMessageContent>> StreamAsync(byte[] sse)
    {
        var handler = new RecordingHandler().EnqueueSse(sse);
        var (items, error) = await Drain.AllAsync(TestSk.Service(handler).GetStreamingChatMessageContentsAsync(TestSk.History()));
        Assert.Null(error);
        Assert.NotEmpty(items);
        return items;
    }
}
