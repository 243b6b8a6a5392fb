using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>How an SK <see cref="ChatHistory"/> becomes the <c>messages</c> array.</summary>
public sealed class HistoryMappingTests
{
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task Roles_author_names_text_items_and_images()
    {
        var history = new ChatHistory("You are terse.");
        history.Add(new ChatMessageContent(AuthorRole.User, "What is this?") { AuthorName = "alice" });
        history.Add(new ChatMessageContent(AuthorRole.User, [new TextContent("First. "), new TextContent("Second.")]));
        history.Add(new ChatMessageContent(AuthorRole.User,
        [
            new TextContent("Compare"),
            new ImageContent(new Uri("https://img.test/cat.png")),
            new ImageContent(Png, "image/png"),
        ]));
        history.AddAssistantMessage("A cat.");

        var body = await TestSk.SkBodyAsync(null, streaming: false, history);

        JsonAssert.Equal($$$"""
            {
              "model": "{{{TestFlock.Model}}}",
              "messages": [
                {"role": "system", "content": "You are terse."},
                {"role": "user", "content": "What is this?", "name": "alice"},
                {"role": "user", "content": "First. Second."},
                {"role": "user", "content": [
                  {"type": "text", "text": "Compare"},
                  {"type": "image_url", "image_url": {"url": "https://img.test/cat.png"}},
                  {"type": "image_url", "image_url": {"url": "data:image/png;base64,{{{Convert.ToBase64String(Png)}}}"}}
                ]},
                {"role": "assistant", "content": "A cat."}
              ]
            }
            """, body);
    }

    [Fact]
    public async Task Tool_calls_and_results()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Weather in Paris?");
        history.Add(new ChatMessageContent(AuthorRole.Assistant,
        [
            new FunctionCallContent("get_weather", id: "call_1", arguments: new KernelArguments { ["city"] = "Paris" }),
        ]));
        history.Add(new ChatMessageContent(AuthorRole.Tool, [new FunctionResultContent("get_weather", callId: "call_1", result: "18C, sunny")]));

        var body = await TestSk.SkBodyAsync(null, streaming: false, history);

        JsonAssert.Equal($$$"""
            {
              "model": "{{{TestFlock.Model}}}",
              "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "tool_calls": [
                  {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_1", "content": "18C, sunny"}
              ]
            }
            """, body);
    }

    [Fact]
    public async Task Earlier_reasoning_is_not_sent_by_default()
    {
        var body = await TestSk.SkBodyAsync(null, streaming: false, HistoryWithReasoning());

        JsonAssert.Equal($$$"""
            {
              "model": "{{{TestFlock.Model}}}",
              "messages": [
                {"role": "user", "content": "2+2?"},
                {"role": "assistant", "content": "4"},
                {"role": "user", "content": "And 3+3?"}
              ]
            }
            """, body);
    }

    [Fact]
    public async Task Earlier_reasoning_is_sent_when_asked()
    {
        var body = await TestSk.SkBodyAsync(new FlockPromptExecutionSettings { IncludeReasoningInHistory = true }, streaming: false, HistoryWithReasoning());

        JsonAssert.Equal($$$"""
            {
              "model": "{{{TestFlock.Model}}}",
              "messages": [
                {"role": "user", "content": "2+2?"},
                {"role": "assistant", "content": "4", "reasoning_content": "Simple sum."},
                {"role": "user", "content": "And 3+3?"}
              ]
            }
            """, body);
    }

    [Fact]
    public async Task A_message_changed_since_the_last_call_is_sent_as_it_is_now()
    {
        // The service reuses the mapping of a history's unchanged text messages from turn to turn; a change must show.
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler);
        var history = new ChatHistory();
        history.AddUserMessage("First");
        var sent = new List<string>();
        async Task SendAsync()
        {
            handler.EnqueueJson(TestFiles.Read("completion.json"));
            await service.GetChatMessageContentsAsync(history);
            sent.Add(System.Text.Json.Nodes.JsonNode.Parse(handler.Requests[^1].Body!)!["messages"]![0]!.ToJsonString());
        }

        await SendAsync();
        await SendAsync();
        history[0].Content = "Changed";
        await SendAsync();
        ((TextContent)history[0].Items[0]).Text = "Changed again";
        await SendAsync();
        history[0].AuthorName = "alice";
        await SendAsync();
        history[0].Items.Add(new TextContent(" and more"));
        await SendAsync();
        history[0].Role = AuthorRole.System;
        await SendAsync();

        Assert.Equal(
        [
            """{"role":"user","content":"First"}""",
            """{"role":"user","content":"First"}""",
            """{"role":"user","content":"Changed"}""",
            """{"role":"user","content":"Changed again"}""",
            """{"role":"user","content":"Changed again","name":"alice"}""",
            """{"role":"user","content":"Changed again and more","name":"alice"}""",
            """{"role":"system","content":"Changed again and more","name":"alice"}""",
        ], sent);
    }

    private static ChatHistory HistoryWithReasoning()
    {
        var history = new ChatHistory();
        history.AddUserMessage("2+2?");
        history.Add(new ChatMessageContent(AuthorRole.Assistant, [new ReasoningContent("Simple sum."), new TextContent("4")]));
        history.AddUserMessage("And 3+3?");
        return history;
    }
}
