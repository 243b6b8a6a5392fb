using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>The stream's think-tag split in the cases only a stream has: interleaved choices, and text still held at the end.</summary>
public sealed class ThinkTagStreamingTests
{
    private static int ChoiceOf(ChatResponseUpdate update) => update.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.ChoiceIndex) is int i ? i : 0;

    private static string Content(string text) => $$"""{"content":{{CannedAnswers.Json(text)}}}""";

    [Fact]
    public async Task Each_choice_of_n_2_is_split_on_its_own()
    {
        // Choice 0 thinks in tags, choice 1 answers plainly; their pieces interleave and cut the tags.
        var sse = CannedAnswers.Chunk(Content("<thi"), index: 0) + CannedAnswers.Chunk(Content("Plain"), index: 1)
            + CannedAnswers.Chunk(Content("nk>Hmm.</th"), index: 0) + CannedAnswers.Chunk(Content(" <think> text"), index: 1)
            + CannedAnswers.Chunk(Content("ink> Yes."), index: 0) + CannedAnswers.Chunk("{}", "stop", index: 1)
            + CannedAnswers.Chunk("{}", "stop", index: 0) + CannedAnswers.End();
        var handler = new RecordingHandler().EnqueueSse(sse);

        var updates = await TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi", new ChatOptions { AdditionalProperties = new() { ["n"] = 2 } }).ToListAsync();

        string Of<T>(int choice) where T : AIContent =>
            string.Concat(updates.Where(u => ChoiceOf(u) == choice).SelectMany(u => u.Contents).OfType<T>().Select(c => c is TextContent t ? t.Text : ((TextReasoningContent)(object)c).Text));
        Assert.Equal(("Hmm.", "Yes."), (Of<TextReasoningContent>(0), Of<TextContent>(0)));
        Assert.Equal(("", "Plain <think> text"), (Of<TextReasoningContent>(1), Of<TextContent>(1)));
    }

    [Fact]
    public async Task Text_held_as_a_possible_tag_is_released_when_the_stream_ends_without_a_finish_reason()
    {
        var sse = CannedAnswers.Chunk(Content("<think>Checking")) + CannedAnswers.Chunk(Content(" twice </thin")) + CannedAnswers.End(usage: null);
        var handler = new RecordingHandler().EnqueueSse(sse);

        var updates = await TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi").ToListAsync();

        var reasoning = updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text).ToList();
        Assert.Equal("Checking twice </thin", string.Concat(reasoning));
        Assert.Equal(" </thin", reasoning[^1]);
        Assert.Empty(updates.SelectMany(u => u.Contents).OfType<TextContent>());
    }

    [Fact]
    public async Task A_thinking_answer_combined_with_ToChatResponse_matches_the_non_streamed_one()
    {
        const string answer = "<think>\nA careful thought\nover lines.\n</think>\n\nThe answer.";
        var handler = new RecordingHandler().EnqueueSse(CannedAnswers.Stream(answer, size: 2)).EnqueueJson(CannedAnswers.Completion(answer));
        var client = TestFlock.ChatClient(handler);

        var streamed = (await client.GetStreamingResponseAsync("Hi").ToListAsync()).ToChatResponse();
        var whole = await client.GetResponseAsync("Hi");

        static (string, string) Split(ChatResponse r) => (
            string.Concat(r.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(c => c.Text)), r.Text);
        Assert.Equal(("A careful thought\nover lines.", "The answer."), Split(whole));
        Assert.Equal(Split(whole), Split(streamed));
    }
}
