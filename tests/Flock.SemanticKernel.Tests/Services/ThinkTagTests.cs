using System.Text.Json.Nodes;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using MeaiTextContent = Microsoft.Extensions.AI.TextContent;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>
/// Thinking text a server left inside the answer (<c>&lt;think&gt;…&lt;/think&gt;</c>) comes out as reasoning, through both
/// adapters, streaming and not, with the mode chosen per call, by the client's default, or forced off by the thinking switch.
/// </summary>
public sealed class ThinkTagTests
{
    private const string Tagged = "<think>\nThe user greets me.\n</think>\n\nHello there!";
    private const string ClosingOnly = "The user greets me.\n</think>\n\nHello there!";

    public static TheoryData<string, bool> Paths => new() { { "MEAI", false }, { "MEAI", true }, { "SK", false }, { "SK", true } };

    /// <summary>What one call gave: reasoning and answer, whole and in the pieces they arrived in.</summary>
    private sealed record Answer(string Reasoning, string Text, List<string> ReasoningPieces, List<string> TextPieces);

    /// <summary>The per-call settings, in each stack's form.</summary>
    private sealed record Call(FlockThinkTags? ThinkTags = null, bool? EnableThinking = null, FlockOptions? Options = null);

    private static async Task<Answer> SendAsync(
        string adapter, bool streaming, string content, Call? call = null, string? reasoning = null, string finishReason = "stop", RecordingHandler? handler = null)
    {
        call ??= new Call();
        handler ??= new RecordingHandler();
        if (streaming)
        {
            handler.EnqueueSse(CannedAnswers.Stream(content, size: 3, reasoning, finishReason));
        }
        else
        {
            handler.EnqueueJson(CannedAnswers.Completion(content, reasoning, finishReason));
        }

        var options = call.Options ?? TestFlock.Options();
        return adapter == "MEAI" ? await MeaiAsync(TestFlock.ChatClient(handler, options), streaming, call) : await SkAsync(TestSk.Service(handler, options), streaming, call);
    }

    private static async Task<Answer> MeaiAsync(IChatClient client, bool streaming, Call call)
    {
        var options = new ChatOptions { AdditionalProperties = [] };
        if (call.ThinkTags is { } mode)
        {
            options.AdditionalProperties["think_tags"] = mode;
        }

        if (call.EnableThinking is { } thinking)
        {
            options.AdditionalProperties["enable_thinking"] = thinking;
        }

        var contents = streaming
            ? await client.GetStreamingResponseAsync("Hi", options).SelectMany(u => u.Contents.ToAsyncEnumerable()).ToListAsync()
            : [.. (await client.GetResponseAsync("Hi", options)).Messages.SelectMany(m => m.Contents)];
        var reasoning = contents.OfType<TextReasoningContent>().Select(r => r.Text).ToList();
        var text = contents.OfType<MeaiTextContent>().Select(t => t.Text).ToList();
        return new Answer(string.Concat(reasoning), string.Concat(text), reasoning, text);
    }

    private static async Task<Answer> SkAsync(FlockChatCompletionService service, bool streaming, Call call)
    {
        var settings = new FlockPromptExecutionSettings { ThinkTags = call.ThinkTags, EnableThinking = call.EnableThinking };
        if (streaming)
        {
            var updates = await service.GetStreamingChatMessageContentsAsync(TestSk.History(), settings).ToListAsync();
            var reasoning = updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text).ToList();
            var text = updates.Select(u => u.Content).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
            return new Answer(string.Concat(reasoning), string.Concat(text), reasoning, text);
        }

