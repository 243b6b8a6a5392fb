using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

public sealed class CompletionTests : EmulatorTestBase
{
    [Fact]
    public async Task NonStreamingReplyHasTheCompletionShape()
    {
        var body = await ChatAsync(Body(content: "Tell me about ducks"));

        Assert.StartsWith("chatcmpl-", (string?)body["id"]);
        Assert.Equal("chat.completion", (string?)body["object"]);
        Assert.Equal(Model, (string?)body["model"]);
        Assert.Equal("fp_flock_emulator", (string?)body["system_fingerprint"]);
        Assert.Equal(Time.GetUtcNow().ToUnixTimeSeconds(), (long)body["created"]!);
        var choice = body["choices"]!.AsArray().Single()!;
        Assert.Equal(0, (int)choice["index"]!);
        Assert.Equal("assistant", (string?)choice["message"]!["role"]);
        Assert.Contains("Tell me about ducks", (string)choice["message"]!["content"]!);
        Assert.Contains(Model, (string)choice["message"]!["content"]!);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
        Assert.Null(choice["message"]!["reasoning_content"]);
        Assert.Null(choice["logprobs"]);
    }

    [Fact]
    public async Task SystemPromptIsAcknowledged()
    {
        const string json = $$"""{"model":"{{Model}}","messages":[{"role":"system","content":"You are a pirate captain."},{"role":"user","content":"Hi"}]}""";
        var body = await ChatAsync(json);
        Assert.Contains("You are a pirate captain.", (string)body["choices"]![0]!["message"]!["content"]!);
    }

    [Fact]
    public async Task HistoryIsReflectedInTheAnswer()
    {
        const string json = $$"""{"model":"{{Model}}","messages":[{"role":"user","content":"Name a fruit"},{"role":"assistant","content":"Apple"},{"role":"user","content":"And a vegetable?"}]}""";
        var content = (string)(await ChatAsync(json))["choices"]![0]!["message"]!["content"]!;

        Assert.Contains("And a vegetable?", content);
        Assert.Contains("Earlier you asked: \"Name a fruit\"", content);
    }

