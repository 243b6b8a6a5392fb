using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Flock.Emulator.Recording;

namespace Flock.Emulator.Tests;

/// <summary>
/// Record against a second emulator acting as the real service, stop it, replay offline: the client must get the same
/// bytes. Never the internet.
/// </summary>
public sealed class RecordReplayTests : IAsyncLifetime
{
    private const string UpstreamKey = "sk-upstream-secret-key-0042";
    private const string Model = "qwen3-30b-a3b-instruct-2507";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "flock-recordings-" + Guid.NewGuid().ToString("N"));
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = WatchedClock.HangGuard };
    private FlockEmulator _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = UpstreamKey });

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _upstream.DisposeAsync();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task ReplayGivesTheRecordedBytesWithTheUpstreamStopped()
    {
        _upstream.Enqueue(ScriptedReply.Reasoning("Think first.", "Streamed answer, piece by piece.") with { ChunkSize = 7 });
        var streaming = Body("Tell me a story", stream: true);
        var plain = Body("And a short one");

        List<Exchanged> recorded;
        await using (var recorder = await StartRecorderAsync())
        {
            recorded = [await SendAsync(recorder, HttpMethod.Post, "chat/completions", streaming), await SendAsync(recorder, HttpMethod.Post, "chat/completions", plain), await SendAsync(recorder, HttpMethod.Get, "models")];
            Assert.Equal(3, recorder.Requests.Count);
        }

        Assert.Equal(3, _upstream.Requests.Count);
        await _upstream.DisposeAsync();

        await using var replayer = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) });
        var replayed = new[]
        {
            await SendAsync(replayer, HttpMethod.Post, "chat/completions", streaming),
            await SendAsync(replayer, HttpMethod.Post, "chat/completions", plain),
            await SendAsync(replayer, HttpMethod.Get, "models"),
        };

        for (var i = 0; i < recorded.Count; i++)
        {
            Assert.Equal(recorded[i].Status, replayed[i].Status);
            Assert.Equal(recorded[i].Body, replayed[i].Body);
            Assert.Equal(recorded[i].ContentType, replayed[i].ContentType);
            Assert.Equal(recorded[i].CallId, replayed[i].CallId);
            Assert.Equal(recorded[i].Cost, replayed[i].Cost);
        }

        var stream = Encoding.UTF8.GetString(replayed[0].Body);
        var file = Directory.GetFiles(_directory).Single(f => File.ReadAllText(f).Contains("Tell me a story", StringComparison.Ordinal));
        var segments = JsonNode.Parse(await File.ReadAllTextAsync(file))!["response"]!["body"]!.AsArray().Select(s => (string)s!).ToList();
        Assert.Equal(stream.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(e => e + "\n\n"), segments);
        Assert.StartsWith("data: {", stream);
        Assert.EndsWith("data: [DONE]\n\n", stream);
        Assert.Contains("\"reasoning_content\":\"Think f\"", stream);
        Assert.NotNull(replayed[0].Cost);
    }

    [Fact]
    public async Task RecordingsHoldNeitherTheKeyNorAnyAuthHeader()
    {
        await using (var recorder = await StartRecorderAsync())
        {
            var request = new HttpRequestMessage(HttpMethod.Post, recorder.Endpoint + "/chat/completions") { Content = Json(Body("hi")) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", recorder.ApiKey);
            using var response = await _http.SendAsync(request);
            Assert.Equal(200, (int)response.StatusCode);
        }

        // The upstream saw its own key, sent by the recorder; the client's key went only to the recorder.
        Assert.Equal(UpstreamKey, _upstream.AssertSingleChat().Header("x-litellm-api-key"));
        Assert.Null(_upstream.Requests[0].Header("Authorization"));

        var file = Assert.Single(Directory.GetFiles(_directory));
        var text = await File.ReadAllTextAsync(file);
        Assert.DoesNotContain(UpstreamKey, text);
        Assert.DoesNotContain("sk-flock-emulator", text);
        Assert.DoesNotContain("authorization", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("x-litellm-api-key", text, StringComparison.OrdinalIgnoreCase);
        var root = JsonNode.Parse(text)!;
        Assert.Equal("POST", (string?)root["request"]!["method"]);
        Assert.Equal("hi", (string?)root["request"]!["body"]!["messages"]![0]!["content"]);
        Assert.StartsWith("post_chat-completions_", Path.GetFileName(file));
    }

    [Fact]
    public async Task TheSameRequestRecordedTwiceIsReplayedInOrderThenTheLastRepeats()
    {
        _upstream.Enqueue(ScriptedReply.Error(429, "Rate limit exceeded").WithRetryAfter(TimeSpan.FromSeconds(3)))
            .Enqueue(ScriptedReply.Text("finally"));
        var body = Body("again");
        await using (var recorder = await StartRecorderAsync())
        {
            Assert.Equal(429, (await SendAsync(recorder, HttpMethod.Post, "chat/completions", body)).Status);
            Assert.Equal(200, (await SendAsync(recorder, HttpMethod.Post, "chat/completions", body)).Status);
        }

        await using var replayer = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) });
        var first = await SendAsync(replayer, HttpMethod.Post, "chat/completions", body);
        var second = await SendAsync(replayer, HttpMethod.Post, "chat/completions", body);
        var third = await SendAsync(replayer, HttpMethod.Post, "chat/completions", body);

        Assert.Equal((429, "3"), (first.Status, first.RetryAfter));
        Assert.Equal(200, second.Status);
        Assert.Equal(second.Body, third.Body);
        Assert.Contains("finally", Encoding.UTF8.GetString(second.Body));
    }

    [Fact]
    public async Task RequestsMatchByCanonicalJsonWithOrWithoutV1()
    {
        await using (var recorder = await StartRecorderAsync())
        {
            await SendAsync(recorder, HttpMethod.Post, "chat/completions", $$"""{"model":"{{Model}}","temperature":0.70,"messages":[{"role":"user","content":"hi"}]}""");
            await SendAsync(recorder, HttpMethod.Get, "model/info");
        }

        await using var replayer = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) });
        var reordered = await SendAsync(replayer, HttpMethod.Post, "chat/completions", $$"""
            { "messages": [ { "content": "hi", "role": "user" } ], "temperature": 7e-1, "model": "{{Model}}" }
            """);
        var rootInfo = await SendAsync(replayer, HttpMethod.Get, "../model/info");

        Assert.Equal(200, reordered.Status);
        Assert.Equal(200, rootInfo.Status);
        Assert.Contains("model_info", Encoding.UTF8.GetString(rootInfo.Body));
    }

    [Fact]
    public async Task ARequestWithoutRecordingGets404NamingItAndTheDirectory()
    {
        await using (var recorder = await StartRecorderAsync())
        {
            await SendAsync(recorder, HttpMethod.Post, "chat/completions", Body("recorded"));
        }

        await using var replayer = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) });
        var missing = await SendAsync(replayer, HttpMethod.Post, "chat/completions", Body("recorded", stream: true));
        var error = JsonNode.Parse(missing.Body)!["error"]!;
        var message = (string)error["message"]!;

        Assert.Equal(404, missing.Status);
        Assert.Equal("replay_no_recording", (string?)error["type"]);
        Assert.Contains("POST /v1/chat/completions", message);
        Assert.Contains("\"stream\":true", message);
        Assert.Contains(_directory, message);
        Assert.Contains("1 recordings", message);
    }

    [Fact]
    public async Task AnUpstreamCutIsRecordedAndReplayedAsACutAfterTheSameBytes()
    {
        _upstream.Enqueue(ScriptedReply.Text("one two three four five six").CutMidStream(afterChunks: 2) with { ChunkSize = 4 });
        var body = Body("cut me", stream: true);
        Exchanged recorded;
        await using (var recorder = await StartRecorderAsync())
        {
            recorded = await SendAsync(recorder, HttpMethod.Post, "chat/completions", body);
        }

        await using var replayer = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) });
        var replayed = await SendAsync(replayer, HttpMethod.Post, "chat/completions", body);

        Assert.NotNull(recorded.ReadError);
        Assert.NotNull(replayed.ReadError);
        Assert.Equal(recorded.Body, replayed.Body);
        Assert.Equal(2, Encoding.UTF8.GetString(replayed.Body).Split("data: {").Length - 1);
        Assert.Equal(true, (bool?)JsonNode.Parse(await File.ReadAllTextAsync(Directory.GetFiles(_directory).Single()))!["response"]!["truncated"]);
    }

    [Fact]
    public async Task ReplayFromAMissingDirectoryFailsAtStart()
    {
        var ex = await Assert.ThrowsAsync<DirectoryNotFoundException>(
            () => FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) }));
        Assert.Contains(_directory, ex.Message);
    }

    [Fact]
    public async Task RecordAndReplayTogetherAreRefused()
    {
        var options = new FlockEmulatorOptions { Record = new RecordOptions(_directory, _upstream.Endpoint, UpstreamKey), Replay = new ReplayOptions(_directory) };
        await Assert.ThrowsAsync<ArgumentException>(() => FlockEmulator.StartAsync(options));
    }

    [Fact]
    public void SegmentsSurviveTheFileByteForByteEvenWhenOneEndsInsideACharacter()
    {
        var euro = Encoding.UTF8.GetBytes("€");
        byte[][] segments = [Encoding.UTF8.GetBytes("data: a"), [.. Encoding.UTF8.GetBytes("b"), euro[0]], [euro[1], euro[2], (byte)'\n']];
        var exchange = new Exchange("POST", "/v1/chat/completions", "", [], Encoding.UTF8.GetBytes("{}"), 200, [new("content-type", "text/event-stream")], segments, false);

        var json = exchange.ToJson(exchange.MatchKey);
        var back = Exchange.FromJson(json, "test.json");

        Assert.Contains("bodyBase64", json);
        Assert.Equal(segments, back.Segments);
        Assert.Equal(exchange.MatchKey, back.MatchKey);
    }

    [Theory]
    [InlineData("data: a\n\ndata: b\n\n", new[] { "data: a\n\n", "data: b\n\n" })]
    [InlineData("data: a\r\n\r\n: ping\r\n\r\ndata: [DONE]\r\n\r\n", new[] { "data: a\r\n\r\n", ": ping\r\n\r\n", "data: [DONE]\r\n\r\n" })]
    [InlineData("data: a\n\ndata: b", new[] { "data: a\n\n", "data: b" })]
    [InlineData("data: {\"x\":1,\ndata: \"y\":2}\n\n", new[] { "data: {\"x\":1,\ndata: \"y\":2}\n\n" })]
    public void StreamsAreStoredOneEventPerSegment(string body, string[] events) =>
        Assert.Equal(events, Recorder.SplitEvents(Encoding.UTF8.GetBytes(body)).Select(Encoding.UTF8.GetString));

    [Fact]
    public void TextSegmentsStayReadableInTheFile()
    {
        byte[][] segments = [Encoding.UTF8.GetBytes("data: {\"x\":\"é\"}\n\n"), Encoding.UTF8.GetBytes("data: [DONE]\n\n")];
        var exchange = new Exchange("POST", "/v1/chat/completions", "", [], [], 200, [], segments, false);

        var json = exchange.ToJson(exchange.MatchKey);

        Assert.Contains("\"body\": [", json);
        Assert.Contains("data: [DONE]", json);
        Assert.Equal(segments, Exchange.FromJson(json, "test.json").Segments);
    }

    private Task<FlockEmulator> StartRecorderAsync() =>
        FlockEmulator.StartAsync(new FlockEmulatorOptions { Record = new RecordOptions(_directory, _upstream.Endpoint, UpstreamKey) });

    private static string Body(string content, bool stream = false) =>
        $$"""{"model":"{{Model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{content}}"}]}""";

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<Exchanged> SendAsync(FlockEmulator emulator, HttpMethod method, string path, string? body = null)
    {
        var request = new HttpRequestMessage(method, new Uri(emulator.Endpoint + "/" + path));
        if (body is not null)
        {
            request.Content = Json(body);
        }

        request.Headers.TryAddWithoutValidation("x-litellm-api-key", emulator.ApiKey);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var buffer = new MemoryStream();
        Exception? readError = null;
        try
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(buffer);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            readError = ex;
        }

        string? Header(string name) => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
        return new((int)response.StatusCode, buffer.ToArray(), response.Content.Headers.ContentType?.ToString(), Header("x-litellm-call-id"), Header("x-litellm-response-cost"), Header("retry-after"), readError);
    }

    private sealed record Exchanged(int Status, byte[] Body, string? ContentType, string? CallId, string? Cost, string? RetryAfter, Exception? ReadError);
}
