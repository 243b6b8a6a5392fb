using System.Text.Json.Nodes;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>
/// The think-tag settings of <see cref="FlockPromptExecutionSettings"/> (<see cref="FlockPromptExecutionSettings.ThinkTags"/>,
/// <see cref="FlockPromptExecutionSettings.EnableThinking"/>, <see cref="FlockPromptExecutionSettings.IncludeReasoningInHistory"/>)
/// reach the core's split, and the split comes back as SK reasoning items, streaming and not. The split itself, in every
/// case, is the core's (ChatClient/ThinkTagTests, Wire/ThinkTagSplitterTests).
/// </summary>
public sealed class ThinkTagSettingsTests
{
    private const string Tagged = "<think>\nThe user greets me.\n</think>\n\nHello there!";
    private const string ClosingOnly = "The user greets me.\n</think>\n\nHello there!";

    public static TheoryData<bool> Streaming => new(false, true);

    /// <summary>What one call gave: reasoning and answer, whole and in the pieces they arrived in.</summary>
    private sealed record Answer(string Reasoning, string Text, List<string> ReasoningPieces, List<string> TextPieces);

    private static async Task<Answer> SendAsync(bool streaming, string content, FlockPromptExecutionSettings settings, FlockOptions? options = null)
    {
        var handler = new RecordingHandler();
        if (streaming)
        {
            handler.EnqueueSse(CannedAnswers.Stream(content, size: 3));
        }
        else
        {
            handler.EnqueueJson(CannedAnswers.Completion(content));
        }

        var service = TestSk.Service(handler, options ?? TestFlock.Options());
        if (streaming)
        {
            var updates = await service.GetStreamingChatMessageContentsAsync(TestSk.History(), settings).ToListAsync();
            var reasoning = updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text).ToList();
            var text = updates.Select(u => u.Content).Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList();
            return new Answer(string.Concat(reasoning), string.Concat(text), reasoning, text);
        }

        var result = Assert.Single(await service.GetChatMessageContentsAsync(TestSk.History(), settings));
        var thoughts = result.Items.OfType<ReasoningContent>().Select(r => r.Text).ToList();
        var texts = result.Items.OfType<TextContent>().Select(t => t.Text ?? "").ToList();
        Assert.Equal(string.Concat(texts), result.Content ?? "");
        return new Answer(string.Concat(thoughts), string.Concat(texts), thoughts, texts);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task By_default_the_split_comes_back_as_reasoning_items_beside_the_answer(bool streaming)
    {
        var answer = await SendAsync(streaming, Tagged, new FlockPromptExecutionSettings());

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
        Assert.DoesNotContain(answer.ReasoningPieces.Concat(answer.TextPieces), p => p.Contains("think>", StringComparison.Ordinal) || p.Contains("<th", StringComparison.Ordinal));
        if (streaming)
        {
            // Three characters a chunk: the SK stream passes the pieces on as they come, never all held back.
            Assert.True(answer.ReasoningPieces.Count >= 4 && answer.TextPieces.Count >= 3, string.Join(" | ", answer.ReasoningPieces.Concat(answer.TextPieces)));
        }
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task ThinkTags_closing_tag_only_reaches_the_split(bool streaming)
    {
        var answer = await SendAsync(streaming, ClosingOnly, new FlockPromptExecutionSettings { ThinkTags = FlockThinkTags.ClosingTagOnly });

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task Without_ThinkTags_the_clients_default_applies(bool streaming)
    {
        // The bridge sends no think-tag mode of its own when the settings name none.
        var options = TestFlock.Options();
        options.ThinkTags = FlockThinkTags.ClosingTagOnly;

        var answer = await SendAsync(streaming, ClosingOnly, new FlockPromptExecutionSettings(), options);

        Assert.Equal(("The user greets me.", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task ThinkTags_off_wins_over_the_clients_default_and_leaves_the_content_whole(bool streaming)
    {
        var options = TestFlock.Options();
        options.ThinkTags = FlockThinkTags.ClosingTagOnly;

        var answer = await SendAsync(streaming, Tagged, new FlockPromptExecutionSettings { ThinkTags = FlockThinkTags.Off }, options);

        Assert.Equal(("", Tagged), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task EnableThinking_false_turns_the_split_off_even_closing_tag_only(bool streaming)
    {
        // A model with enable_thinking false sends no tags: a closing-tag-only split would take the whole answer for reasoning.
        var settings = new FlockPromptExecutionSettings { ThinkTags = FlockThinkTags.ClosingTagOnly, EnableThinking = false };

        var answer = await SendAsync(streaming, "Hello there!", settings);

        Assert.Equal(("", "Hello there!"), (answer.Reasoning, answer.Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IncludeReasoningInHistory_sends_split_reasoning_back_only_when_set(bool includeReasoning)
    {
        var handler = new RecordingHandler().EnqueueJson(CannedAnswers.Completion(Tagged)).EnqueueJson(CannedAnswers.Completion("Fine."));
        var service = TestSk.Service(handler, TestFlock.Options());
        var history = TestSk.History();

        history.Add(await service.GetChatMessageContentAsync(history));
        history.AddUserMessage("How are you?");
        await service.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { IncludeReasoningInHistory = includeReasoning });

        var assistant = JsonNode.Parse(handler.Requests[1].Body!)!["messages"]![1]!.AsObject();
        Assert.Equal("Hello there!", (string?)assistant["content"]);
        Assert.Equal(includeReasoning ? "The user greets me." : null, (string?)assistant["reasoning_content"]);
    }
}
