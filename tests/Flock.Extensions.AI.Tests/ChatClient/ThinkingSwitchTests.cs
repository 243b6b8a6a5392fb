using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// A model with thinking switched off sends no tags, so a closing-tag-only split would take its whole answer for reasoning:
/// every form of the switch MEAI callers use (the reasoning effort <c>None</c>, <c>chat_template_kwargs</c>) turns the split off.
/// </summary>
public sealed class ThinkingSwitchTests
{
    private const string Answer = "Hello there!";

    public static TheoryData<string, bool> Switches
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var form in new[] { "effort_none", "kwargs_dictionary", "kwargs_json" })
            {
                data.Add(form, false);
                data.Add(form, true);
            }

            return data;
        }
    }

    private static ChatOptions SwitchedOff(string form) => form switch
    {
        "effort_none" => new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } },
        "kwargs_dictionary" => new ChatOptions { AdditionalProperties = new() { ["chat_template_kwargs"] = new Dictionary<string, object?> { ["enable_thinking"] = false } } },
        _ => new ChatOptions { AdditionalProperties = new() { ["chat_template_kwargs"] = JsonDocument.Parse("""{"enable_thinking":false}""").RootElement } },
    };

    private static async Task<(string Reasoning, string Text, string Body)> AskAsync(ChatOptions options, bool streaming, FlockThinkTags? perCall, FlockThinkTags clientDefault)
    {
        var handler = new RecordingHandler();
        var flockOptions = TestFlock.Options();
        flockOptions.ThinkTags = clientDefault;
        IChatClient client = TestFlock.ChatClient(handler, flockOptions);
        if (perCall is { } mode)
        {
            (options.AdditionalProperties ??= [])["think_tags"] = mode;
        }

        List<AIContent> contents;
        if (streaming)
        {
            handler.EnqueueSse(CannedAnswers.Stream(Answer, size: 3));
            contents = [.. (await client.GetStreamingResponseAsync("Hi", options).ToListAsync()).SelectMany(u => u.Contents)];
        }
        else
        {
            handler.EnqueueJson(CannedAnswers.Completion(Answer));
            contents = [.. (await client.GetResponseAsync("Hi", options)).Messages.SelectMany(m => m.Contents)];
        }

        return (string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)),
            string.Concat(contents.OfType<TextContent>().Select(t => t.Text)),
            handler.SingleRequest.Body!);
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Thinking_switched_off_leaves_the_answer_whole_even_closing_tag_only_per_call(string form, bool streaming)
    {
        var (reasoning, text, body) = await AskAsync(SwitchedOff(form), streaming, FlockThinkTags.ClosingTagOnly, FlockThinkTags.Auto);

        Assert.Equal(("", Answer), (reasoning, text));
        Assert.Equal(JsonValueKind.False, JsonDocument.Parse(body).RootElement.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Thinking_switched_off_wins_over_a_closing_tag_only_client_default(string form, bool streaming)
    {
        var (reasoning, text, _) = await AskAsync(SwitchedOff(form), streaming, perCall: null, FlockThinkTags.ClosingTagOnly);

        Assert.Equal(("", Answer), (reasoning, text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_reasoning_effort_other_than_none_keeps_the_closing_tag_only_split(bool streaming)
    {
        // The control: without the switch, closing-tag-only takes an answer with no tag for reasoning (never closed).
        var options = new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } };

        var (reasoning, text, _) = await AskAsync(options, streaming, FlockThinkTags.ClosingTagOnly, FlockThinkTags.Auto);

        Assert.Equal((Answer, ""), (reasoning, text));
    }
}
