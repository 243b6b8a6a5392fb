using System.Text;
using System.Text.Json;
using Flock.Extensions.AI;
using Flock.Extensions.AI.Wire;

namespace Flock.Extensions.AI.Tests.Wire;

/// <summary>Internal wire pieces tested directly (the library grants InternalsVisibleTo).</summary>
public sealed class WireInternalsTests
{
    [Fact]
    public void Tool_call_accumulator_assembles_by_index_and_drains_in_order()
    {
        var accumulator = new ToolCallAccumulator();

        accumulator.Add([new ToolCall { Index = 1, Id = "b", Function = new FunctionCall { Name = "second", Arguments = "{\"x\":" } }]);
        accumulator.Add([new ToolCall { Index = 0, Id = "a", Function = new FunctionCall { Name = "first" } }]);
        accumulator.Add([new ToolCall { Function = new FunctionCall { Arguments = "" } }, new ToolCall { Index = 1, Id = "b", Function = new FunctionCall { Arguments = "1}" } }]);
        accumulator.Add([]);

        Assert.True(accumulator.HasCalls);
        Assert.Equal([("a", "first", "{}"), ("b", "second", "{\"x\":1}")], accumulator.Drain());
        Assert.False(accumulator.HasCalls);
    }

    [Fact]
    public void The_stream_fold_keeps_the_first_ids_the_last_usage_and_each_choices_first_finish_reason()
    {
        var fold = new StreamFold();
        var chunk = new StreamChunk();

        foreach (var data in new[]
        {
            """{"id":"a","model":"m1","created":5,"choices":[{"index":0,"delta":{"content":"x"}},{"index":1,"delta":{"content":"y"}}],"usage":{"prompt_tokens":1,"completion_tokens":1}}""",
            """{"id":"b","model":"m2","created":6,"system_fingerprint":"fp","choices":[{"index":1,"delta":{},"finish_reason":"length"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}""",
            """{"id":"a","choices":[{"index":0,"delta":{},"finish_reason":"stop"},{"index":1,"delta":{},"finish_reason":"stop"}]}""",
            """{"id":"a","choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":4,"completion_tokens":3}}""",
            """{"id":"a","choices":[{"index":2147483647,"delta":{},"finish_reason":"stop"}]}""",
        })
        {
            fold.Add(StreamChunkParser.Parse(System.Text.Encoding.UTF8.GetBytes(data), chunk));
        }

        Assert.Equal(("a", "m1", 5L, "fp"), (fold.Id, fold.Model, fold.Created, fold.SystemFingerprint));
        Assert.Equal((4, 3), (fold.Usage!.PromptTokens, fold.Usage.CompletionTokens));
        Assert.Equal(("stop", "length", null, "stop"), (fold.FinishReasonOf(0), fold.FinishReasonOf(1), fold.FinishReasonOf(2), fold.FinishReasonOf(int.MaxValue)));
    }

    [Fact]
    public void A_chunk_reads_the_same_whether_its_property_names_are_escaped_or_not()
    {
        const string Plain = """
            {"id":"c1","object":"chat.completion.chunk","created":7,"model":"m","system_fingerprint":"fp","choices":[{"index":1,"delta":{"role":"assistant","content":"hi","reasoning_content":"r","tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":3}}
            """;

        // Every name spelled with \u escapes (JSON allows it; the reader unescapes before comparing).
        var escaped = System.Text.RegularExpressions.Regex.Replace(Plain, "\"([a-z_]+)\":", m => "\"" + string.Concat(m.Groups[1].Value.Select(c => $"\\u{(int)c:x4}")) + "\":");
        Assert.Contains("\\u0063\\u006f", escaped);

        Assert.Equal(Read(Plain), Read(escaped));
        Assert.Equal(("c1", "m", 7L, "fp", 1, "assistant", "hi", "r", "stop", 2, 3, "t", "function", "f", "{}"), Read(Plain));

        // Names that only look like the ones read (another length, another letter, another case) are skipped.
        var lookalikes = Read("""{"ids":"x","Model":"y","creates":1,"choices":[{"index":0,"delta":{"contents":"no","rolE":"x","content":"yes"}}]}""");
        Assert.Equal((null, null, null, null, 0, null, "yes", null, null, null, null, null, null, null, null), lookalikes);

        static (string?, string?, long?, string?, int, string?, string?, string?, string?, int?, int?, string?, string?, string?, string?) Read(string json)
        {
            var chunk = StreamChunkParser.Parse(System.Text.Encoding.UTF8.GetBytes(json), new StreamChunk());
            var choice = chunk.Choices[0];
            var call = choice.ToolCallCount > 0 ? chunk.ToolCallsOf(choice)[0] : null;
            return (chunk.Id, chunk.Model, chunk.Created, chunk.SystemFingerprint, choice.Index, choice.Role, choice.Content, choice.Reasoning,
                choice.FinishReason, chunk.Usage?.PromptTokens, chunk.Usage?.CompletionTokens, call?.Id, call?.Type, call?.Function?.Name, call?.Function?.Arguments);
        }
    }

