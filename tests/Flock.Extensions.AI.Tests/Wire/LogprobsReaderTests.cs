using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Wire;

/// <summary>Log probabilities read leniently, the same way from a completion's choice and from a streamed chunk.</summary>
public sealed class LogprobsReaderTests
{
    private const string Full = """
        {"content":[
          {"token":"Hel","logprob":-0.25,"bytes":[72,101,108],"top_logprobs":[{"token":"Hel","logprob":-0.25,"bytes":[72,101,108]},{"token":"Hi","logprob":-1.5,"bytes":null}]},
          {"token":"lo","logprob":-9999.0,"bytes":[108,111],"top_logprobs":[]}
        ],"refusal":null}
        """;

    /// <summary>The logprobs value read both ways: as a completion choice's and as a chunk choice's.</summary>
    private static (FlockLogprobs? Completion, FlockLogprobs? Chunk) Read(string logprobs)
    {
        var completion = JsonSerializer.Deserialize(
            $$"""{"choices":[{"index":0,"message":{"content":"x"},"logprobs":{{logprobs}},"finish_reason":"stop"}]}""", FlockJsonContext.Default.ChatCompletion)!;
        var chunk = StreamChunkParser.Parse(
            Encoding.UTF8.GetBytes($$"""{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":{{logprobs}}}]}"""), new StreamChunk());
        return (completion.Choices![0].Logprobs, chunk.Choices[0].Logprobs);
    }

    [Fact]
    public void Tokens_alternatives_and_bytes_are_read_in_order()
    {
        var (completion, chunk) = Read(Full);

        foreach (var logprobs in new[] { completion!, chunk! })
        {
            Assert.Equal([("Hel", -0.25), ("lo", -9999.0)], logprobs.Tokens.Select(t => (t.Token, t.Logprob)));
            Assert.Equal("Hel"u8.ToArray(), logprobs.Tokens[0].Bytes);
            Assert.Equal([("Hel", -0.25), ("Hi", -1.5)], logprobs.Tokens[0].TopLogprobs.Select(t => (t.Token, t.Logprob)));
            Assert.Null(logprobs.Tokens[0].TopLogprobs[1].Bytes);
            Assert.Empty(logprobs.Tokens[1].TopLogprobs);
        }
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"on\"")]
    [InlineData("[1,2]")]
    [InlineData("{}")]
    [InlineData("""{"content":null}""")]
    [InlineData("""{"tokens":["a"],"token_logprobs":[-1]}""")]
    public void A_shape_that_is_not_chat_logprobs_is_absent_and_never_fails_the_answer(string logprobs)
    {
        Assert.Equal((null, null), Read(logprobs));
    }

    [Fact]
    public void Entries_without_a_token_or_a_numeric_logprob_are_left_out_and_odd_bytes_dropped()
    {
        var (completion, chunk) = Read("""
            {"content":[
              {"logprob":-1},
              {"token":"a","logprob":null},
              {"token":"b","logprob":"-1"},
              7,
              {"token":"c","logprob":-0.5,"bytes":[99,300],"top_logprobs":{"c":-0.5},"extra":{"deep":[1,{"x":2}]}},
              {"token":"d","logprob":-2,"top_logprobs":[{"token":"e"},{"token":"d","logprob":-2,"bytes":"ZA=="}]}
            ]}
            """);

        foreach (var logprobs in new[] { completion!, chunk! })
        {
            Assert.Equal(["c", "d"], logprobs.Tokens.Select(t => t.Token));
            Assert.Null(logprobs.Tokens[0].Bytes);
            Assert.Empty(logprobs.Tokens[0].TopLogprobs);
            var alternative = Assert.Single(logprobs.Tokens[1].TopLogprobs);
            Assert.Equal(("d", -2.0, (IReadOnlyList<byte>?)null), (alternative.Token, alternative.Logprob, alternative.Bytes));
        }
    }

    [Fact]
    public void A_chunk_with_logprobs_null_has_none_and_a_logprobs_only_choice_is_not_empty()
    {
        var chunk = StreamChunkParser.Parse("""{"choices":[{"index":0,"delta":{"content":"x"},"logprobs":null,"finish_reason":null}]}"""u8, new StreamChunk());
        Assert.Null(chunk.Choices[0].Logprobs);

        chunk = StreamChunkParser.Parse("""{"choices":[{"index":0,"delta":{},"logprobs":{"content":[]}}]}"""u8, chunk);
        Assert.False(chunk.Choices[0].IsEmpty);
        Assert.Empty(chunk.Choices[0].Logprobs!.Tokens);

        // The next chunk is read afresh: nothing carries over.
        chunk = StreamChunkParser.Parse("""{"choices":[{"index":0,"delta":{"content":"y"}}]}"""u8, chunk);
        Assert.Null(chunk.Choices[0].Logprobs);
    }

    [Fact]
    public async Task Streamed_updates_carry_their_own_pieces_logprobs()
    {
        var sse = CannedAnswers.Chunk("""{"role":"assistant","content":"Hel"}""", logprobs: """{"content":[{"token":"Hel","logprob":-0.25,"top_logprobs":[]}]}""")
            + CannedAnswers.Chunk("""{"content":"lo"}""", logprobs: """{"content":[{"token":"lo","logprob":-0.5,"top_logprobs":[]}]}""")
            + CannedAnswers.Chunk("{}", "stop", logprobs: "null")
            + CannedAnswers.End();
        var handler = new RecordingHandler().EnqueueSse(sse);

        var updates = await TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi").ToListAsync();

        var pieces = updates.Select(u => u.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.Logprobs) as FlockLogprobs).ToList();
        Assert.Equal(["Hel", "lo"], pieces.Where(p => p is not null).SelectMany(p => p!.Tokens).Select(t => t.Token));
        Assert.Equal(["Hel"], pieces[0]!.Tokens.Select(t => t.Token));
        Assert.Equal("Hello", string.Concat(updates.Select(u => u.Text)));
    }
}
