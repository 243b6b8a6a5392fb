using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

public sealed class FaultTests : EmulatorTestBase
{
    private const string LongText = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen";

    [Fact]
    public async Task ScriptedErrorHasProxyShapeAndRetryAfterSeconds()
    {
        Emulator.Enqueue(ScriptedReply.Error(429, "Rate limit exceeded for key", "rate_limit", "None").WithRetryAfter(TimeSpan.FromSeconds(1.2)));
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"));
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("application/json", ContentType(response)?.MediaType);
        Assert.Equal("2", response.Headers.GetValues("retry-after").Single());
        Assert.Equal("Rate limit exceeded for key", (string?)error["message"]);
        Assert.Equal("rate_limit", (string?)error["type"]);
        Assert.Equal("None", (string?)error["param"]);
        Assert.Equal("429", (string?)error["code"]);
    }

    [Fact]
    public async Task ScriptedErrorWithRetryAfterDateAndNullTypeParam()
    {
        var when = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        Emulator.Enqueue(ScriptedReply.Error(503, "busy").WithRetryAfterDate(when));
        using var response = await PostAsync("chat/completions", Body());
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.AsObject();

        Assert.Equal(503, (int)response.StatusCode);
        Assert.Equal(when, response.Headers.RetryAfter?.Date);
        Assert.True(error.ContainsKey("type") && error["type"] is null);
        Assert.True(error.ContainsKey("param") && error["param"] is null);
    }

    [Fact]
    public async Task RawHtmlBody()
    {
        const string html = "<html><body><h1>502 Bad Gateway</h1></body></html>";
        Emulator.Enqueue(ScriptedReply.RawBody(502, "text/html", html));
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal(502, (int)response.StatusCode);
        Assert.Equal("text/html", ContentType(response)?.MediaType);
        Assert.Equal(html, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RedirectSendsLocation()
    {
        var target = new Uri("http://127.0.0.1:1/v1/chat/completions");
        Emulator.Enqueue(ScriptedReply.Redirect(307, target));
        using var response = await PostAsync("chat/completions", Body());

        Assert.Equal(307, (int)response.StatusCode);
        Assert.Equal(target, response.Headers.Location);
    }

    [Fact]
    public async Task DelayHoldsTheResponse()
    {
        Emulator.Enqueue(ScriptedReply.Text("late").WithDelay(TimeSpan.FromMilliseconds(400)));
        var watch = Stopwatch.StartNew();
        var body = await ChatAsync(Body());

        Assert.True(watch.ElapsedMilliseconds >= 380, $"{watch.ElapsedMilliseconds} ms");
        Assert.Equal("late", (string?)body["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public async Task FailMidStreamSendsPythonStyleErrorAndNoDone()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).FailMidStream("Traceback: upstream died – sorry", afterChunks: 2));
        var raw = await StreamAsync(Body("\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        var data = DataLines(raw);

        Assert.Equal(3, data.Count);
        Assert.DoesNotContain("[DONE]", data);
        var last = data[^1];
        Assert.StartsWith("{\"error\": {\"message\": ", last);
        Assert.Contains("\\u2013", last);
        var error = JsonNode.Parse(last)!["error"]!;
        Assert.Equal("Traceback: upstream died – sorry", (string?)error["message"]);
        Assert.Equal("500", (string?)error["code"]);
        Assert.All(data.Take(2), d => Assert.Equal("chat.completion.chunk", (string?)JsonNode.Parse(d)!["object"]));
    }

    [Fact]
    public async Task CutMidStreamAbortsTheConnection()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).CutMidStream());
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);

        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new List<string>();
        var ex = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lines.Add(line);
            }
        });

