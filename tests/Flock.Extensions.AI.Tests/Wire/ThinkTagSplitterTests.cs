using CsCheck;

namespace Flock.Extensions.AI.Tests.Wire;

public sealed class ThinkTagSplitterTests
{
    [Theory]
    [InlineData("<think>Plan the reply.</think>\n\nHello!", "Plan the reply.", "Hello!")]
    [InlineData("  \n<think>\nStep one.\nStep two.\n</think>\nAnswer", "Step one.\nStep two.", "Answer")]
    [InlineData("<think></think>Answer", null, "Answer")]
    [InlineData("Hello <think>not at the start</think>", null, "Hello <think>not at the start</think>")]
    [InlineData("<thinking>no tag</thinking>", null, "<thinking>no tag</thinking>")]
    [InlineData("<think>never closed because the tokens ran out", "never closed because the tokens ran out", null)]
    [InlineData("", null, null)]
    public void Auto_splits_content_that_opens_with_a_think_tag(string content, string? reasoning, string? answer)
    {
        Assert.Equal((reasoning, answer), ThinkTagSplitter.Split(content, FlockThinkTags.Auto));
    }

    [Theory]
    [InlineData("The user greets me.\n</think>\n\nHi there!", "The user greets me.", "Hi there!")]
    [InlineData("<think>Opened anyway.</think>Hi", "Opened anyway.", "Hi")]
    [InlineData("Still thinking when the tokens ran out", "Still thinking when the tokens ran out", null)]
    public void Closing_tag_only_takes_everything_before_the_closing_tag_as_reasoning(string content, string? reasoning, string? answer)
    {
        Assert.Equal((reasoning, answer), ThinkTagSplitter.Split(content, FlockThinkTags.ClosingTagOnly));
    }

    [Fact]
    public void Off_never_splits()
    {
        Assert.Equal((null, "<think>x</think>y"), ThinkTagSplitter.Split("<think>x</think>y", FlockThinkTags.Off));
    }

    [Fact]
    public void A_server_reasoning_field_turns_closing_tag_only_off()
    {
        var splitter = new ThinkTagSplitter(FlockThinkTags.ClosingTagOnly);
        splitter.ServerSentReasoning();

        splitter.Add("The answer, with no tag at all.", out var reasoning, out var answer);

        Assert.Null(reasoning);
        Assert.Equal("The answer, with no tag at all.", answer);
    }

    [Fact]
    public void Tags_cut_across_pieces_are_recognised()
    {
        var (reasoning, answer, _) = Stream(FlockThinkTags.Auto, "<th", "ink>Rea", "son</th", "ink>", "  ", "Ans", "wer");

        Assert.Equal("Reason", reasoning);
        Assert.Equal("Answer", answer);
    }

    [Fact]
    public void At_most_a_tag_is_held_back_and_a_plain_answer_passes_through_piece_by_piece()
    {
        var splitter = new ThinkTagSplitter(FlockThinkTags.Auto);
        var pieces = new[] { "Hello", ", world", "!" };
        foreach (var piece in pieces)
        {
            splitter.Add(piece, out var reasoning, out var answer);
            Assert.Null(reasoning);
            Assert.Same(piece, answer);
        }

        var inside = new ThinkTagSplitter(FlockThinkTags.Auto);
        inside.Add("<think>abc</thi", out var r1, out _);
        Assert.Equal("abc", r1);
        inside.Add("s is not the tag", out var r2, out _);
        Assert.Equal("</this is not the tag", r2);
    }

    [Fact]
    public void Streaming_gives_the_same_split_as_the_whole_content_for_every_cut()
    {
        var contents = Gen.OneOf(
            Gen.Const("<think>I should greet.</think>\n\nHello!"),
            Gen.Const(" \n<think>\n a < b, c </thin k> d \n</think>  Answer <think> again"),
            Gen.Const("Reasoning only\n</think>\nAnswer"),
            Gen.Const("plain answer with </think> inside"),
            Gen.String[Gen.Char["<>/thinkTHINK \n ab"], 0, 40]);
        var modes = Gen.Enum<FlockThinkTags>();

        Gen.Select(contents, modes, Gen.Int[1, 6].Array[0, 12]).Sample((content, mode, cuts) =>
        {
            var pieces = Cut(content, cuts);
            var (reasoning, answer, _) = Stream(mode, pieces);
            Assert.Equal(ThinkTagSplitter.Split(content, mode), (reasoning, answer));
        }, seed: "0N0XIzNsQ0O2", iter: 2000);
    }

    private static (string? Reasoning, string? Answer, int Pieces) Stream(FlockThinkTags mode, params string[] pieces)
    {
        var splitter = new ThinkTagSplitter(mode);
        string? reasoning = null, answer = null;
        foreach (var piece in pieces)
        {
            splitter.Add(piece, out var r, out var a);
            reasoning = Append(reasoning, r);
            answer = Append(answer, a);
        }

        splitter.Complete(out var lastReasoning, out var lastAnswer);
        return (Append(reasoning, lastReasoning), Append(answer, lastAnswer), pieces.Length);
    }

    private static string? Append(string? a, string? b) => b is null ? a : (a ?? "") + b;

    private static string[] Cut(string content, int[] lengths)
    {
        var pieces = new List<string>();
        var at = 0;
        foreach (var length in lengths)
        {
            if (at >= content.Length)
            {
                break;
            }

            var take = Math.Min(length, content.Length - at);
            pieces.Add(content.Substring(at, take));
            at += take;
        }

        if (at < content.Length)
        {
            pieces.Add(content[at..]);
        }

        return [.. pieces];
    }
}
