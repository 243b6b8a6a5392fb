using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>The JSON script format: each setting maps onto the C# scripting API, and every mistake names its JSON path.</summary>
public sealed class ScriptFileTests : EmulatorTestBase
{
    [Fact]
    public void EveryKindAndSettingMapsOntoTheCSharpApi()
    {
        var replies = FlockEmulatorScript.Parse("""
            // comments and trailing commas are allowed
            {"replies": [
              {"text": "Hi", "chunkSize": 2, "times": 3, "delay": "250ms", "keepAlives": true, "crlf": true, "sseQuirks": true,
               "vllmStyleChunks": true, "omitDone": true, "firstChunkDelay": "1.5s", "chunkInterval": "2m"},
              {"text": "Paris.", "reasoning": "Thinking", "reasoningStyle": "thinkTags", "reasoningFields": ["reasoning"],
               "finishReason": "length", "promptTokens": 10, "completionTokens": 0, "cost": 0.00042},
              {"json": {"city": "Paris", "n": [1, 2]}},
              {"json": "[true]"},
              {"toolCalls": [{"name": "get_weather", "arguments": {"city": "Paris"}}, {"name": "f", "arguments": "{not json", "id": "call_1"}, {"name": "g"}]},
              {"error": {"status": 429, "message": "Slow down", "type": "rate_limit_error", "param": "None"}, "retryAfter": "1.2s",
               "headers": {"x-a": "1", "x-b": "2"}},
              {"error": {"status": 503, "message": "busy"}, "retryAfterDate": "2030-01-02T03:04:05Z"},
              {"raw": {"status": 502, "contentType": "text/html", "body": "<html></html>"}},
              {"redirect": {"status": 307, "location": "http://127.0.0.1:9/v1/chat/completions"}},
              {"text": "faults", "faults": [
                {"type": "error", "message": "gone", "afterChunks": 2, "thenDone": true},
                {"type": "cut"},
                {"type": "invalidChunk", "afterChunks": 0},
                {"type": "stall", "duration": "5s", "afterChunks": 1},
              ]},
            ]}
            """);

        ScriptedReply[] expected =
        [
            ScriptedReply.Text("Hi") with
            {
                ChunkSize = 2, Times = 3, Delay = TimeSpan.FromMilliseconds(250), KeepAlives = true, CrLf = true, SseQuirks = true,
                VllmStyleChunks = true, OmitDone = true, FirstChunkDelay = TimeSpan.FromSeconds(1.5), ChunkInterval = TimeSpan.FromMinutes(2),
            },
            ScriptedReply.Reasoning("Thinking", "Paris.") with
            {
                ReasoningStyle = ReasoningStyle.ThinkTags, ReasoningFields = ["reasoning"], FinishReason = "length", PromptTokens = 10,
                CompletionTokens = 0, Cost = 0.00042m,
            },
            ScriptedReply.Json("""{"city": "Paris", "n": [1, 2]}"""),
            ScriptedReply.Json("[true]"),
            ScriptedReply.ToolCalls(new("get_weather", """{"city": "Paris"}"""), new("f", "{not json", "call_1"), new("g", "{}")),
            ScriptedReply.Error(429, "Slow down", "rate_limit_error", "None").WithRetryAfter(TimeSpan.FromSeconds(1.2)).WithHeader("x-a", "1").WithHeader("x-b", "2"),
            ScriptedReply.Error(503, "busy").WithRetryAfterDate(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero)),
            ScriptedReply.RawBody(502, "text/html", "<html></html>"),
            ScriptedReply.Redirect(307, new Uri("http://127.0.0.1:9/v1/chat/completions")),
            ScriptedReply.Text("faults").FailMidStream("gone", 2, thenDone: true).CutMidStream().WithInvalidChunk(0).StallMidStream(TimeSpan.FromSeconds(5), 1),
        ];

