using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

public sealed class StreamingTests : EmulatorTestBase
{
    [Fact]
    public async Task StreamHasDataLinesRoleFirstFinishChunkAndDone()
    {
        var raw = await StreamAsync(Body("\"stream\":true"));
        var lines = Lines(raw).Where(l => l.Length > 0).ToList();

        Assert.All(lines, l => Assert.StartsWith("data: ", l));
        Assert.Contains("\n\n", raw);
        Assert.Equal("data: [DONE]", lines[^1]);

        var chunks = Chunks(raw);
        Assert.True(chunks.Count > 3);
        Assert.All(chunks, c => Assert.Equal("chat.completion.chunk", (string?)c["object"]));
        Assert.Single(chunks.Select(c => (string?)c["id"]).Distinct());

        var deltas = chunks.Select(c => c["choices"]![0]!).ToList();
        Assert.Equal("assistant", (string?)deltas[0]["delta"]!["role"]);
        Assert.All(deltas.Skip(1), d => Assert.Null(d["delta"]!["role"]));

        // No finish_reason key at all until the finishing chunk, which has an empty delta.
        Assert.All(deltas.SkipLast(1), d => Assert.False(d.AsObject().ContainsKey("finish_reason")));
        Assert.Equal("stop", (string?)deltas[^1]["finish_reason"]);
        Assert.Empty(deltas[^1]["delta"]!.AsObject());

        // Without include_usage there is no usage anywhere.
        Assert.All(chunks, c => Assert.False(c.AsObject().ContainsKey("usage")));

        var nonStreamed = (string)(await ChatAsync(Body()))["choices"]![0]!["message"]!["content"]!;
        Assert.Equal(nonStreamed, StreamedText(chunks));
    }

    [Fact]
    public async Task ChunksAreCompactJson()
    {
        var raw = await StreamAsync(Body("\"stream\":true"));
        Assert.All(DataLines(raw).Where(d => d != "[DONE]"), d => Assert.Equal(JsonNode.Parse(d)!.ToJsonString(new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }), d));
    }

    [Fact]
    public async Task UsageChunkOnlyWithIncludeUsage()
    {
        var raw = await StreamAsync(Body("\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        var chunks = Chunks(raw);
        var withUsage = chunks.Where(c => c["usage"] is not null).ToList();

        var usageChunk = Assert.Single(withUsage);
        Assert.Same(chunks[^1], usageChunk);
        var choice = Assert.Single(usageChunk["choices"]!.AsArray())!;
        Assert.Equal(0, (int)choice["index"]!);
        Assert.Empty(choice["delta"]!.AsObject());
        Assert.False(choice.AsObject().ContainsKey("finish_reason"));
        var usage = usageChunk["usage"]!;
        Assert.Equal((int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!, (int)usage["total_tokens"]!);
        Assert.Equal("data: [DONE]", Lines(raw).Last(l => l.Length > 0));

        var without = Chunks(await StreamAsync(Body("\"stream\":true,\"stream_options\":{\"include_usage\":false}")));
        Assert.DoesNotContain(without, c => c["usage"] is not null);
    }

    [Fact]
    public async Task NChoicesInterleaveAndFinishSeparately()
    {
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true,\"n\":2")));
        var indexes = chunks.Select(c => (int)c["choices"]![0]!["index"]!).ToList();

        Assert.Equal([0, 1, 0, 1], indexes.Take(4));
        Assert.Equal(2, chunks.Count(c => c["choices"]![0]!["finish_reason"] is not null));
        Assert.NotEqual(StreamedText(chunks, 0), StreamedText(chunks, 1));
        Assert.Equal("assistant", (string?)chunks.First(c => (int)c["choices"]![0]!["index"]! == 1)["choices"]![0]!["delta"]!["role"]);
    }

    [Fact]
    public async Task ReasoningStreamsBeforeContent()
    {
        Emulator.Enqueue(ScriptedReply.Reasoning("First I think about it carefully.", "Then I answer."));
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true")));
        var deltas = chunks.Select(c => c["choices"]![0]!["delta"]!).ToList();

        Assert.Equal("First I think about it carefully.", StreamedText(chunks, field: "reasoning_content"));
        Assert.Equal("Then I answer.", StreamedText(chunks));
        var lastReasoning = deltas.FindLastIndex(d => d["reasoning_content"] is not null);
        var firstContent = deltas.FindIndex(d => d["content"] is not null);
        Assert.True(lastReasoning < firstContent);
        Assert.Equal("assistant", (string?)deltas[0]["role"]);
        Assert.NotNull(deltas[0]["reasoning_content"]);
    }

    [Fact]
    public async Task ChunkSizeControlsPieces()
    {
        Emulator.Enqueue(ScriptedReply.Text("abcdefghij") with { ChunkSize = 3 });
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true")));
        var pieces = chunks.Select(c => (string?)c["choices"]![0]!["delta"]!["content"]).Where(p => p is not null).ToList();

        Assert.Equal(["abc", "def", "ghi", "j"], pieces);
    }

    [Fact]
    public async Task StopAndMaxTokensApplyToStreams()
    {
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true,\"max_tokens\":3")));
        Assert.Equal("You asked:", StreamedText(chunks));
        Assert.Equal("length", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task StreamedLogprobsCoverTheContent()
    {
        Emulator.Enqueue(ScriptedReply.Text("one two three four five"));
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true,\"logprobs\":true")));
        var tokens = chunks.Select(c => c["choices"]![0]!["logprobs"]).Where(l => l is not null)
            .SelectMany(l => l!["content"]!.AsArray()).Select(t => (string)t!["token"]!);

        Assert.Equal("one two three four five", string.Concat(tokens));
    }

    [Fact]
    public async Task EmptyCompletionStillSendsRoleAndFinish()
    {
        Emulator.Enqueue(ScriptedReply.Text(""));
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true")));

        Assert.Equal(2, chunks.Count);
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
        Assert.Equal("stop", (string?)chunks[1]["choices"]![0]!["finish_reason"]);
    }
}
