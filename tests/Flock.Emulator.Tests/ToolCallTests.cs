using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

public sealed class ToolCallTests : EmulatorTestBase
{
    private const string WeatherTools = """
        "tools":[
          {"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"},"metric":{"type":"boolean"},"note":{"type":"string"}},"required":["city","days","metric"]}}},
          {"type":"function","function":{"name":"get_time","parameters":{"type":"object","properties":{"zone":{"type":"string","enum":["UTC","CET"]}},"required":["zone"]}}}
        ]
        """;

    [Fact]
    public async Task ScriptedParallelCallsNonStreamed()
    {
        Emulator.Enqueue(ScriptedReply.ToolCalls(
            new ScriptedToolCall("get_weather", """{"city":"Paris"}"""),
            new ScriptedToolCall("get_time", """{"zone":"CET"}""", "call_fixed")));
        var choice = (await ChatAsync(Body()))["choices"]![0]!;
        var calls = choice["message"]!["tool_calls"]!.AsArray();

        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Null(choice["message"]!["content"]);
        Assert.Equal(2, calls.Count);
        Assert.Matches("^chatcmpl-tool-[0-9a-f]{32}$", (string)calls[0]!["id"]!);
        Assert.Equal("call_fixed", (string?)calls[1]!["id"]);
        Assert.Equal("function", (string?)calls[0]!["type"]);
        Assert.Equal("get_weather", (string?)calls[0]!["function"]!["name"]);
        Assert.Equal("""{"city":"Paris"}""", (string?)calls[0]!["function"]!["arguments"]);
    }