        Assert.Equal(expected.Length, replies.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            AssertSameReply(expected[i], replies[i], i);
        }
    }

    [Fact]
    public async Task TheExampleScriptDrivesAnEmulatorReplyByReply()
    {
        var replies = FlockEmulatorScript.Load(ExampleScript());
        foreach (var reply in replies)
        {
            Emulator.Enqueue(reply);
        }

        // Non-streamed requests: stream-only settings (faults, chunk timing) do not apply, so nothing waits on the clock.
        Assert.Equal("Hello from the scripted emulator!", await ContentAsync());
        var reasoned = await MessageAsync();
        Assert.Equal("Paris.", (string?)reasoned["content"]);
        Assert.Equal("The capital of France is Paris.", (string?)reasoned["reasoning_content"]);
        Assert.Equal("""{"city":"Paris","temperature":21}""", JsonNode.Parse((await ContentAsync())!)!.ToJsonString());
        var calls = (await MessageAsync())["tool_calls"]!.AsArray();
        Assert.Equal(["get_weather", "get_time"], calls.Select(c => (string?)c!["function"]!["name"]));
        Assert.Equal("call_2", (string?)calls[1]!["id"]);
        for (var i = 0; i < 2; i++)
        {
            using var limited = await PostAsync("chat/completions", Body());
            Assert.Equal(429, (int)limited.StatusCode);
            Assert.Equal("2", limited.Headers.GetValues("retry-after").Single());
        }

        Assert.Equal("Answered after the rate limit.", await ContentAsync());
        Assert.Equal(replies.Sum(r => r.Times) - 7, Emulator.PendingReplyCount);
    }

    [Theory]
    [InlineData("""{"replies": [{"text": "a", "chunkSize": 0}]}""", "$.replies[0].chunkSize", "at least one character")]
    [InlineData("""{"replies": [{"text": "a", "chunkSise": 2}]}""", "$.replies[0].chunkSise", "unknown setting")]
    [InlineData("""{"replies": [{"text": "a"}, {"text": 3}]}""", "$.replies[1].text", "expected a string, got the number 3")]
    [InlineData("""{"replies": [{"text": "a", "json": {}}]}""", "$.replies[0]", "not text and json")]
    [InlineData("""{"replies": [{"times": 2}]}""", "$.replies[0]", "names one kind")]
    [InlineData("""{"replies": [{"error": {"status": 429, "message": "m"}, "chunkSize": 2}]}""", "$.replies[0].chunkSize", "not to error")]
    [InlineData("""{"replies": [{"error": {"status": 99, "message": "m"}}]}""", "$.replies[0].error.status", "between 100 and 599")]
    [InlineData("""{"replies": [{"error": {"status": 429}}]}""", "$.replies[0].error", "\"message\" is missing")]
    [InlineData("""{"replies": [{"redirect": {"status": 200, "location": "http://x/"}}]}""", "$.replies[0].redirect.status", "3xx")]
    [InlineData("""{"replies": [{"redirect": {"status": 307, "location": "elsewhere"}}]}""", "$.replies[0].redirect.location", "absolute URL")]
    [InlineData("""{"replies": [{"text": "a", "delay": "2"}]}""", "$.replies[0].delay", "duration such as")]
    [InlineData("""{"replies": [{"text": "a", "delay": "-2s"}]}""", "$.replies[0].delay", "duration such as")]
    [InlineData("""{"replies": [{"text": "a", "times": 0}]}""", "$.replies[0].times", "at least once")]
    [InlineData("""{"replies": [{"text": "a", "times": 1.5}]}""", "$.replies[0].times", "whole number")]
    [InlineData("""{"replies": [{"text": "a", "cost": -1}]}""", "$.replies[0].cost", "cannot be negative")]
    [InlineData("""{"replies": [{"text": "a", "reasoningStyle": "tags"}]}""", "$.replies[0].reasoningStyle", "field, thinkTags, closingThinkTag")]
    [InlineData("""{"replies": [{"text": "a", "faults": [{"type": "boom"}]}]}""", "$.replies[0].faults[0].type", "not a fault type")]
    [InlineData("""{"replies": [{"text": "a", "faults": [{"type": "cut", "duration": "1s"}]}]}""", "$.replies[0].faults[0].duration", "a cut fault takes")]
    [InlineData("""{"replies": [{"text": "a", "faults": [{"type": "stall"}]}]}""", "$.replies[0].faults[0]", "\"duration\" is missing")]
    [InlineData("""{"replies": [{"text": "a", "faults": [{"type": "cut", "afterChunks": -1}]}]}""", "$.replies[0].faults[0]", "cannot be negative")]
    [InlineData("""{"replies": [{"toolCalls": []}]}""", "$.replies[0].toolCalls", "At least one tool call")]
    [InlineData("""{"replies": [{"toolCalls": [{"name": " "}]}]}""", "$.replies[0].toolCalls[0].name", "function name")]
    [InlineData("""{"replies": [{"json": "{oops"}]}""", "$.replies[0].json", "valid JSON")]
    [InlineData("""{"replies": [{"text": "a", "text": "b"}]}""", "$.replies[0].text", "given twice")]
    [InlineData("""{"replies": {"text": "a"}}""", "$.replies", "expected an array, got an object")]
    [InlineData("""{"reply": []}""", "$.reply", "this object takes replies")]
    [InlineData("""{}""", "$", "\"replies\" is missing")]
    [InlineData("""[]""", "$", "expected an object")]
    [InlineData("""{"replies": [""", "$", "not valid JSON at line 1")]
    public void AMistakeNamesItsJsonPath(string json, string path, string fragment)
    {
        var ex = Assert.Throws<FlockEmulatorScriptException>(() => FlockEmulatorScript.Parse(json, "script.json"));

        Assert.Equal(path, ex.JsonPath);
        Assert.Equal("script.json", ex.FileName);
        Assert.StartsWith($"script.json: {path}: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadNamesTheFileInErrorsAndRefusesAMissingOne()
    {
        var path = Path.Combine(Path.GetTempPath(), $"flock-script-{Guid.NewGuid():N}.json");
        Assert.Throws<FileNotFoundException>(() => FlockEmulatorScript.Load(path));
        File.WriteAllText(path, """{"replies": [{"text": 1}]}""");
        try
        {
            var ex = Assert.Throws<FlockEmulatorScriptException>(() => FlockEmulatorScript.Load(path));
            Assert.Equal(path, ex.FileName);
            Assert.StartsWith(path + ": $.replies[0].text: ", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The repository's documented example script, found above the test binaries.</summary>
    internal static string ExampleScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "examples", "emulator-script.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("examples/emulator-script.json was not found above the test binaries.");
    }

    /// <summary>
    /// Compares every property, public or internal, so a setting the loader forgets (or a new one it does not know) fails;
    /// lists are compared item by item (a record compares them by reference).
    /// </summary>
    private static void AssertSameReply(ScriptedReply expected, ScriptedReply actual, int index)
    {
        foreach (var property in typeof(ScriptedReply).GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
        {
            if (property.Name == "EqualityContract")
            {
                continue;
            }

            var want = property.GetValue(expected);
            var got = property.GetValue(actual);
            if (want is IEnumerable wantItems and not string && got is IEnumerable gotItems)
            {
                Assert.True(
                    wantItems.Cast<object?>().SequenceEqual(gotItems.Cast<object?>()),
                    $"reply {index}: {property.Name} differs: [{string.Join(", ", wantItems.Cast<object?>())}] vs [{string.Join(", ", gotItems.Cast<object?>())}]");
            }
            else
            {
                Assert.True(Equals(want, got), $"reply {index}: {property.Name} is {got}, expected {want}");
            }
        }
    }

    private async Task<JsonNode> MessageAsync()
    {
        using var response = await PostAsync("chat/completions", Body());
        Assert.Equal(200, (int)response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!;
    }

    private async Task<string?> ContentAsync() => (string?)(await MessageAsync())["content"];
}
