using System.Text;
using System.Text.Json;
using CsCheck;
using Flock.Extensions.AI.Wire;

namespace Flock.Extensions.AI.Tests.Wire;

/// <summary>
/// A chunk read on from the envelope an earlier chunk repeated (<see cref="ChunkEnvelope"/>) must read exactly as the same
/// chunk parsed in full: the reference parses every event in full (its envelope dropped first) and the two must agree on
/// every value after every event, and on every failure.
/// </summary>
public sealed class ChunkEnvelopeTests
{
    private const string Envelope = """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"qwen3","system_fingerprint":null,"choices":[{"finish_reason":null,"index":0,"delta":""";

    [Fact]
    public void A_stream_that_repeats_its_envelope_is_read_on_from_each_delta()
    {
        var chunk = new StreamChunk();

        Parse(chunk, Envelope + """{"role":"assistant","content":""}}]}""");
        Parse(chunk, Envelope + """{"content":"Hel"}}]}""");
        var last = Parse(chunk, Envelope + """{"content":"lo"},"logprobs":null}],"usage":{"prompt_tokens":3,"completion_tokens":2}}""");

        Assert.Equal(2, chunk.Envelope.Resumed);
        Assert.Equal(("chatcmpl-1", "qwen3", 7L, null), (last.Id, last.Model, last.Created, last.SystemFingerprint));
        Assert.Equal((0, "lo", 3), (last.Choices[0].Index, last.Choices[0].Content, last.Usage!.PromptTokens));
    }

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":1},"choices":[{"index":0,"delta":{"content":"x"}}]}""")]
    [InlineData("""{"id":"a","choices":[{"index":0,"finish_reason":"stop","delta":{"content":"x"}}]}""")]
    [InlineData("""{"id":"a","choices":[{"index":0,"logprobs":{"content":[]},"delta":{"content":"x"}}]}""")]
    [InlineData("""{"id":"a","choices":[{"index":0,"message":{"content":"m"},"delta":{"content":"x"}}]}""")]
    [InlineData("""{"id":"a","choices":[{"index":1,"delta":{"content":"x"}}],"id":"b"}""")]
    [InlineData("""{"id":"a","choices":[{"index":0,"delta":{"content":"x"}}],"system_fingerprint":"fp"}""")]
    public void A_chunk_with_anything_but_the_envelope_before_its_delta_or_a_carried_value_after_it_is_parsed_in_full_each_time(string json)
    {
        var chunk = new StreamChunk();

        Parse(chunk, json);
        Parse(chunk, json);

        Assert.Equal(0, chunk.Envelope.Resumed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Invalid_utf8_inside_a_string_is_malformed_json_whether_parsed_in_full_or_read_on(bool afterAnEnvelope)
    {
        var chunk = new StreamChunk();
        if (afterAnEnvelope)
        {
            Parse(chunk, Envelope + """{"content":"ok"}}]}""");
        }

        var bytes = Encoding.UTF8.GetBytes(Envelope + """{"content":"a?b"}}]}""");
        bytes[Array.LastIndexOf(bytes, (byte)'?')] = 0xFF;

        Assert.Throws<JsonException>(() => StreamChunkParser.Parse(bytes, chunk));
        Assert.Equal(afterAnEnvelope ? 1 : 0, chunk.Envelope.Resumed);
    }

    [Fact]
    public void A_chunk_with_another_envelope_in_between_is_not_read_on_from_the_old_one()
    {
        var chunk = new StreamChunk();
        const string A = """{"id":"a","choices":[{"index":0,"delta":{"content":"x"}}]}""";

        Parse(chunk, A);
        Parse(chunk, """{"id":"b","choices":[{"index":0,"finish_reason":"stop","delta":{}}]}""");
        var third = Parse(chunk, A);

        Assert.Equal(0, chunk.Envelope.Resumed);
        Assert.Equal("a", third.Id);
    }

    [Fact]
    public void Every_stream_reads_the_same_read_on_from_its_envelope_as_parsed_in_full()
    {
        var resumed = 0;
        var events = 0;
        Gen.Int.Sample(seed =>
        {
            var stream = RandomStream(new Random(seed));
            var live = new StreamChunk();
            var reference = new StreamChunk();
            foreach (var data in stream)
            {
                events++;
                reference.Envelope.Drop();
                var expected = Outcome(reference, data);
                var actual = Outcome(live, data);
                Assert.True(expected == actual, $"seed {seed}, event {data}:\n expected {expected}\n actual   {actual}");
                if (expected.StartsWith("fail", StringComparison.Ordinal))
                {
                    break;
                }
            }

            Assert.Equal(0, reference.Envelope.Resumed);
            resumed += live.Envelope.Resumed;
        }, seed: "0N0XIzNsQ0O2", iter: 3000);

        // The generator's streams repeat their envelopes often enough to exercise the resumed path most of the time.
        Assert.True(resumed > events / 5, $"{resumed} of {events} events were read on from an envelope");
    }

    private static StreamChunk Parse(StreamChunk chunk, string json) => StreamChunkParser.Parse(Encoding.UTF8.GetBytes(json), chunk);

    /// <summary>Everything a parse left in the chunk, or the failure it gave.</summary>
    private static string Outcome(StreamChunk chunk, string data)
    {
        try
        {
            Parse(chunk, data);
        }
        catch (JsonException ex)
        {
            return "fail " + ex.Message;
        }

        var text = new StringBuilder()
            .Append($"{chunk.Kind} id={chunk.Id} model={chunk.Model} created={chunk.Created} fp={chunk.SystemFingerprint} ")
            .Append($"usage={chunk.Usage?.PromptTokens}/{chunk.Usage?.CompletionTokens} error={chunk.Error?.Message}");
        foreach (var choice in chunk.Choices)
        {
            text.Append($" | [{choice.Index}] role={choice.Role} content={choice.Content} reasoning={choice.Reasoning} ")
                .Append($"finish={choice.FinishReason} logprobs={choice.Logprobs?.Tokens.Count}");
            foreach (var call in chunk.ToolCallsOf(choice))
            {
                text.Append($" call({call.Index},{call.Id},{call.Type},{call.Function?.Name},{call.Function?.Arguments})");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// A stream of up to 24 events over two or three envelopes (so most events repeat one), each with its own delta and tail:
    /// fields in any order, per-chunk values before and after the delta, carried values after the choices, several
    /// choices, usage and error chunks, [DONE], blank events and now and then a malformed delta.
    /// </summary>
    private static List<string> RandomStream(Random random)
    {
        string Pick(params string[] options) => options[random.Next(options.Length)];
        bool Often() => random.Next(3) > 0;
        bool Sometimes() => random.Next(4) == 0;

        var envelopes = Enumerable.Range(0, random.Next(1, 4)).Select(_ =>
        {
            var fields = new List<string>();
            if (Often()) fields.Add(Pick("\"id\":\"a\"", "\"id\":\"b\"", "\"id\":null"));
            if (Often()) fields.Add("\"object\":\"chat.completion.chunk\"");
            if (Often()) fields.Add(Pick("\"created\":1", "\"created\":2", "\"created\":\"soon\""));
            if (Often()) fields.Add(Pick("\"model\":\"m\"", "\"model\":\"n\""));
            if (Sometimes()) fields.Add(Pick("\"system_fingerprint\":\"fp\"", "\"system_fingerprint\":null"));
            if (Sometimes()) fields.Add(Pick("\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}", "\"extra\":[1,{\"id\":\"z\"}]", "\"choices\":null"));
            fields = [.. fields.OrderBy(_ => random.Next())];

            var before = new List<string>();
            if (Often()) before.Add(Pick("\"index\":0", "\"index\":1"));
            if (Sometimes()) before.Add(Pick("\"finish_reason\":null", "\"finish_reason\":\"\"", "\"finish_reason\":\"stop\""));
            if (Sometimes()) before.Add(Pick("\"logprobs\":null", "\"logprobs\":{\"content\":[{\"token\":\"t\",\"logprob\":-1}]}", "\"message\":{\"content\":\"m\"}"));
            before = [.. before.OrderBy(_ => random.Next())];

            return "{" + string.Concat(fields.Select(f => f + ",")) + "\"choices\":[{" + string.Concat(before.Select(f => f + ",")) + "\"delta\":";
        }).ToArray();

        string Delta()
        {
            var fields = new List<string>();
            if (Sometimes()) fields.Add(Pick("\"role\":\"assistant\"", "\"role\":\"\"", "\"role\":\"tool\""));
            if (Often()) fields.Add(Pick("\"content\":\"w1\"", "\"content\":\" w2\"", "\"content\":\"\"", "\"content\":null", "\"content\":\"\\u00e9\\n\""));
            if (Sometimes()) fields.Add(Pick("\"reasoning_content\":\"r\"", "\"reasoning\":\"r2\""));
            if (Sometimes()) fields.Add(Pick("\"tool_calls\":[{\"index\":0,\"id\":\"t\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\"}}]", "\"tool_calls\":[]", "\"tool_calls\":[{\"function\":{\"arguments\":\"1}\"}}]"));
            if (random.Next(40) == 0) fields.Add(Pick("\"content\":5", "\"content\":\"x\"]"));
            return random.Next(20) == 0 ? "null" : "{" + string.Join(",", fields.OrderBy(_ => random.Next())) + "}";
        }

        string Tail()
        {
            var after = new List<string>();
            if (Sometimes()) after.Add(Pick("\"finish_reason\":\"stop\"", "\"finish_reason\":null", "\"logprobs\":null", "\"delta\":{\"content\":\"again\"}", "\"index\":2"));
            var choices = string.Concat(after.Select(f => "," + f)) + "}";
            if (Sometimes()) choices += ",{\"index\":1,\"delta\":" + Delta() + "}";

            var top = new List<string>();
            if (Sometimes()) top.Add(Pick("\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":3}", "\"id\":\"c\"", "\"model\":\"z\"", "\"created\":3", "\"system_fingerprint\":\"fp2\"", "\"x\":{\"id\":1}", "\"error\":{\"message\":\"boom\"}"));
            return choices + "]" + string.Concat(top.Select(f => "," + f)) + "}";
        }

        var stream = new List<string>();
        for (var i = random.Next(1, 25); i > 0; i--)
        {
            stream.Add(random.Next(25) switch
            {
                0 => "[DONE]",
                1 => Pick("", " \r\n"),
                2 => "{\"error\":{\"message\":\"late\"}}",
                _ => Pick(envelopes) + Delta() + Tail() + Pick("", "", " "),
            });
        }

        return stream;
    }
}
