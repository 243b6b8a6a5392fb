using System.Globalization;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary><c>usage.cost</c>: in the streamed usage chunk when the request asks for usage, and never for a zero cost.</summary>
public sealed class UsageCostTests : EmulatorTestBase
{
    private const string StreamWithUsage = "\"stream\":true,\"stream_options\":{\"include_usage\":true}";

    private static JsonNode LastUsage(string raw) => Chunks(raw).Last(c => c["usage"] is not null)["usage"]!;

    [Fact]
    public async Task TheUsageChunkCarriesTheCostAsAPythonFloat()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { PromptTokens = 1000, CompletionTokens = 10 });
        var raw = await StreamAsync(Body(StreamWithUsage));

        Assert.Contains("\"cost\":0.000103", raw);
        Assert.Equal(0.000103m, (decimal)LastUsage(raw)["cost"]!);
    }

    [Fact]
    public async Task TheStreamedCostIsTheSameFigureAsTheHeaderAndTheSpend()
    {
        using var response = await PostAsync("chat/completions", Body(StreamWithUsage, model: ThinkingModel), option: HttpCompletionOption.ResponseHeadersRead);
        var header = ResponseHeaderTests.Number(response, "x-litellm-response-cost");
        var usage = LastUsage(await response.Content.ReadAsStringAsync());

        Assert.Equal(header, (decimal)usage["cost"]!);
        Assert.Equal(((int)usage["prompt_tokens"]! * 0.00000025m) + ((int)usage["completion_tokens"]! * 0.000001m), header);
        Assert.Equal(header, Emulator.KeySpend);
    }

    [Fact]
    public async Task WithoutIncludeUsageThereIsNoUsageAndSoNoCost()
    {
        var raw = await StreamAsync(Body("\"stream\":true"));

        Assert.DoesNotContain("\"usage\"", raw);
        Assert.DoesNotContain("\"cost\"", raw);
    }

    [Fact]
    public async Task AZeroCostIsLeftOut()
    {
        Emulator.Enqueue(ScriptedReply.Text("free") with { Cost = 0m });
        var scripted = LastUsage(await StreamAsync(Body(StreamWithUsage)));
        var unpriced = LastUsage(await StreamAsync(Body(StreamWithUsage, model: ThinkTagModel)));

        Assert.False(scripted.AsObject().ContainsKey("cost"));
        Assert.False(unpriced.AsObject().ContainsKey("cost"));
        Assert.True((int)unpriced["completion_tokens"]! > 0);
    }

    [Fact]
    public async Task ANonStreamedAnswerHasNoUsageCostByDefault()
    {
        var body = await ChatAsync(Body());

        Assert.False(body["usage"]!.AsObject().ContainsKey("cost"));
    }
}

/// <summary>The switches: a proxy without <c>include_cost_in_streaming_usage</c>, and cost in non-streamed usage.</summary>
public sealed class UsageCostOptionTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions() => new() { TimeProvider = Time, UsageCostOnStreams = false, UsageCostOnCompletions = true };

    [Fact]
    public async Task WithoutStreamingUsageCostTheUsageChunkHasNone()
    {
        var raw = await StreamAsync(Body("\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        var usage = Chunks(raw).Last(c => c["usage"] is not null)["usage"]!.AsObject();

        Assert.True(usage.ContainsKey("total_tokens"));
        Assert.False(usage.ContainsKey("cost"));
    }

    [Fact]
    public async Task ANonStreamedAnswerCarriesItWhenAsked()
    {
        Emulator.Enqueue(ScriptedReply.Text("hi") with { Cost = 0.0000125m });
        using var response = await PostAsync("chat/completions", Body());
        var text = await response.Content.ReadAsStringAsync();

        Assert.Contains("\"cost\":1.25e-05", text);
        Assert.Equal(
            decimal.Parse(ResponseHeaderTests.Value(response, "x-litellm-response-cost")!, NumberStyles.Float, CultureInfo.InvariantCulture),
            (decimal)JsonNode.Parse(text)!["usage"]!["cost"]!);
    }
}
