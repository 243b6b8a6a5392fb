using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>The scripted variations other OpenAI-compatible servers produce, which a client must survive.</summary>
public sealed class WireVariantTests : EmulatorTestBase
{
    [Fact]
    public async Task ReasoningCanUseOtherFieldNames()
    {
        Emulator.Enqueue(ScriptedReply.Reasoning("hmm", "ok") with { ReasoningFields = ["reasoning"] });
        Emulator.Enqueue(ScriptedReply.Reasoning("hmm", "ok") with { ReasoningFields = ["reasoning", "reasoning_content"] });

        var first = (await ChatAsync(Body()))["choices"]![0]!["message"]!;
        Assert.Equal("hmm", (string?)first["reasoning"]);
        Assert.Null(first["reasoning_content"]);

        var chunks = Chunks(await StreamAsync(Body("\"stream\":true")));
        Assert.Equal("hmm", StreamedText(chunks, field: "reasoning"));
        Assert.Equal("hmm", StreamedText(chunks, field: "reasoning_content"));
    }

    [Fact]
    public async Task VllmStyleChunksCarryExplicitNulls()
    {
        Emulator.Enqueue(ScriptedReply.Text("Hello there friend") with { VllmStyleChunks = true });
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true")));
        var choices = chunks.Select(c => c["choices"]![0]!.AsObject()).ToList();

        Assert.Equal("""{"role":"assistant","content":""}""", choices[0]["delta"]!.ToJsonString());
        Assert.All(choices.SkipLast(1), c =>
        {
            Assert.True(c.ContainsKey("finish_reason") && c["finish_reason"] is null);
            Assert.True(c.ContainsKey("logprobs") && c["logprobs"] is null);
        });
        Assert.Equal("stop", (string?)choices[^1]["finish_reason"]);
        Assert.True(choices[^1].ContainsKey("stop_reason"));
        Assert.Single(choices, c => c["delta"]!["role"] is not null);
        Assert.Equal("Hello there friend", StreamedText(chunks));
    }

    [Fact]
    public async Task SseQuirksAreLegalFraming()
    {
        Emulator.Enqueue(ScriptedReply.Text("quirky text here") with { SseQuirks = true });
        var raw = await StreamAsync(Body("\"stream\":true"));

        Assert.StartsWith("\uFEFF", raw);
        var lines = Lines(raw.TrimStart('\uFEFF'));
        Assert.Contains(lines, l => l.StartsWith("id: ", StringComparison.Ordinal));
        Assert.Contains("event: message", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("data: ", StringComparison.Ordinal));

        // Reassemble events the WHATWG way: data lines of one event joined with "\n".
        var events = new List<string>();
        var data = new List<string>();
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                if (data.Count > 0)
                {
                    events.Add(string.Join("\n", data));
                }

                data.Clear();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Add(line["data:".Length..]);
            }
        }

        Assert.Equal("[DONE]", events[^1]);
        Assert.Contains(lines, l => l.StartsWith("data:\"choices\"", StringComparison.Ordinal));
        Assert.Equal("quirky text here", StreamedText(events.SkipLast(1).Select(e => JsonNode.Parse(e)!)));
    }

    [Fact]
    public async Task ErrorAsFirstEventThenDoneLikeOtherServers()
    {
        Emulator.Enqueue(ScriptedReply.Text("never").FailMidStream("boom", afterChunks: 0, thenDone: true));
        var data = DataLines(await StreamAsync(Body("\"stream\":true")));

        Assert.Equal(2, data.Count);
        Assert.Equal("boom", (string?)JsonNode.Parse(data[0])!["error"]!["message"]);
        Assert.Equal("[DONE]", data[1]);
    }
}
