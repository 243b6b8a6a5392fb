using System.Text;
using Flock.Extensions.AI;
using Flock.SemanticKernel.Mapping;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>
/// Streamed answers as SK <see cref="StreamingChatMessageContent"/>s: text, reasoning and call pieces as items, the choice
/// index, Flock's fields in <see cref="FlockMetadata"/> and the usage on the last update. The bridge adds a piece's text item
/// itself instead of through SK's constructor (which searches the items twice more to do it): what the caller gets must be
/// exactly what SK's constructor would have built. Reading the stream is the core's (ChatClient/StreamingParsingTests).
/// </summary>
public sealed class StreamingResultsTests
{
    private const string Done = "data: [DONE]\n\n";

    [Fact]
    public void A_text_piece_is_the_content_sks_constructor_would_build_from_the_same_values()
    {
        var update = new ChatResponseUpdate(ChatRole.Assistant, "Hel")
        {
            ModelId = "qwen3-8b",
            ResponseId = "chatcmpl-1",
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000),
            AdditionalProperties = new() { [FlockPropertyNames.ChoiceIndex] = 2 },
        };

        var content = new StreamingResults("default-model", kernel: null).ToContent(update)!;
        var sks = new StreamingChatMessageContent(AuthorRole.Assistant, "Hel", null, 2, "qwen3-8b", Encoding.UTF8, content.Metadata);

        Assert.Equal(sks.Content, content.Content);
        Assert.Equal(sks.Role, content.Role);
        Assert.Equal(sks.ChoiceIndex, content.ChoiceIndex);
        Assert.Equal(sks.ModelId, content.ModelId);
        Assert.Equal(sks.Encoding, content.Encoding);
        Assert.Equal(sks.ToByteArray(), content.ToByteArray());
        Assert.Equal("Hel", content.ToString());

