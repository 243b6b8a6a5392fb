using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>
/// Starts a fresh emulator per test, on a fake clock the test advances, and talks to it with a plain HttpClient
/// (redirects not followed).
/// </summary>
public abstract class EmulatorTestBase : IAsyncLifetime
{
    protected const string Model = "qwen3-30b-a3b-instruct-2507";
    protected const string ThinkingModel = "qwen3-235b-a22b-thinking-2507";
    protected const string ThinkTagModel = "deepseek-r1-distill-qwen-32b";
    protected const string ClosingTagModel = "qwen3-30b-a3b-thinking-2507";

    protected FlockEmulator Emulator { get; private set; } = null!;

    protected HttpClient Http { get; private set; } = null!;

    /// <summary>The emulator's clock, from 2025-06-01 12:00 UTC (the tests' resets and expiries): nothing scripted waits until the test advances it.</summary>
    protected WatchedClock Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>The options each test's emulator starts with; override to change them (keep the fake clock).</summary>
    protected virtual FlockEmulatorOptions CreateOptions() => new() { TimeProvider = Time };

    public async Task InitializeAsync()
    {
        Emulator = await FlockEmulator.StartAsync(CreateOptions());
        Http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = WatchedClock.HangGuard };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    protected Uri Url(string relative) => new(Emulator.Endpoint + "/" + relative.TrimStart('/'));

    /// <summary>A chat body: default model and one user message, plus extra top-level properties.</summary>
    protected static string Body(string extra = "", string content = "Hello there, how are you?", string model = Model)
    {
        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = content }).ToJsonString();
        return $$"""{"model":"{{model}}","messages":{{messages}}{{(extra.Length > 0 ? "," + extra : "")}}}""";
    }

    protected Task<HttpResponseMessage> PostAsync(string path, string json, string? key = null, bool sendKey = true, HttpCompletionOption option = HttpCompletionOption.ResponseContentRead)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url(path)) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (sendKey)
        {
            request.Headers.TryAddWithoutValidation("x-litellm-api-key", key ?? Emulator.ApiKey);
        }

        return Http.SendAsync(request, option);
    }

    protected Task<HttpResponseMessage> GetAsync(string path, bool sendKey = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url(path));
        if (sendKey)
        {
            request.Headers.TryAddWithoutValidation("x-litellm-api-key", Emulator.ApiKey);
        }

        return Http.SendAsync(request);
    }

    /// <summary>Posts a chat request, asserts 200 and returns the parsed body.</summary>
    protected async Task<JsonNode> ChatAsync(string json)
    {
        using var response = await PostAsync("chat/completions", json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Posts a request expected to fail and returns status plus the error object.</summary>
    protected async Task<(int Status, JsonNode Error)> ErrorAsync(string json, string path = "chat/completions")
    {
        using var response = await PostAsync(path, json);
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, text);
        var error = JsonNode.Parse(text)!["error"];
        Assert.NotNull(error);
        return ((int)response.StatusCode, error!);
    }

    /// <summary>Posts a streaming request, asserts an SSE 200 and returns the raw stream text.</summary>
    protected async Task<string> StreamAsync(string json)
    {
        using var response = await PostAsync("chat/completions", json, option: HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    protected static List<string> Lines(string raw) => raw.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();

    protected static List<string> DataLines(string raw) =>
        Lines(raw).Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l["data: ".Length..]).ToList();

    /// <summary>The parsed chunk events (everything but <c>[DONE]</c>).</summary>
    protected static List<JsonNode> Chunks(string raw) =>
        DataLines(raw).Where(d => d != "[DONE]").Select(d => JsonNode.Parse(d)!).ToList();

    /// <summary>Concatenates a choice's streamed content.</summary>
    protected static string StreamedText(IEnumerable<JsonNode> chunks, int index = 0, string field = "content") => string.Concat(
        chunks.SelectMany(c => c["choices"]!.AsArray())
              .Where(c => (int)c!["index"]! == index)
              .Select(c => (string?)c!["delta"]?[field] ?? ""));

    protected static MediaTypeHeaderValue? ContentType(HttpResponseMessage response) => response.Content.Headers.ContentType;
}
