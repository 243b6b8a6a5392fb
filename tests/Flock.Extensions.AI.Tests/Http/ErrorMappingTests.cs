using System.Net;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>HTTP error answers become <see cref="FlockException"/>s in the core: readable without a body, not retried when final, never carrying the key.</summary>
public sealed class ErrorMappingTests
{
    [Fact]
    public async Task Empty_error_body_says_so()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.ServiceUnavailable, "", "text/plain");

        var ex = await CallAsync(handler, TestFlock.Options());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Contains("503", ex.Message);
        Assert.Contains("empty body", ex.Message);
    }

    [Fact]
    public async Task Bad_request_is_never_retried()
    {
        var handler = new RecordingHandler()
            .Enqueue(HttpStatusCode.BadRequest, """{"error":{"message":"bad","type":"None","param":"None","code":"400"}}""")
            .EnqueueJson(TestFiles.Read("completion.json"));

        var ex = await CallAsync(handler, TestFlock.Options(maxRetries: 2));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task The_key_echoed_in_a_stream_error_is_redacted()
    {
        var sse = $"data: {{\"error\": {{\"message\": \"bad key {TestFlock.ApiKey}\", \"code\": \"401\"}}}}\n\n";
        var handler = new RecordingHandler().EnqueueSse(sse);

        var (_, error) = await Drain.AllAsync(TestFlock.ChatClient(handler).GetStreamingResponseAsync(Calls.Messages()));

        var ex = Assert.IsType<FlockException>(error);
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ToString());
    }

    private static Task<FlockException> CallAsync(RecordingHandler handler, FlockOptions options) =>
        Assert.ThrowsAsync<FlockException>(() => ((IChatClient)TestFlock.ChatClient(handler, options)).GetResponseAsync(Calls.Messages()));
}