        Assert.NotNull(ex);
        Assert.True(ex is HttpRequestException or IOException, ex.GetType().FullName);
        Assert.Contains(lines, l => l.StartsWith("data: {", StringComparison.Ordinal));
        Assert.DoesNotContain("data: [DONE]", lines);
    }

    [Fact]
    public async Task WithoutDoneEndsCleanlyWithoutDone()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).WithoutDone());
        var raw = await StreamAsync(Body("\"stream\":true"));
        var chunks = Chunks(raw);

        Assert.DoesNotContain("[DONE]", raw);
        Assert.Equal(LongText, StreamedText(chunks));
        Assert.Equal("stop", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task InvalidChunkIsInsertedAndTheStreamContinues()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).WithInvalidChunk(afterChunks: 1));
        var raw = await StreamAsync(Body("\"stream\":true"));
        var data = DataLines(raw);

        Assert.Equal("{not json", data[1]);
        Assert.Equal("[DONE]", data[^1]);
        Assert.Equal(LongText, StreamedText(data.Where(d => d is not "{not json" and not "[DONE]").Select(d => JsonNode.Parse(d)!)));
    }

    [Fact]
    public async Task StallMidStreamPausesBetweenChunks()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).StallMidStream(TimeSpan.FromMilliseconds(1500), afterChunks: 2));
        var lines = (await TimedLinesAsync(Body("\"stream\":true"))).Where(l => l.Line.StartsWith("data: ", StringComparison.Ordinal)).ToList();

        var stallGap = lines[2].Ms - lines[1].Ms;
        // Generous margin: on a loaded 2-core machine the client may read the chunk before the stall late.
        Assert.True(stallGap >= 1000, $"gap {stallGap} ms");
        Assert.True(lines[1].Ms - lines[0].Ms < stallGap, "the stall comes after the second chunk, not before it");
        Assert.Equal("data: [DONE]", lines[^1].Line);
    }

    [Fact]
    public async Task KeepAlivesAreCommentLinesBetweenChunks()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).WithKeepAlives());
        var raw = await StreamAsync(Body("\"stream\":true"));
        var lines = Lines(raw).Where(l => l.Length > 0).ToList();

        var pings = lines.Count(l => l.StartsWith(": ping", StringComparison.Ordinal));
        Assert.Equal(Chunks(raw).Count - 1, pings);
        Assert.StartsWith("data: ", lines[0]);
        Assert.Equal(LongText, StreamedText(Chunks(raw)));
    }

    [Fact]
    public async Task CrLfLineEndings()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).WithCrLf());
        var raw = await StreamAsync(Body("\"stream\":true"));

        Assert.Contains("\r\n\r\n", raw);
        Assert.DoesNotMatch("[^\r]\n", raw);
        Assert.EndsWith("data: [DONE]\r\n\r\n", raw);
    }

    [Fact]
    public async Task StreamFaultsDoNotApplyToNonStreamingRequests()
    {
        Emulator.Enqueue(ScriptedReply.Text("fine").FailMidStream("x").CutMidStream().WithInvalidChunk().WithoutDone());
        var body = await ChatAsync(Body());
        Assert.Equal("fine", (string?)body["choices"]![0]!["message"]!["content"]);
    }

    [Fact]
    public async Task ScriptedHeadersAreSentOnSuccessToo()
    {
        Emulator.Enqueue(ScriptedReply.Text("ok").WithHeader("x-test", "yes"));
        using var response = await PostAsync("chat/completions", Body());
        Assert.Equal("yes", response.Headers.GetValues("x-test").Single());
    }

    [Fact]
    public async Task DisposeDuringAStallIsQuick()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).StallMidStream(TimeSpan.FromSeconds(30)));
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);
        var reading = response.Content.ReadAsStringAsync();
        await Task.Delay(100);

        var watch = Stopwatch.StartNew();
        await Emulator.DisposeAsync();
        Assert.True(watch.ElapsedMilliseconds < 3000, $"{watch.ElapsedMilliseconds} ms");
        await Record.ExceptionAsync(() => reading);
    }

    [Fact]
    public void BuilderRejectsNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Error(42, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Redirect(200, new Uri("http://x/")));
        Assert.Throws<ArgumentException>(() => ScriptedReply.ToolCalls());
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Text("x").WithChunkSize(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Text("x").Times(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Text("x").WithDelay(TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void ModifiersReturnNewInstances()
    {
        var original = ScriptedReply.Text("x");
        var changed = original.WithoutDone();
        Assert.NotSame(original, changed);
        Assert.Equal("Text(x)", original.ToString());
    }
}