    [Fact]
    public async Task ScriptedCallsStreamInFragments()
    {
        Emulator.Enqueue(ScriptedReply.ToolCalls(
            new ScriptedToolCall("get_weather", """{"city":"Paris","days":3}"""),
            new ScriptedToolCall("get_time", """{"zone":"CET"}""")) with { ChunkSize = 5 });
        var chunks = Chunks(await StreamAsync(Body("\"stream\":true")));
        var fragments = chunks.Select(c => c["choices"]![0]!["delta"]!["tool_calls"]).Where(t => t is not null)
            .Select(t => t!.AsArray().Single()!).ToList();

        // First fragment of each call: index, id, type, name, empty arguments.
        var starts = fragments.Where(f => f["id"] is not null).ToList();
        Assert.Equal(2, starts.Count);
        Assert.Equal([0, 1], starts.Select(s => (int)s["index"]!));
        Assert.All(starts, s =>
        {
            Assert.Equal("function", (string?)s["type"]);
            Assert.Equal("", (string?)s["function"]!["arguments"]);
        });

        // Later fragments: only index and an arguments piece of at most 5 characters.
        var later = fragments.Where(f => f["id"] is null).ToList();
        Assert.All(later, f =>
        {
            Assert.Equal(["index", "function"], f.AsObject().Select(p => p.Key));
            Assert.Equal(["arguments"], f["function"]!.AsObject().Select(p => p.Key));
            Assert.InRange(((string)f["function"]!["arguments"]!).Length, 1, 5);
        });

        // Calls come one after another, and reassemble by index.
        var order = fragments.Select(f => (int)f["index"]!).ToList();
        Assert.Equal(order.OrderBy(i => i), order);
        string Args(int index) => string.Concat(fragments.Where(f => (int)f["index"]! == index).Select(f => (string?)f["function"]!["arguments"]));
        Assert.Equal("""{"city":"Paris","days":3}""", Args(0));
        Assert.Equal("""{"zone":"CET"}""", Args(1));

        Assert.Equal("tool_calls", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
        Assert.Equal("assistant", (string?)chunks[0]["choices"]![0]!["delta"]!["role"]);
    }

    [Fact]
    public async Task BuiltInCallsAMentionedToolWithSchemaArguments()
    {
        var body = await ChatAsync(Body(WeatherTools, content: "Could you get weather for Paris this week?"));
        var choice = body["choices"]![0]!;
        var call = choice["message"]!["tool_calls"]!.AsArray().Single()!;
        var args = JsonNode.Parse((string)call["function"]!["arguments"]!)!;

        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        Assert.Equal("get_weather", (string?)call["function"]!["name"]);
        Assert.Equal("Paris", (string?)args["city"]);
        Assert.Equal(1, (int)args["days"]!);
        Assert.True((bool)args["metric"]!);
        Assert.Null(args["note"]);
    }

    [Fact]
    public async Task BuiltInCallsEveryMentionedToolInParallel()
    {
        var calls = (await ChatAsync(Body(WeatherTools, content: "Use get_weather and GET_TIME please")))["choices"]![0]!["message"]!["tool_calls"]!.AsArray();

        Assert.Equal(["get_weather", "get_time"], calls.Select(c => (string)c!["function"]!["name"]!));
        Assert.Equal("UTC", (string?)JsonNode.Parse((string)calls[1]!["function"]!["arguments"]!)!["zone"]);
        Assert.NotEqual((string?)calls[0]!["id"], (string?)calls[1]!["id"]);
    }

    [Fact]
    public async Task NoMentionMeansTextAndToolChoiceNoneMeansNoCall()
    {
        var plain = (await ChatAsync(Body(WeatherTools, content: "Tell me a joke")))["choices"]![0]!;
        Assert.Null(plain["message"]!["tool_calls"]);
        Assert.Equal("stop", (string?)plain["finish_reason"]);

        var none = (await ChatAsync(Body(WeatherTools + ",\"tool_choice\":\"none\"", content: "get weather in Rome")))["choices"]![0]!;
        Assert.Null(none["message"]!["tool_calls"]);
    }

    [Fact]
    public async Task RequiredOrNamedToolChoiceForcesACall()
    {
        var required = (await ChatAsync(Body(WeatherTools + ",\"tool_choice\":\"required\"", content: "Tell me a joke")))["choices"]![0]!;
        Assert.Equal("get_weather", (string?)required["message"]!["tool_calls"]![0]!["function"]!["name"]);

        var named = (await ChatAsync(Body(WeatherTools + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}", content: "Tell me a joke")))["choices"]![0]!;
        Assert.Equal("get_time", (string?)named["message"]!["tool_calls"]![0]!["function"]!["name"]);
    }

    [Fact]
    public async Task ToolResultsAreSummarisedInText()
    {
        var json = $$$"""
            {"model":"{{{Model}}}",{{{WeatherTools}}},"messages":[
              {"role":"user","content":"get weather for Paris"},
              {"role":"assistant","content":null,"tool_calls":[{"id":"call_9","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","tool_call_id":"call_9","content":"{\"temperature\":21,\"sky\":\"sunny\"}"}
            ]}
            """;
        var choice = (await ChatAsync(json))["choices"]![0]!;
        var content = (string)choice["message"]!["content"]!;

        Assert.Null(choice["message"]!["tool_calls"]);
        Assert.Contains("get_weather", content);
        Assert.Contains("{\"temperature\":21,\"sky\":\"sunny\"}", content);
    }

    [Fact]
    public async Task SeveralToolResultsAreSeparateSentences()
    {
        var json = $$$"""
            {"model":"{{{Model}}}",{{{WeatherTools}}},"messages":[
              {"role":"user","content":"get weather and get time"},
              {"role":"assistant","content":null,"tool_calls":[
                {"id":"c1","type":"function","function":{"name":"get_weather","arguments":"{}"}},
                {"id":"c2","type":"function","function":{"name":"get_time","arguments":"{}"}}]},
              {"role":"tool","tool_call_id":"c1","content":"21 degrees and sunny"},
              {"role":"tool","tool_call_id":"c2","content":"It is 10:15."}
            ]}
            """;
        var content = (string)(await ChatAsync(json))["choices"]![0]!["message"]!["content"]!;

        Assert.StartsWith(
            "The get_weather tool returned: 21 degrees and sunny. The get_time tool returned: It is 10:15. That is the answer from the Flock emulator",
            content);
    }

    [Fact]
    public async Task QuotedQuestionsEndTheirSentenceOnce()
    {
        var content = (string)(await ChatAsync(Body(content: "How are you?")))["choices"]![0]!["message"]!["content"]!;

        Assert.StartsWith("You asked: \"How are you?\" This is the Flock emulator", content);
        Assert.DoesNotContain("?\".", content);
    }

    [Fact]
    public async Task BuiltInCallsStreamToo()
    {
        var chunks = Chunks(await StreamAsync(Body(WeatherTools + ",\"stream\":true", content: "get weather in Oslo")));
        var fragments = chunks.Select(c => c["choices"]![0]!["delta"]!["tool_calls"]).Where(t => t is not null).Select(t => t![0]!).ToList();

        Assert.True(fragments.Count > 2);
        Assert.Equal("get_weather", (string?)fragments[0]["function"]!["name"]);
        var args = JsonNode.Parse(string.Concat(fragments.Select(f => (string?)f["function"]!["arguments"])))!;
        Assert.Equal("Oslo", (string?)args["city"]);
    }
}