        var expected = Assert.IsType<StreamingTextContent>(Assert.Single(sks.Items));
        var actual = Assert.IsType<StreamingTextContent>(Assert.Single(content.Items));
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.ChoiceIndex, actual.ChoiceIndex);
        Assert.Equal(expected.ModelId, actual.ModelId);
        Assert.Equal(expected.Encoding, actual.Encoding);
        Assert.Equal(expected.InnerContent, actual.InnerContent);
        Assert.Same(expected.Metadata, actual.Metadata);

        // It is SK's own item, live: setting Content through SK's setter changes it, as it would SK's.
        content.Content = "Hello";
        Assert.Equal("Hello", actual.Text);
    }

    [Fact]
    public void A_piece_without_text_has_no_text_item()
    {
        var update = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = "chatcmpl-1", FinishReason = ChatFinishReason.Stop };

        var content = new StreamingResults("default-model", kernel: null).ToContent(update)!;

        Assert.Null(content.Content);
        Assert.Empty(content.Items);
        Assert.Equal("default-model", content.ModelId);
    }

    [Fact]
    public async Task A_text_stream_gives_one_finishing_update_and_the_usage_on_the_last()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-text.sse"));

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
    public async Task A_stream_ending_without_a_finish_reason_has_none_in_any_metadata()
    {
        static string Event(string text) => $$$"""data: {"id":"c1","created":1735689700,"model":"m","choices":[{"index":0,"delta":{"content":"{{{text}}}"}}]}""" + "\n\n";

        var updates = await StreamAsync(Event("Hello") + Event(" there") + Done);

        Assert.Equal("Hello there", string.Concat(updates.Select(u => u.Content)));
        Assert.All(updates, u =>
        {
            var metadata = Assert.IsType<FlockMetadata>(u.Metadata);
            Assert.Null(metadata.FinishReason);
            Assert.False(metadata.ContainsKey(FlockMetadataKeys.FinishReason));
        });
    }

    [Fact]
    public async Task Two_interleaved_choices_keep_their_index_text_and_finish_reason()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-n2.sse"));

        var byChoice = updates.Where(u => u.Content is not null).GroupBy(u => u.ChoiceIndex).ToDictionary(g => g.Key, g => string.Concat(g.Select(u => u.Content)));
        Assert.Equal(new Dictionary<int, string> { [0] = "Red.", [1] = "Blue, probably" }, byChoice);
        var finishes = updates.Where(u => u.Metadata!.ContainsKey(FlockMetadataKeys.FinishReason)).ToDictionary(u => u.ChoiceIndex, u => u.Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Equal(new Dictionary<int, object?> { [0] = "stop", [1] = "length" }, finishes);
        Assert.Equal(new FlockUsage { PromptTokens = 10, CompletionTokens = 6, TotalTokens = 16 }, updates[^1].Metadata![FlockMetadataKeys.Usage]);
    }

    [Fact]
    public async Task Usage_sent_on_every_chunk_reaches_the_last_update_once()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-cumulative-usage.sse"));

        Assert.Equal("One two three", string.Concat(updates.Select(u => u.Content)));
        var withUsage = Assert.Single(updates, u => u.Metadata!.ContainsKey(FlockMetadataKeys.Usage));
        Assert.Same(updates[^1], withUsage);
        Assert.Equal(new FlockUsage { PromptTokens = 8, CompletionTokens = 3, TotalTokens = 11 }, withUsage.Metadata![FlockMetadataKeys.Usage]);
        Assert.Equal("stop", Assert.Single(updates, u => u.Metadata!.ContainsKey(FlockMetadataKeys.FinishReason)).Metadata![FlockMetadataKeys.FinishReason]);
    }

    [Fact]
    public async Task Tool_call_pieces_assemble_with_sks_builder()
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
    public async Task Reasoning_pieces_are_separate_items()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-reasoning.sse"));

        Assert.Equal("4", string.Concat(updates.Select(u => u.Content)));
        var reasoning = string.Concat(updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text));
        Assert.Equal("Two plus two is four. Done.", reasoning);
        Assert.Equal("qwen3-235b-a22b-thinking-2507", updates[0].ModelId);
    }

    [Fact]
    public async Task Each_piece_carries_its_own_logprobs_in_metadata()
    {
        static string Piece(string token, double logprob) =>
            $$"""{"content":[{"token":{{CannedAnswers.Json(token)}},"logprob":{{logprob.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"top_logprobs":[]}]}""";
        var sse = CannedAnswers.Chunk("""{"role":"assistant","content":"Yes"}""", logprobs: Piece("Yes", -0.01))
            + CannedAnswers.Chunk("""{"content":", sure"}""", logprobs: Piece(", sure", -0.75))
            + CannedAnswers.Chunk("""{"content":"."}""", "stop", logprobs: Piece(".", -0.5))
            + CannedAnswers.End();
        var handler = new RecordingHandler().EnqueueSse(sse);

        var updates = await TestSk.Service(handler).GetStreamingChatMessageContentsAsync(TestSk.History(), new FlockPromptExecutionSettings { Logprobs = 0 }).ToListAsync();

        var pieces = updates.Where(u => u.Metadata!.ContainsKey(FlockMetadataKeys.Logprobs)).ToList();
        Assert.Equal(["Yes", ", sure", "."], pieces.Select(u => u.Content));
        Assert.Equal([-0.01, -0.75, -0.5], pieces.Select(u => Assert.Single(((FlockLogprobs)u.Metadata![FlockMetadataKeys.Logprobs]!).Tokens).Logprob));
        Assert.Same(pieces[^1].Metadata![FlockMetadataKeys.Logprobs], ((FlockMetadata)pieces[^1].Metadata!).Logprobs);
        Assert.Equal("stop", pieces[^1].Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Contains("\"logprobs\":true", handler.SingleRequest.Body);
    }

    private static async Task<List<StreamingChatMessageContent>> StreamAsync(string sse)
    {
        var handler = new RecordingHandler().EnqueueSse(sse);
        var (items, error) = await Drain.AllAsync(TestSk.Service(handler).GetStreamingChatMessageContentsAsync(TestSk.History()));
        Assert.Null(error);
        Assert.NotEmpty(items);
        return items;
    }
}
