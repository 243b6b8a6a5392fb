using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// The proxy's controls go out in the form its documentation gives each (a body field or a header), streaming or not, and a
/// value that cannot travel is refused before anything is sent, naming the control.
/// </summary>
public sealed class ProxyControlTests
{
    private static ChatOptions Controls() => new()
    {
        AdditionalProperties = new()
        {
            [FlockParameters.Tags] = new[] { "team-a", "nightly" },
            [FlockParameters.SpendLogsMetadata] = new Dictionary<string, object?> { ["run"] = 7, ["owner"] = "zoë" },
            [FlockParameters.EndUserId] = "customer-42",
            [FlockParameters.RequestTimeout] = TimeSpan.FromSeconds(90),
            [FlockParameters.StreamTimeout] = "15",
            [FlockParameters.NumRetries] = 2,
            [FlockParameters.Fallbacks] = new[] { "deepseek-v3.1", "qwen3-30b-a3b-instruct-2507" },
            [FlockParameters.Cache] = new FlockCacheControl { NoCache = true, Ttl = TimeSpan.FromMinutes(10), Namespace = "docs" },
            [FlockParameters.EnableMessageRedaction] = true,
            [FlockParameters.ExtraHeaders] = new Dictionary<string, string> { ["x-team"] = "blue", ["traceparent"] = "00-abc-def-01" },
        },
    };

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_control_travels_as_the_proxy_documents_it(bool streaming)
    {
        var handler = new RecordingHandler().EnqueueAnswer(streaming, TestFiles.Read(streaming ? "stream-text.sse" : "completion.json"));
        IChatClient client = TestFlock.ChatClient(handler);

        if (streaming)
        {
            await client.GetStreamingResponseAsync("Hi", Controls()).ToListAsync();
        }
        else
        {
            await client.GetResponseAsync("Hi", Controls());
        }

        var request = handler.SingleRequest;
        var body = JsonDocument.Parse(request.Body!).RootElement;
        Assert.Equal("""["team-a","nightly"]""", body.GetProperty("tags").GetRawText());
        Assert.Equal(90, body.GetProperty("timeout").GetDouble());
        Assert.Equal(15, body.GetProperty("stream_timeout").GetDouble());
        Assert.Equal(2, body.GetProperty("num_retries").GetInt32());
        Assert.Equal("""["deepseek-v3.1","qwen3-30b-a3b-instruct-2507"]""", body.GetProperty("fallbacks").GetRawText());
        JsonAssert.Equal("""{"no-cache": true, "ttl": 600, "namespace": "docs"}""", body.GetProperty("cache").GetRawText());
        foreach (var header in new[] { "spend_logs_metadata", "end_user_id", "enable_message_redaction", "extra_headers" })
        {
            Assert.False(body.TryGetProperty(header, out _), $"{header} is a header, not a body field");
        }

        JsonAssert.Equal("""{"run": 7, "owner": "zoë"}""", request.Header("x-litellm-spend-logs-metadata")!);
        Assert.DoesNotContain("ë", request.Header("x-litellm-spend-logs-metadata")!);
        Assert.Equal("customer-42", request.Header("x-litellm-end-user-id"));
        Assert.Equal("true", request.Header("x-litellm-enable-message-redaction"));
        Assert.Equal("blue", request.Header("x-team"));
        Assert.Equal("00-abc-def-01", request.Header("traceparent"));
        Assert.Equal(TestFlock.ApiKey, request.Header("x-litellm-api-key"));
    }

    public static TheoryData<string, object, string> Refused => new()
    {
        { FlockParameters.ExtraHeaders, new Dictionary<string, string> { ["x-litellm-api-key"] = "sk-other" }, "x-litellm-api-key" },
        { FlockParameters.ExtraHeaders, new Dictionary<string, string> { ["Authorization"] = "Bearer sk-other" }, "Authorization" },
        { FlockParameters.ExtraHeaders, new Dictionary<string, string> { ["x-team"] = "a\r\nx-evil: 1" }, "line break" },
        { FlockParameters.ExtraHeaders, new Dictionary<string, string> { ["x-team"] = "équipe" }, "not ASCII" },
        { FlockParameters.ExtraHeaders, new Dictionary<string, string> { ["bad name"] = "x" }, "not a valid header name" },
        { FlockParameters.EndUserId, "someone\nelse", "line break" },
        { FlockParameters.Tags, new[] { "a,b" }, "commas" },
        { FlockParameters.Tags, Enumerable.Range(0, 33).Select(i => $"t{i}").ToArray(), "at most 32" },
        { FlockParameters.Fallbacks, new[] { " " }, "model names" },
        { FlockParameters.NumRetries, 11, "between 0 and 10" },
        { FlockParameters.RequestTimeout, TimeSpan.Zero, "more than 0" },
        { FlockParameters.Cache, new Dictionary<string, object?> { ["max-age"] = 5 }, "no control 'max-age'" },
        { FlockParameters.SpendLogsMetadata, new Dictionary<string, object?> { ["blob"] = new string('x', 9000) }, "1 to 8192 characters" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_control_that_cannot_travel_is_refused_before_sending_naming_it(string control, object value, string reason)
    {
        var handler = new RecordingHandler();
        var options = new ChatOptions { AdditionalProperties = new() { [control] = value } };

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => TestFlock.ChatClient(handler).GetResponseAsync("Hi", options));

        Assert.Equal(control, ex.ParamName);
        Assert.Contains(reason, ex.Message);
        Assert.Empty(handler.Requests);
    }
}
