using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>Thinking models served without a reasoning parser: the thinking arrives inside the content, tags and all.</summary>
public sealed class ThinkTagTests : EmulatorTestBase
{
    [Fact]
    public async Task ThinkTagModelPutsItsReasoningInsideTheContentBetweenTags()
    {
        var body = await ChatAsync(Body(model: ThinkTagModel));
        var message = body["choices"]![0]!["message"]!.AsObject();
        var content = (string)message["content"]!;

        Assert.StartsWith("<think>\n", content);
        var close = content.IndexOf("\n</think>\n\n", StringComparison.Ordinal);
        Assert.True(close > "<think>\n".Length, content);
        Assert.Contains("Hello there, how are you?", content[(close + 11)..]);
        Assert.False(message.ContainsKey("reasoning_content"));
        Assert.Null(body["usage"]!["completion_tokens_details"]);
    }

    [Fact]
    public async Task ClosingTagModelSendsOnlyTheClosingTag()
    {
        var content = (string)(await ChatAsync(Body(model: ClosingTagModel)))["choices"]![0]!["message"]!["content"]!;

        Assert.DoesNotContain("<think>", content);
        Assert.Single(content.Split("</think>")[1..]);
        Assert.StartsWith("The user wrote", content);
    }

    [Theory]
    [InlineData(ThinkTagModel, "<th", "ink>")]
    [InlineData(ClosingTagModel, "</t", "hink>")]
    public async Task StreamedTagsAreCutMidTagAndTheTextIsTheSameAsWithoutStreaming(string model, string end, string start)
    {
        var whole = (string)(await ChatAsync(Body(model: model)))["choices"]![0]!["message"]!["content"]!;
        var pieces = Chunks(await StreamAsync(Body("\"stream\":true", model: model)))
            .Select(c => (string?)c["choices"]![0]!["delta"]!["content"])
            .Where(p => p is not null)
            .Select(p => p!)
            .ToList();

        Assert.Equal(whole, string.Concat(pieces));
        var cut = pieces.FindIndex(p => p.EndsWith(end, StringComparison.Ordinal));
        Assert.True(cut >= 0 && cut + 1 < pieces.Count, string.Join(" | ", pieces));
        Assert.StartsWith(start, pieces[cut + 1]);
        Assert.DoesNotContain(pieces, p => p.Contains("think>", StringComparison.Ordinal) && p.Contains("<th", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(ThinkingModel)]
    [InlineData(ThinkTagModel)]
    [InlineData(ClosingTagModel)]
    public async Task EnableThinkingFalseAnswersWithoutReasoningOrTags(string model)
    {
        var body = await ChatAsync(Body("\"chat_template_kwargs\":{\"enable_thinking\":false}", model: model));
        var message = body["choices"]![0]!["message"]!.AsObject();

        Assert.False(message.ContainsKey("reasoning_content"));
        Assert.DoesNotContain("think>", (string)message["content"]!);
        Assert.Contains("Hello there, how are you?", (string)message["content"]!);
    }

    [Fact]
    public async Task EnableThinkingTrueMakesAnInstructModelThink()
    {
        var body = await ChatAsync(Body("\"chat_template_kwargs\":{\"enable_thinking\":true}"));
        Assert.False(string.IsNullOrEmpty((string?)body["choices"]![0]!["message"]!["reasoning_content"]));
    }

    [Fact]
    public async Task ScriptedReasoningTakesTheModelsFormUnlessTheScriptSaysOtherwise()
    {
        Emulator.Enqueue(ScriptedReply.Reasoning("Two plus two.", "4"))
            .Enqueue(ScriptedReply.Reasoning("Two plus two.", "4") with { ReasoningStyle = ReasoningStyle.Field })
            .Enqueue(ScriptedReply.Reasoning("Two plus two.", "4") with { ReasoningStyle = ReasoningStyle.ClosingThinkTag });

        var tagged = (await ChatAsync(Body(model: ThinkTagModel)))["choices"]![0]!["message"]!;
        var field = (await ChatAsync(Body(model: ThinkTagModel)))["choices"]![0]!["message"]!;
        var closing = (await ChatAsync(Body())) ["choices"]![0]!["message"]!;

        Assert.Equal("<think>\nTwo plus two.\n</think>\n\n4", (string?)tagged["content"]);
        Assert.Equal(("4", "Two plus two."), ((string?)field["content"], (string?)field["reasoning_content"]));
        Assert.Equal("Two plus two.\n</think>\n\n4", (string?)closing["content"]);
    }

    [Fact]
    public async Task MaxTokensCanEndTheAnswerInsideTheThinkingBeforeTheClosingTag()
    {
        var body = await ChatAsync(Body("\"max_tokens\":5", model: ThinkTagModel));
        var choice = body["choices"]![0]!;

        Assert.Equal("length", (string?)choice["finish_reason"]);
        Assert.StartsWith("<think>", (string)choice["message"]!["content"]!);
        Assert.DoesNotContain("</think>", (string)choice["message"]!["content"]!);
    }
}
