using Flock.Tests.Support;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>How MEAI <see cref="ChatMessage"/>s become the <c>messages</c> array.</summary>
public sealed class MessageMappingTests
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];

    [Fact]
    public async Task Roles_names_and_images()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.System, "Be brief."),
            new(ChatRole.User, "Hello") { AuthorName = "bob" },
            new(ChatRole.User,
            [
                new TextContent("Look:"),
                new DataContent(Jpeg, "image/jpeg"),
                new UriContent(new Uri("https://img.test/dog.webp"), "image/webp"),
            ]),
            new(ChatRole.Assistant, "Two animals."),
        ];

        var body = await Calls.MeaiBodyAsync(null, streaming: false, messages);

        JsonAssert.Equal($$$"""
            {
              "model": "{{{TestFlock.Model}}}",
              "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": "Hello", "name": "bob"},
                {"role": "user", "content": [
                  {"type": "text", "text": "Look:"},
                  {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,{{{Convert.ToBase64String(Jpeg)}}}"}},
                  {"type": "image_url", "image_url": {"url": "https://img.test/dog.webp"}}
                ]},
                {"role": "assistant", "content": "Two animals."}
              ]
            }
            """, body);
    }

    [Fact]
    public async Task Function_calls_and_results()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.User, "Weather and time in Paris?"),
            new(ChatRole.Assistant,
            [
                new FunctionCallContent("call_a", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2 }),
                new FunctionCallContent("call_b", "get_time"),
            ]),
            new(ChatRole.Tool,
            [
                new FunctionResultContent("call_a", "sunny"),
                new FunctionResultContent("call_b", new Dictionary<string, object?> { ["hour"] = 14 }),
            ]),
        ];

        var body = await Calls.MeaiBodyAsync(null, streaming: false, messages);

        JsonAssert.Equal($$$"""
            {
              "model": "{{{TestFlock.Model}}}",
              "messages": [
                {"role": "user", "content": "Weather and time in Paris?"},
                {"role": "assistant", "tool_calls": [
                  {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\",\"days\":2}"}},
                  {"id": "call_b", "type": "function", "function": {"name": "get_time", "arguments": "{}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_a", "content": "sunny"},
                {"role": "tool", "tool_call_id": "call_b", "content": "{\"hour\":14}"}
              ]
            }
            """, body);
    }

    [Fact]
    public async Task Scalar_tool_values_are_written_as_System_Text_Json_writes_them_without_reflection()
    {
        // Written by the library itself, not through reflection-based serialization, so Native AOT sends the same JSON.
        var result = new Dictionary<string, object?>
        {
            ["id"] = new Guid("0f8fad5b-d9cb-469f-a165-70867728950e"),
            ["at"] = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.FromHours(1)),
            ["utc"] = new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc),
            ["link"] = new Uri("https://example.test/a?b=c"),
            ["grade"] = 'A',
        };
        ChatMessage[] messages = [new(ChatRole.Tool, [new FunctionResultContent("call_a", result)])];

        var body = await Calls.MeaiBodyAsync(null, streaming: false, messages);

        var expected = """{"id":"0f8fad5b-d9cb-469f-a165-70867728950e","at":"2025-01-02T03:04:05+01:00","utc":"2025-01-02T03:04:05Z","link":"https://example.test/a?b=c","grade":"A"}""";
        Assert.Equal(expected, System.Text.Json.Nodes.JsonNode.Parse(body)!["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reasoning_of_an_exchange_without_tool_calls_is_not_sent_by_default()
    {
        var body = await Calls.MeaiBodyAsync(new ChatOptions(), streaming: false, MessagesWithReasoning());

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
        var options = new ChatOptions { AdditionalProperties = new() { ["include_reasoning_in_history"] = true } };

        var body = await Calls.MeaiBodyAsync(options, streaming: false, MessagesWithReasoning());

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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task By_default_every_assistant_message_of_an_exchange_that_used_tools_goes_back_with_its_reasoning(bool withoutOptions)
    {
        // DeepSeek's thinking mode: each assistant message of an exchange that made tool calls, current or earlier, must come
        // back with its reasoning_content; an exchange without tool calls need not. A call without options takes its own path
        // (no parameter table), and must send the same.
        var body = await Calls.MeaiBodyAsync(withoutOptions ? null : new ChatOptions(), streaming: false, ToolExchanges());

        JsonAssert.Equal($$$"""
            {
              "model": "{{{TestFlock.Model}}}",
              "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {"role": "assistant", "reasoning_content": "I need the tool.", "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
                {"role": "assistant", "content": "Sunny.", "reasoning_content": "The tool said sunny."},
                {"role": "user", "content": "Thanks. 2+2?"},
                {"role": "assistant", "content": "4"},
                {"role": "user", "content": "And the weather in Rome?"},
                {"role": "assistant", "reasoning_content": "Again the tool.", "tool_calls": [{"id": "c2", "type": "function", "function": {"name": "weather", "arguments": "{}"}}]},
                {"role": "tool", "tool_call_id": "c2", "content": "rain"}
              ]
            }
            """, body);
    }

    [Fact]
    public async Task Include_reasoning_in_history_false_sends_none_and_true_sends_all()
    {
        var none = await Calls.MeaiBodyAsync(new ChatOptions { AdditionalProperties = new() { ["include_reasoning_in_history"] = false } }, streaming: false, ToolExchanges());
        var all = await Calls.MeaiBodyAsync(new ChatOptions { AdditionalProperties = new() { ["include_reasoning_in_history"] = true } }, streaming: true, ToolExchanges());

        Assert.DoesNotContain("reasoning_content", none);
        var messages = System.Text.Json.Nodes.JsonNode.Parse(all)!["messages"]!.AsArray();
        Assert.Equal(4, messages.Count(m => m!["reasoning_content"] is not null));
        Assert.Equal("Simple.", (string?)messages[5]!["reasoning_content"]);
    }

    private static ChatMessage[] ToolExchanges() =>
    [
        new(ChatRole.User, "Weather in Paris?"),
        new(ChatRole.Assistant, [new TextReasoningContent("I need the tool."), new FunctionCallContent("c1", "weather", new Dictionary<string, object?>())]),
        new(ChatRole.Tool, [new FunctionResultContent("c1", "sunny")]),
        new(ChatRole.Assistant, [new TextReasoningContent("The tool said sunny."), new TextContent("Sunny.")]),
        new(ChatRole.User, "Thanks. 2+2?"),
        new(ChatRole.Assistant, [new TextReasoningContent("Simple."), new TextContent("4")]),
        new(ChatRole.User, "And the weather in Rome?"),
        new(ChatRole.Assistant, [new TextReasoningContent("Again the tool."), new FunctionCallContent("c2", "weather", new Dictionary<string, object?>())]),
        new(ChatRole.Tool, [new FunctionResultContent("c2", "rain")]),
    ];

    private static ChatMessage[] MessagesWithReasoning() =>
    [
        new(ChatRole.User, "2+2?"),
        new(ChatRole.Assistant, [new TextReasoningContent("Simple sum."), new TextContent("4")]),
        new(ChatRole.User, "And 3+3?"),
    ];
}
