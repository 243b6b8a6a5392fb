using Flock.Tests.Support;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>Streamed completions as MEAI <see cref="ChatResponseUpdate"/>s.</summary>
public sealed class StreamingParsingTests
{
    [Theory]
    [MemberData(nameof(SseVariants.Names), MemberType = typeof(SseVariants))]
    public async Task Text_stream(string framing)
    {
        var updates = await StreamAsync(SseVariants.Apply(framing, TestFiles.Read("stream-text.sse")));

        Assert.Equal("Hello, world!", string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.All(updates, u => Assert.Equal("chatcmpl-s1", u.ResponseId));
        Assert.All(updates, u => Assert.Equal("qwen3-30b-a3b-instruct-2507", u.ModelId));
        Assert.All(updates, u => Assert.Null(u.AdditionalProperties?.GetValueOrDefault("choice_index")));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735689700), updates[0].CreatedAt);

        var finishing = Assert.Single(updates, u => u.FinishReason is not null);
        Assert.Equal(ChatFinishReason.Stop, finishing.FinishReason);
        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Same(usage, Assert.Single(updates[^1].Contents.OfType<UsageContent>()).Details);
        Assert.Equal((11L, 3L, 14L), (usage.InputTokenCount!.Value, usage.OutputTokenCount!.Value, usage.TotalTokenCount!.Value));
        Assert.DoesNotContain(updates, u => u.Contents.Count == 0 && u != finishing);

        var response = updates.ToChatResponse();
        Assert.Equal("Hello, world!", response.Text);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal(14, response.Usage!.TotalTokenCount);
        Assert.Equal("chatcmpl-s1", response.ResponseId);
        Assert.Single(response.Messages);
    }

    [Fact]
    public async Task Two_choices_interleaved()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-n2.sse"));

        static int Choice(ChatResponseUpdate u) => u.AdditionalProperties?.GetValueOrDefault("choice_index") is int i ? i : 0;
        var texts = updates.GroupBy(Choice).ToDictionary(g => g.Key, g => string.Concat(g.Select(u => u.Text)));
        Assert.Equal(new Dictionary<int, string> { [0] = "Red.", [1] = "Blue, probably" }, texts);
        var finishes = updates.Where(u => u.FinishReason is not null).ToDictionary(Choice, u => u.FinishReason!.Value);
        Assert.Equal(new Dictionary<int, ChatFinishReason> { [0] = ChatFinishReason.Stop, [1] = ChatFinishReason.Length }, finishes);
    }

    [Fact]
    public async Task Cumulative_usage_on_every_chunk_last_wins_not_the_sum()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-cumulative-usage.sse"));

        var response = updates.ToChatResponse();

        Assert.Equal("One two three", response.Text);
        Assert.Equal(8, response.Usage!.InputTokenCount);
        Assert.Equal(3, response.Usage.OutputTokenCount);
        Assert.Equal(11, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Tool_call_fragments_assemble_into_function_calls()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-tool-calls.sse"));

        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Collection(calls,
            weather =>
            {
                Assert.Equal("chatcmpl-tool-aa11", weather.CallId);
                Assert.Equal("get_weather", weather.Name);
                Assert.Equal("Paris", weather.Arguments!["city"]?.ToString());
                Assert.Null(weather.Exception);
            },
            time =>
            {
                Assert.Equal("chatcmpl-tool-bb22", time.CallId);
                Assert.Equal("get_time", time.Name);
                Assert.Equal("Europe/Paris", time.Arguments!["tz"]?.ToString());
            });

        var response = updates.ToChatResponse();
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal(2, response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Count());
        Assert.Equal(120, response.Usage!.TotalTokenCount);
    }

    [Fact]
    public async Task Tool_call_fragments_in_quirky_shapes()
    {
        // Two fragments of one call in a chunk, a missing index, the id repeated, the name repeated with id null, an empty list.
        const string Sse = """
            data: {"id":"q","model":"m","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[]}}]}

            data: {"id":"q","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call-1","type":"function","function":{"name":"lookup","arguments":"{\"q\":"}},{"index":0,"id":"call-1","function":{"arguments":"\"a"}}]}}]}

            data: {"id":"q","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"function":{"arguments":"b\"}"}}]}}]}

            data: {"id":"q","model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":null,"function":{"name":"lookup"}}]}}]}

            data: {"id":"q","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

            data: [DONE]


            """;

        var updates = await StreamAsync(Sse);

        var call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("call-1", call.CallId);
        Assert.Equal("lookup", call.Name);
        Assert.Equal("ab", call.Arguments!["q"]?.ToString());
    }

    [Fact]
    public async Task The_fingerprint_is_on_each_choices_finishing_update_and_reaches_the_message()
    {
        const string Sse = """
            data: {"id":"f","model":"m","system_fingerprint":"fp_9","choices":[{"index":0,"delta":{"role":"assistant","content":"A"}},{"index":1,"delta":{"role":"assistant","content":"B"}}]}

            data: {"id":"f","model":"m","choices":[{"index":1,"delta":{},"finish_reason":"length"}]}

            data: {"id":"f","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}

            data: [DONE]


            """;

        var updates = await StreamAsync(Sse);

        var finishing = updates.Where(u => u.FinishReason is not null).ToList();
        Assert.Equal(2, finishing.Count);
        Assert.All(finishing, u => Assert.Equal("fp_9", u.AdditionalProperties![FlockPropertyNames.SystemFingerprint]));
        Assert.Equal(1, finishing[0].AdditionalProperties![FlockPropertyNames.ChoiceIndex]);
        Assert.All(updates.Where(u => u.FinishReason is null), u => Assert.Null(u.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.SystemFingerprint)));
        // MEAI scopes an update's properties to its message.
        Assert.Equal("fp_9", updates.ToChatResponse().Messages[0].AdditionalProperties![FlockPropertyNames.SystemFingerprint]);
    }

    [Fact]
    public async Task A_streamed_calls_raw_representation_is_its_whole_arguments_text()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-tool-calls.sse"));

        var calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["{\"city\": \"Paris\"}", "{\"tz\": \"Europe/Paris\"}"], calls.Select(c => c.RawRepresentation));
    }

    [Fact]
    public async Task Reasoning_deltas_are_text_reasoning_content()
    {
        var updates = await StreamAsync(TestFiles.Read("stream-reasoning.sse"));

        Assert.Equal("4", string.Concat(updates.Select(u => u.Text)));
        var reasoning = string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text));
        Assert.Equal("Two plus two is four. Done.", reasoning);
        Assert.Equal("4", updates.ToChatResponse().Text);
    }

    private static Task<List<ChatResponseUpdate>> StreamAsync(string sse) => StreamAsync(System.Text.Encoding.UTF8.GetBytes(sse));

    private static async Task<List<ChatResponseUpdate>> StreamAsync(byte[] sse)
    {
        var handler = new RecordingHandler().EnqueueSse(sse);
        var (items, error) = await Drain.AllAsync(TestFlock.ChatClient(handler).GetStreamingResponseAsync(Calls.Messages()));
        Assert.Null(error);
        Assert.NotEmpty(items);
        return items;
    }
}
