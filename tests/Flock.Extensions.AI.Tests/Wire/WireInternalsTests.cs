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
