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
    public async Task DelayHoldsTheResponseUntilTheEmulatorsClockHasMoved()
    {
        Emulator.Enqueue(ScriptedReply.Text("late") with { Delay = TimeSpan.FromHours(1) });
        var answer = ChatAsync(Body());

        Assert.Equal(TimeSpan.FromHours(1), await Time.NextWaitAsync());
        Assert.False(answer.IsCompleted);
        Time.Advance(TimeSpan.FromHours(1));

        var body = await answer.WaitAsync(WatchedClock.HangGuard);
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
    public async Task CutMidStreamEndsTheConnectionAfterEveryChunkBeforeTheCut()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).CutMidStream(afterChunks: 3) with { ChunkSize = 10 });
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
        var chunks = lines.Where(l => l.StartsWith("data: {", StringComparison.Ordinal)).Select(l => JsonNode.Parse(l["data: ".Length..])!).ToList();
        Assert.Equal(3, chunks.Count);
        Assert.Equal(LongText[..30], StreamedText(chunks));
        Assert.DoesNotContain("data: [DONE]", lines);
    }

    [Fact]
    public async Task WithoutDoneEndsCleanlyWithoutDone()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText) with { OmitDone = true });
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
    public async Task StallMidStreamWaitsAfterTheGivenChunkOnTheEmulatorsClock()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).StallMidStream(TimeSpan.FromMinutes(5), afterChunks: 2));
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var before = await ReadDataLinesAsync(reader, 2);
        Assert.Equal(TimeSpan.FromMinutes(5), await Time.NextWaitAsync());
        var next = reader.ReadLineAsync();
        Assert.False(next.IsCompleted, "nothing may arrive while the emulator stalls");

        Time.Advance(TimeSpan.FromMinutes(5));
        var rest = (await next.WaitAsync(WatchedClock.HangGuard)) + "\n" + await reader.ReadToEndAsync();

        Assert.Equal(LongText, StreamedText(before.Concat(Chunks(rest))));
        Assert.EndsWith("data: [DONE]\n\n", rest);
    }

    [Fact]
    public async Task SlowFirstChunkSendsHeadersAtOnceAndTheFirstChunkWhenTheClockAllows()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText) with { FirstChunkDelay = TimeSpan.FromSeconds(90) });
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        Assert.Equal(TimeSpan.FromSeconds(90), await Time.NextWaitAsync());
        var first = reader.ReadLineAsync();
        Assert.False(first.IsCompleted);
        Time.Advance(TimeSpan.FromSeconds(90));

        Assert.StartsWith("data: {", await first.WaitAsync(WatchedClock.HangGuard));
    }

    [Fact]
    public async Task ChunkIntervalTricklesEveryChunkOnTheEmulatorsClock()
    {
        Emulator.Enqueue(ScriptedReply.Text("abcdef") with { ChunkSize = 2, ChunkInterval = TimeSpan.FromSeconds(3) });
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var chunks = await ReadDataLinesAsync(reader, 1);
        for (var i = 0; i < 3; i++)
        {
            // Three more chunks follow "ab": "cd", "ef" and the finishing one, each after one interval.
            Assert.Equal(TimeSpan.FromSeconds(3), await Time.NextWaitAsync());
            Time.Advance(TimeSpan.FromSeconds(3));
            chunks.AddRange(await ReadDataLinesAsync(reader, 1));
        }

        Assert.Equal("abcdef", StreamedText(chunks));
        Assert.Equal("stop", (string?)chunks[^1]["choices"]![0]!["finish_reason"]);
    }

    [Fact]
    public async Task KeepAlivesAreCommentLinesBetweenChunks()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText) with { KeepAlives = true });
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
        Emulator.Enqueue(ScriptedReply.Text(LongText) with { CrLf = true });
        var raw = await StreamAsync(Body("\"stream\":true"));

        Assert.Contains("\r\n\r\n", raw);
        Assert.DoesNotMatch("[^\r]\n", raw);
        Assert.EndsWith("data: [DONE]\r\n\r\n", raw);
    }

    [Fact]
    public async Task StreamFaultsDoNotApplyToNonStreamingRequests()
    {
        Emulator.Enqueue(ScriptedReply.Text("fine").FailMidStream("x").CutMidStream().WithInvalidChunk() with { OmitDone = true });
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
    public async Task DisposeDuringAStallEndsTheStreamWithoutWaitingForTheStall()
    {
        Emulator.Enqueue(ScriptedReply.Text(LongText).StallMidStream(TimeSpan.FromDays(1)));
        using var response = await PostAsync("chat/completions", Body("\"stream\":true"), option: HttpCompletionOption.ResponseHeadersRead);
        var reading = response.Content.ReadAsStringAsync();
        await Time.NextWaitAsync();

        await Emulator.DisposeAsync().AsTask().WaitAsync(WatchedClock.HangGuard);

        // The fake clock never moved, so the stream can only have ended because the emulator stopped.
        await Record.ExceptionAsync(() => reading.WaitAsync(WatchedClock.HangGuard));
        Assert.True(reading.IsCompleted);
    }

    [Fact]
    public void BuilderRejectsNonsense()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Error(42, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Redirect(200, new Uri("http://x/")));
        Assert.Throws<ArgumentException>(() => ScriptedReply.ToolCalls());
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Text("x") with { ChunkSize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Text("x") with { Times = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => ScriptedReply.Text("x") with { Delay = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public void ScriptedRepliesAreValuesChangedWithWith()
    {
        var original = ScriptedReply.Text("x");
        var changed = original with { OmitDone = true };

        Assert.NotSame(original, changed);
        Assert.False(original.OmitDone);
        Assert.True(changed.OmitDone);
        Assert.Equal("Text(x)", original.ToString());
        Assert.Equal(ScriptedReply.Text("x") with { ChunkSize = 3 }, ScriptedReply.Text("x") with { ChunkSize = 3 });
        Assert.NotEqual(ScriptedReply.Text("x"), ScriptedReply.Text("y"));
    }

    [Fact]
    public void HeaderAndFaultHelpersAppendWithoutChangingTheOriginal()
    {
        var original = ScriptedReply.Text("x").WithHeader("a", "1");
        var more = original.WithHeader("b", "2").WithRetryAfter(TimeSpan.FromSeconds(0.2));

        Assert.Equal([new("a", "1")], original.Headers);
        Assert.Equal([new("a", "1"), new("b", "2"), new("retry-after", "1")], more.Headers);
    }

    private static async Task<List<JsonNode>> ReadDataLinesAsync(StreamReader reader, int count)
    {
        var chunks = new List<JsonNode>();
        while (chunks.Count < count)
        {
            var line = await reader.ReadLineAsync().WaitAsync(WatchedClock.HangGuard)
                ?? throw new InvalidOperationException("The stream ended early.");
            if (line.StartsWith("data: {", StringComparison.Ordinal))
            {
                chunks.Add(JsonNode.Parse(line["data: ".Length..])!);
            }
        }

        // The blank line that ends the event was sent with it.
        Assert.Equal("", await reader.ReadLineAsync());
        return chunks;
    }
}