    [Fact]
    public async Task UsageIsComputedFromTheText()
    {
        var small = await ChatAsync(Body(content: "Hi"));
        var large = await ChatAsync(Body(content: "Please explain, in some detail, how photosynthesis turns sunlight, water and carbon dioxide into sugar."));

        foreach (var body in new[] { small, large })
        {
            var usage = body["usage"]!;
            Assert.True((int)usage["prompt_tokens"]! > 0);
            Assert.True((int)usage["completion_tokens"]! > 0);
            Assert.Equal((int)usage["prompt_tokens"]! + (int)usage["completion_tokens"]!, (int)usage["total_tokens"]!);
        }

        Assert.True((int)large["usage"]!["prompt_tokens"]! > (int)small["usage"]!["prompt_tokens"]!);
        Assert.NotEqual((int)small["usage"]!["completion_tokens"]!, (int)large["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task NProducesDistinctDeterministicChoices()
    {
        var first = await ChatAsync(Body("\"n\":3"));
        var second = await ChatAsync(Body("\"n\":3"));

        var texts = first["choices"]!.AsArray().Select(c => (string)c!["message"]!["content"]!).ToList();
        Assert.Equal(3, texts.Count);
        Assert.Equal([0, 1, 2], first["choices"]!.AsArray().Select(c => (int)c!["index"]!));
        Assert.Equal(3, texts.Distinct().Count());
        Assert.Equal(texts, second["choices"]!.AsArray().Select(c => (string)c!["message"]!["content"]!));
    }

    [Fact]
    public async Task StopTruncatesAtTheFirstStopSequence()
    {
        var plain = (string)(await ChatAsync(Body()))["choices"]![0]!["message"]!["content"]!;
        Assert.Contains("emulator", plain);

        var body = await ChatAsync(Body("\"stop\":[\"zzz\",\"emulator\"]"));
        var choice = body["choices"]![0]!;
        var content = (string)choice["message"]!["content"]!;

        Assert.Equal(plain[..plain.IndexOf("emulator", StringComparison.Ordinal)], content);
        Assert.Equal("stop", (string?)choice["finish_reason"]);
    }

    [Fact]
    public async Task MaxTokensTruncatesWithFinishReasonLength()
    {
        var body = await ChatAsync(Body("\"max_tokens\":3"));
        var choice = body["choices"]![0]!;

        Assert.Equal("length", (string?)choice["finish_reason"]);
        Assert.Equal("You asked:", (string?)choice["message"]!["content"]);
        Assert.Equal(3, (int)body["usage"]!["completion_tokens"]!);
    }

    [Fact]
    public async Task LargeMaxTokensDoesNotTruncate()
    {
        var body = await ChatAsync(Body("\"max_tokens\":4000"));
        Assert.Equal("stop", (string?)body["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task SameSeedGivesTheSameAnswerAndSeedsCanVaryIt()
    {
        string Text(JsonNode body) => (string)body["choices"]![0]!["message"]!["content"]!;

        var a = Text(await ChatAsync(Body("\"seed\":7")));
        var b = Text(await ChatAsync(Body("\"seed\":7")));
        var others = new List<string>();
        foreach (var seed in new[] { 1, 2, 3 })
        {
            others.Add(Text(await ChatAsync(Body($"\"seed\":{seed}"))));
        }

        Assert.Equal(a, b);
        Assert.True(others.Distinct().Count() > 1);
    }

    [Fact]
    public async Task ThinkingModelAnswersWithReasoningContent()
    {
        var body = await ChatAsync(Body(model: ThinkingModel));
        var message = body["choices"]![0]!["message"]!;

        Assert.False(string.IsNullOrEmpty((string?)message["reasoning_content"]));
        Assert.False(string.IsNullOrEmpty((string?)message["content"]));
        Assert.True((int)body["usage"]!["completion_tokens_details"]!["reasoning_tokens"]! > 0);
    }

    [Fact]
    public async Task ScriptedReasoningIsReturned()
    {
        Emulator.Enqueue(ScriptedReply.Reasoning("Let me think.", "42"));
        var message = (await ChatAsync(Body()))["choices"]![0]!["message"]!;

        Assert.Equal("Let me think.", (string?)message["reasoning_content"]);
        Assert.Equal("42", (string?)message["content"]);
    }

    [Fact]
    public async Task LogprobsAreReturnedWhenRequested()
    {
        Emulator.Enqueue(ScriptedReply.Text("Hello brave world"));
        var choice = (await ChatAsync(Body("\"logprobs\":true,\"top_logprobs\":2")))["choices"]![0]!;
        var content = choice["logprobs"]!["content"]!.AsArray();

        Assert.Equal(["Hello", " brave", " world"], content.Select(t => (string)t!["token"]!));
        Assert.All(content, t =>
        {
            Assert.True((double)t!["logprob"]! < 0);
            Assert.Equal(2, t["top_logprobs"]!.AsArray().Count);
        });
    }

    [Fact]
    public async Task IntegerLogprobsIsAccepted()
    {
        var choice = (await ChatAsync(Body("\"logprobs\":4")))["choices"]![0]!;
        Assert.Equal(4, choice["logprobs"]!["content"]![0]!["top_logprobs"]!.AsArray().Count);
    }

    [Fact]
    public async Task ScriptedTextIsServedOnceThenBuiltInReturns()
    {
        Emulator.Enqueue(ScriptedReply.Text("Scripted!"));
        Assert.Equal(1, Emulator.PendingReplyCount);

        var first = (string?)(await ChatAsync(Body()))["choices"]![0]!["message"]!["content"];
        var second = (string?)(await ChatAsync(Body()))["choices"]![0]!["message"]!["content"];

        Assert.Equal("Scripted!", first);
        Assert.NotEqual("Scripted!", second);
        Assert.Equal(0, Emulator.PendingReplyCount);
    }

    [Fact]
    public async Task ScriptedRepliesAreFifoAndTimesRepeats()
    {
        Emulator.Enqueue(ScriptedReply.Text("one") with { Times = 2 }).Enqueue(ScriptedReply.Text("two"));

        var texts = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            texts.Add((string?)(await ChatAsync(Body()))["choices"]![0]!["message"]!["content"]);
        }

        Assert.Equal(["one", "one", "two"], texts);
    }

    [Fact]
    public async Task ScriptedFinishReasonAndUsageOverride()
    {
        Emulator.Enqueue(ScriptedReply.Text("cut") with { FinishReason = "content_filter", PromptTokens = 11, CompletionTokens = 22 });
        var body = await ChatAsync(Body());

        Assert.Equal("content_filter", (string?)body["choices"]![0]!["finish_reason"]);
        Assert.Equal(11, (int)body["usage"]!["prompt_tokens"]!);
        Assert.Equal(22, (int)body["usage"]!["completion_tokens"]!);
        Assert.Equal(33, (int)body["usage"]!["total_tokens"]!);
    }

    [Fact]
    public async Task ScriptedJsonIsTextContent()
    {
        Emulator.Enqueue(ScriptedReply.Json("""{"a":1}"""));
        var content = (string)(await ChatAsync(Body()))["choices"]![0]!["message"]!["content"]!;
        Assert.Equal(1, (int)JsonNode.Parse(content)!["a"]!);
        Assert.Throws<ArgumentException>(() => ScriptedReply.Json("{nope"));
    }

    [Fact]
    public async Task JsonObjectFormatAnswersJson()
    {
        var content = (string)(await ChatAsync(Body("\"response_format\":{\"type\":\"json_object\"}")))["choices"]![0]!["message"]!["content"]!;
        Assert.IsType<JsonObject>(JsonNode.Parse(content));
    }

    [Fact]
    public async Task JsonSchemaFormatSatisfiesTheSchema()
    {
        const string format = """
            "response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{
              "type":"object","required":["name","age","tags","address","active","kind"],
              "properties":{
                "name":{"type":"string"},"age":{"type":"integer","minimum":18},"score":{"type":["number","null"]},
                "tags":{"type":"array","items":{"type":"string"}},"active":{"type":"boolean"},
                "kind":{"enum":["cat","dog"]},
                "address":{"$ref":"#/$defs/address"}},
              "$defs":{"address":{"type":"object","required":["city"],"properties":{"city":{"type":"string"}}}}}}}
            """;
        var content = (string)(await ChatAsync(Body(format)))["choices"]![0]!["message"]!["content"]!;
        var json = JsonNode.Parse(content)!;

        Assert.Equal(System.Text.Json.JsonValueKind.String, json["name"]!.GetValueKind());
        Assert.True((int)json["age"]! >= 18);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, json["score"]!.GetValueKind());
        Assert.Single(json["tags"]!.AsArray());
        Assert.True((bool)json["active"]!);
        Assert.Equal("cat", (string?)json["kind"]);
        Assert.Equal(System.Text.Json.JsonValueKind.String, json["address"]!["city"]!.GetValueKind());
    }

    [Fact]
    public async Task StringMessagesFormIsASingleUserPrompt()
    {
        var body = await ChatAsync($$"""{"model":"{{Model}}","messages":"Write a haiku about rain"}""");
        Assert.Contains("Write a haiku about rain", (string)body["choices"]![0]!["message"]!["content"]!);
        Assert.Equal(5, (int)body["usage"]!["prompt_tokens"]!);
    }

    [Fact]
    public async Task ArrayOfStringsFormIsJoined()
    {
        var body = await ChatAsync($$"""{"model":"{{Model}}","messages":["first part","second part"]}""");
        var content = (string)body["choices"]![0]!["message"]!["content"]!;
        Assert.Contains("first part second part", content);
    }

    [Fact]
    public async Task TokenIdFormsAreDecoded()
    {
        var ids = string.Join(",", "Hi".Select(c => (int)c));
        var flat = await ChatAsync($$"""{"model":"{{Model}}","messages":[{{ids}},50256,{{ids}}]}""");
        var nested = await ChatAsync($$"""{"model":"{{Model}}","messages":[[{{ids}}],[{{ids}},33]]}""");

        Assert.Contains("Hi<|endoftext|>Hi", (string)flat["choices"]![0]!["message"]!["content"]!);
        Assert.Equal(5, (int)flat["usage"]!["prompt_tokens"]!);
        Assert.Contains("Hi<|endoftext|>Hi!", (string)nested["choices"]![0]!["message"]!["content"]!);
    }
}
