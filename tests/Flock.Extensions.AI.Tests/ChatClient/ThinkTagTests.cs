using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// Thinking text a server left inside the answer (<c>&lt;think&gt;…&lt;/think&gt;</c>) comes out of the chat client as
/// reasoning, streaming and not, with the mode chosen per call (<c>think_tags</c>), by the client's default, or forced off by
/// the thinking switch; split reasoning goes back to the server only when asked.
/// </summary>
public sealed class ThinkTagTests
{
    private const string Tagged = "<think>\nThe user greets me.\n</think>\n\nHello there!";
    private const string ClosingOnly = "The user greets me.\n</think>\n\nHello there!";

    public static TheoryData<bool> Streaming => new(false, true);

    /// <summary>What one call gave: reasoning and answer, whole and in the pieces they arrived in.</summary>
    private sealed record Answer(string Reasoning, string Text, List<string> ReasoningPieces, List<string> TextPieces);

    private static async Task<Answer> SendAsync(
        bool streaming, string content, FlockThinkTags? thinkTags = null, bool? enableThinking = null, FlockOptions? options = null,
        string? reasoning = null, string finishReason = "stop")
    {
        var handler = new RecordingHandler();
        if (streaming)
        {
            handler.EnqueueSse(CannedAnswers.Stream(content, size: 3, reasoning, finishReason));
        }
        else
        {
            handler.EnqueueJson(CannedAnswers.Completion(content, reasoning, finishReason));
        }

        IChatClient client = TestFlock.ChatClient(handler, options ?? TestFlock.Options());
        var chatOptions = new ChatOptions { AdditionalProperties = [] };
        if (thinkTags is { } mode)
        {
            chatOptions.AdditionalProperties["think_tags"] = mode;
        }

        if (enableThinking is { } thinking)
        {
            chatOptions.AdditionalProperties["enable_thinking"] = thinking;
        }

        List<AIContent> contents = streaming
            ? [.. (await client.GetStreamingResponseAsync("Hi", chatOptions).ToListAsync()).SelectMany(u => u.Contents)]
            : [.. (await client.GetResponseAsync("Hi", chatOptions)).Messages.SelectMany(m => m.Contents)];
        var thoughts = contents.OfType<TextReasoningContent>().Select(r => r.Text).ToList();
        var texts = contents.OfType<TextContent>().Select(t => t.Text).ToList();
        return new Answer(string.Concat(thoughts), string.Concat(texts), thoughts, texts);
    }

    private static FlockOptions ClosingTagOnlyByDefault()
    {
        var options = TestFlock.Options();
        options.ThinkTags = FlockThinkTags.ClosingTagOnly;
        return options;
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task By_default_an_answer_opening_with_think_tags_is_split_into_reasoning_and_answer(bool streaming)
    {
        var answer = await SendAsync(streaming, Tagged);

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
        Assert.DoesNotContain(answer.ReasoningPieces.Concat(answer.TextPieces), p => p.Contains("think>", StringComparison.Ordinal) || p.Contains("<th", StringComparison.Ordinal));
        if (streaming)
        {
            // Three characters a chunk: the tags were cut, yet text arrived as it came, never all held back.
            Assert.True(answer.ReasoningPieces.Count >= 4 && answer.TextPieces.Count >= 3, string.Join(" | ", answer.ReasoningPieces.Concat(answer.TextPieces)));
        }
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task Closing_tag_only_per_call_takes_everything_before_the_tag_as_reasoning(bool streaming)
    {
        var answer = await SendAsync(streaming, ClosingOnly, FlockThinkTags.ClosingTagOnly);

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_clients_default_applies_when_the_call_does_not_say(bool streaming)
    {
        var answer = await SendAsync(streaming, ClosingOnly, options: ClosingTagOnlyByDefault());

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task Off_per_call_wins_over_the_clients_default_and_leaves_the_content_whole(bool streaming)
    {
        var answer = await SendAsync(streaming, Tagged, FlockThinkTags.Off, options: ClosingTagOnlyByDefault());

        Assert.Equal(("", Tagged), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task With_thinking_switched_off_nothing_is_split_even_closing_tag_only(bool streaming)
    {
        // A model with enable_thinking false sends no tags: a closing-tag-only split would take the whole answer for reasoning.
        var answer = await SendAsync(streaming, "Hello there!", FlockThinkTags.ClosingTagOnly, enableThinking: false);

        Assert.Equal(("", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task Reasoning_the_server_sent_in_its_own_field_leaves_the_content_as_the_answer(bool streaming)
    {
        var answer = await SendAsync(streaming, "Hello there!", FlockThinkTags.ClosingTagOnly, reasoning: "The user greets me.");

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task Thinking_that_never_closes_is_all_reasoning(bool streaming)
    {
        // The model ran out of tokens while thinking.
        var answer = await SendAsync(streaming, "<think>\nThe user greets me. I should", finishReason: "length");

        Assert.Equal(("The user greets me. I should", ""), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task An_answer_that_opens_with_another_tag_is_left_alone(bool streaming)
    {
        var answer = await SendAsync(streaming, "<b>Hello</b> there!");

        Assert.Equal(("", "<b>Hello</b> there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Split_reasoning_goes_back_to_the_server_only_when_asked(bool includeReasoning)
    {
        var handler = new RecordingHandler().EnqueueJson(CannedAnswers.Completion(Tagged)).EnqueueJson(CannedAnswers.Completion("Fine."));
        IChatClient client = TestFlock.ChatClient(handler, TestFlock.Options());
        List<ChatMessage> history = [new(ChatRole.User, "Hi")];

        history.AddMessages(await client.GetResponseAsync(history));
        history.Add(new ChatMessage(ChatRole.User, "How are you?"));
        await client.GetResponseAsync(history, new ChatOptions { AdditionalProperties = new() { ["include_reasoning_in_history"] = includeReasoning } });

        var assistant = JsonNode.Parse(handler.Requests[1].Body!)!["messages"]![1]!.AsObject();
        Assert.Equal("Hello there!", (string?)assistant["content"]);
        Assert.Equal(includeReasoning ? "The user greets me." : null, (string?)assistant["reasoning_content"]);
    }
}