    [Theory]
    [InlineData("", "")]
    [InlineData(" \t\r\n", "")]
    [InlineData("{}", "{}")]
    [InlineData("\r\n {\"a\": 1}\t \n", "{\"a\": 1}")]
    [InlineData(" [DONE] ", "[DONE]")]
    [InlineData("\f{}\v", "\f{}\v")]
    public void Json_whitespace_is_trimmed_around_an_event_and_nothing_else(string data, string trimmed)
    {
        var bytes = Encoding.UTF8.GetBytes(data);
        Assert.Equal(trimmed, Encoding.UTF8.GetString(WireReading.TrimWhitespace(bytes)));
        Assert.Equal(trimmed.Length == 0 ? -1 : data.IndexOf(trimmed, StringComparison.Ordinal), WireReading.IndexOfNonWhitespace(bytes));
    }

    [Fact]
    public void Stream_options_without_stream_are_refused()
    {
        var request = new ChatRequest
        {
            Model = "m",
            Messages = [new RequestMessage { Content = MessageContent.FromText("Hi") }],
            StreamOptions = new StreamOptions { IncludeUsage = true },
        };

        var ex = Assert.ThrowsAny<ArgumentException>(() => RequestValidator.Validate(request));

        Assert.Equal("stream_options", ex.ParamName);
    }

    [Theory]
    [InlineData("""{"error":{"message":"m","type":"None","param":"","code":"429"}}""", null, null, "429")]
    [InlineData("""{"error":{"message":"m","type":"rate_limit","param":null,"code":429}}""", "rate_limit", null, "429")]
    [InlineData("""{"error":{"message":"m","type":true,"param":{"nested":1},"code":4.5}}""", "true", null, "4.5")]
    public void Error_fields_are_read_leniently(string json, string? type, string? param, string? code)
    {
        var error = JsonSerializer.Deserialize(json, FlockJsonContext.Default.ErrorBody)!.Error!;

        Assert.Equal((type, param, code), (error.Type, error.Param, error.Code));
    }

    [Fact]
    public void Message_content_reads_text_and_parts_and_rejects_other_shapes()
    {
        var text = JsonSerializer.Deserialize("""{"role":"user","content":"hi"}""", RequestMessageInfo());
        Assert.Equal("hi", text!.Content!.Value.Text);

        var parts = JsonSerializer.Deserialize("""{"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"https://x.test/i.png"}}]}""", RequestMessageInfo());
        Assert.Equal(["text", "image_url"], parts!.Content!.Value.Parts!.Select(p => p.Type));
        Assert.Equal("https://x.test/i.png", parts.Content.Value.Parts![1].ImageUrl!.Url);

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize("""{"role":"user","content":42}""", RequestMessageInfo()));
    }


    private static System.Text.Json.Serialization.Metadata.JsonTypeInfo<RequestMessage> RequestMessageInfo() =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<RequestMessage>)FlockJsonContext.Default.GetTypeInfo(typeof(RequestMessage))!;
}
