using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// Every way a stream goes wrong ends in a <see cref="FlockException"/> after what did arrive, and the response is disposed
/// however the enumeration ends.
/// </summary>
public sealed class StreamFailureTests
{
    [Fact]
    public async Task An_error_event_mid_stream_fails_it_after_the_earlier_updates_with_flocks_fields()
    {
        var (texts, error) = await StreamAsync(TestFiles.Read("stream-mid-error.sse"));

        Assert.Equal(["Partial", " answer"], texts);
        var ex = Assert.IsType<FlockException>(error);
        Assert.True(ex.DuringStream);
        Assert.Contains("litellm.APIConnectionError: upstream vLLM server disconnected", ex.Message);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("500", ex.ErrorCode);
        Assert.Null(ex.ErrorType); // the proxy's "None"
        Assert.Null(ex.ErrorParam);
    }

    [Fact]
    public async Task An_error_event_followed_by_done_is_still_an_error()
    {
        var (texts, error) = await StreamAsync(TestFiles.Read("stream-mid-error.sse") + "data: [DONE]\n\n");

        Assert.Equal(["Partial", " answer"], texts);
        Assert.True(Assert.IsType<FlockException>(error).DuringStream);
    }

    [Fact]
    public async Task An_error_as_the_first_event_with_an_integer_code_is_read_in_full()
    {
        const string Sse = "data: {\"error\":{\"message\":\"Invalid model name passed in model=nope\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":400}}\n\n";

        var (texts, error) = await StreamAsync(Sse);

        Assert.Empty(texts);
        var ex = Assert.IsType<FlockException>(error);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal("model", ex.ErrorParam);
        Assert.Equal("400", ex.ErrorCode);
        Assert.Contains("Invalid model name", ex.Message);
    }

    [Fact]
    public async Task An_end_without_done_is_an_error_after_all_the_text()
    {
        var (texts, error) = await StreamAsync(TestFiles.Read("stream-no-done.sse"));

        Assert.Equal(["Cut", " off"], texts);
        var ex = Assert.IsType<FlockException>(error);
        Assert.True(ex.DuringStream);
        Assert.Contains("[DONE]", ex.Message);
    }

    [Fact]
    public async Task A_chunk_that_is_not_json_is_an_error_with_the_json_exception_inside()
    {
        var (texts, error) = await StreamAsync(TestFiles.Read("stream-no-done.sse") + "data: {\"id\": oops}\n\ndata: [DONE]\n\n");

        Assert.Equal(["Cut", " off"], texts);
        var ex = Assert.IsType<FlockException>(error);
        Assert.True(ex.DuringStream);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }

    [Fact]
    public async Task An_http_error_instead_of_a_stream_is_an_error_before_it()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.Unauthorized,
            """{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}""");

        var (texts, error) = await StreamAsync(handler);

        Assert.Empty(texts);
        var ex = Assert.IsType<FlockException>(error);
        Assert.False(ex.DuringStream);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("No api key passed in", ex.Message);
    }

    [Fact]
    public async Task Breaking_out_early_disposes_the_response()
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-text.sse")));
        var handler = new RecordingHandler().EnqueueStream(body);

        var seen = 0;
        await foreach (var _ in TestFlock.ChatClient(handler).GetStreamingResponseAsync(Calls.Messages()))
        {
            seen++;
            Assert.False(body.Disposed);
            break;
        }

        Assert.Equal(1, seen);
        Assert.True(body.Disposed);
    }

    [Fact]
    public async Task A_complete_stream_disposes_the_response()
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-text.sse")));

        var (_, error) = await StreamAsync(new RecordingHandler().EnqueueStream(body));

        Assert.Null(error);
        Assert.True(body.Disposed);
    }

    [Fact]
    public async Task A_failed_stream_disposes_the_response()
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-mid-error.sse")));

        var (_, error) = await StreamAsync(new RecordingHandler().EnqueueStream(body));

        Assert.IsType<FlockException>(error);
        Assert.True(body.Disposed);
    }

    private static Task<(List<string> Texts, Exception? Error)> StreamAsync(string sse) => StreamAsync(new RecordingHandler().EnqueueSse(sse));

    /// <summary>The non-empty texts of the updates that arrived, and the error the stream ended with (if any).</summary>
    private static async Task<(List<string> Texts, Exception? Error)> StreamAsync(RecordingHandler handler)
    {
        IChatClient client = TestFlock.ChatClient(handler, TestFlock.Options());
        var (items, error) = await Drain.AllAsync(client.GetStreamingResponseAsync(Calls.Messages()));
        return (items.Where(i => i.Text.Length > 0).Select(i => i.Text).ToList(), error);
    }
}
