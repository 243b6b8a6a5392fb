using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Settings;

/// <summary>
/// Qwen3's thinking switch in the SK forms other than <see cref="FlockPromptExecutionSettings.EnableThinking"/>
/// (<see cref="FlockPromptExecutionSettings.ChatTemplateKwargs"/>, <c>chat_template_kwargs</c> in <c>ExtensionData</c> or a
/// prompt template's JSON): switched off, the model sends no tags, so even a closing-tag-only split leaves the answer whole.
/// </summary>
public sealed class ThinkingSwitchTests
{
    private const string Answer = "Hello there!";

    public static TheoryData<string, bool> Switches
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var form in new[] { "typed_kwargs", "extension_data", "template_json" })
            {
                data.Add(form, false);
                data.Add(form, true);
            }

            return data;
        }
    }

    private static PromptExecutionSettings Settings(string form, bool thinking)
    {
        var value = thinking ? "true" : "false";
        return form switch
        {
            "typed_kwargs" => new FlockPromptExecutionSettings
            {
                ThinkTags = FlockThinkTags.ClosingTagOnly,
                ChatTemplateKwargs = new Dictionary<string, object?> { ["enable_thinking"] = thinking },
            },
            "extension_data" => new PromptExecutionSettings
            {
                ExtensionData = new Dictionary<string, object>
                {
                    ["think_tags"] = "ClosingTagOnly",
                    ["chat_template_kwargs"] = new Dictionary<string, object?> { ["enable_thinking"] = thinking },
                },
            },
            _ => JsonSerializer.Deserialize<PromptExecutionSettings>(
                $$$"""{"think_tags":"ClosingTagOnly","chat_template_kwargs":{"enable_thinking":{{{value}}}}}""")!,
        };
    }

    private static async Task<(string Reasoning, string Text, string Body)> AskAsync(PromptExecutionSettings settings, bool streaming)
    {
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler, TestFlock.Options());
        string reasoning, text;
        if (streaming)
        {
            handler.EnqueueSse(CannedAnswers.Stream(Answer, size: 3));
            var updates = await service.GetStreamingChatMessageContentsAsync(TestSk.History(), settings).ToListAsync();
            reasoning = string.Concat(updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text));
            text = string.Concat(updates.Select(u => u.Content));
        }
        else
        {
            handler.EnqueueJson(CannedAnswers.Completion(Answer));
            var result = Assert.Single(await service.GetChatMessageContentsAsync(TestSk.History(), settings));
            reasoning = string.Concat(result.Items.OfType<ReasoningContent>().Select(r => r.Text));
            text = result.Content ?? "";
        }

        return (reasoning, text, handler.SingleRequest.Body!);
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Thinking_switched_off_through_chat_template_kwargs_leaves_the_answer_whole(string form, bool streaming)
    {
        var (reasoning, text, body) = await AskAsync(Settings(form, thinking: false), streaming);

        Assert.Equal(("", Answer), (reasoning, text));
        Assert.Equal(JsonValueKind.False, JsonDocument.Parse(body).RootElement.GetProperty("chat_template_kwargs").GetProperty("enable_thinking").ValueKind);
    }

    [Theory]
    [MemberData(nameof(Switches))]
    public async Task Thinking_switched_on_keeps_the_closing_tag_only_split(string form, bool streaming)
    {
        // The control: the same settings with the switch on split as asked (an answer with no tag is all reasoning).
        var (reasoning, text, _) = await AskAsync(Settings(form, thinking: true), streaming);

        Assert.Equal((Answer, ""), (reasoning, text));
    }
}