        var result = Assert.Single(await service.GetChatMessageContentsAsync(TestSk.History(), settings));
        var thoughts = result.Items.OfType<ReasoningContent>().Select(r => r.Text).ToList();
        var texts = result.Items.OfType<Microsoft.SemanticKernel.TextContent>().Select(t => t.Text ?? "").ToList();
        Assert.Equal(string.Concat(texts), result.Content ?? "");
        return new Answer(string.Concat(thoughts), string.Concat(texts), thoughts, texts);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task By_default_an_answer_opening_with_think_tags_is_split_into_reasoning_and_answer(string adapter, bool streaming)
    {
        var answer = await SendAsync(adapter, streaming, Tagged);

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
        Assert.DoesNotContain(answer.ReasoningPieces.Concat(answer.TextPieces), p => p.Contains("think>", StringComparison.Ordinal) || p.Contains("<th", StringComparison.Ordinal));
        if (streaming)
        {
            // Three characters a chunk: the tags were cut, yet text arrived as it came, never all held back.
            Assert.True(answer.ReasoningPieces.Count >= 4 && answer.TextPieces.Count >= 3, string.Join(" | ", answer.ReasoningPieces.Concat(answer.TextPieces)));
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Closing_tag_only_per_call_takes_everything_before_the_tag_as_reasoning(string adapter, bool streaming)
    {
        var answer = await SendAsync(adapter, streaming, ClosingOnly, new Call(FlockThinkTags.ClosingTagOnly));

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task The_clients_default_applies_when_the_call_does_not_say(string adapter, bool streaming)
    {
        var options = TestFlock.Options();
        options.ThinkTags = FlockThinkTags.ClosingTagOnly;

        var answer = await SendAsync(adapter, streaming, ClosingOnly, new Call(Options: options));

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Off_per_call_wins_over_the_clients_default_and_leaves_the_content_whole(string adapter, bool streaming)
    {
        var options = TestFlock.Options();
        options.ThinkTags = FlockThinkTags.ClosingTagOnly;

        var answer = await SendAsync(adapter, streaming, Tagged, new Call(FlockThinkTags.Off, Options: options));

        Assert.Equal(("", Tagged), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task With_thinking_switched_off_nothing_is_split_even_closing_tag_only(string adapter, bool streaming)
    {
        // A model with enable_thinking false sends no tags: a closing-tag-only split would take the whole answer for reasoning.
        var answer = await SendAsync(adapter, streaming, "Hello there!", new Call(FlockThinkTags.ClosingTagOnly, EnableThinking: false));

        Assert.Equal(("", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Reasoning_the_server_sent_in_its_own_field_leaves_the_content_as_the_answer(string adapter, bool streaming)
    {
        var answer = await SendAsync(adapter, streaming, "Hello there!", new Call(FlockThinkTags.ClosingTagOnly), reasoning: "The user greets me.");

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Thinking_that_never_closes_is_all_reasoning(string adapter, bool streaming)
    {
        // The model ran out of tokens while thinking.
        var answer = await SendAsync(adapter, streaming, "<think>\nThe user greets me. I should", finishReason: "length");

        Assert.Equal(("The user greets me. I should", ""), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task An_answer_that_opens_with_another_tag_is_left_alone(string adapter, bool streaming)
    {
        var answer = await SendAsync(adapter, streaming, "<b>Hello</b> there!");

        Assert.Equal(("", "<b>Hello</b> there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [InlineData("MEAI", false)]
    [InlineData("MEAI", true)]
    [InlineData("SK", false)]
    [InlineData("SK", true)]
    public async Task Split_reasoning_goes_back_to_the_server_only_when_asked(string adapter, bool includeReasoning)
    {
        var handler = new RecordingHandler().EnqueueJson(CannedAnswers.Completion(Tagged)).EnqueueJson(CannedAnswers.Completion("Fine."));
        var options = TestFlock.Options();
        if (adapter == "MEAI")
        {
            IChatClient client = TestFlock.ChatClient(handler, options);
            List<ChatMessage> history = [new(ChatRole.User, "Hi")];
            history.AddMessages(await client.GetResponseAsync(history));
            history.Add(new ChatMessage(ChatRole.User, "How are you?"));
            await client.GetResponseAsync(history, new ChatOptions { AdditionalProperties = new() { ["include_reasoning_in_history"] = includeReasoning } });
        }
        else
        {
            var service = TestSk.Service(handler, options);
            var history = TestSk.History();
            history.Add(await service.GetChatMessageContentAsync(history));
            history.AddUserMessage("How are you?");
            await service.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { IncludeReasoningInHistory = includeReasoning });
        }

        var assistant = JsonNode.Parse(handler.Requests[1].Body!)!["messages"]![1]!.AsObject();
        Assert.Equal("Hello there!", (string?)assistant["content"]);
        Assert.Equal(includeReasoning ? "The user greets me." : null, (string?)assistant["reasoning_content"]);
    }
}
