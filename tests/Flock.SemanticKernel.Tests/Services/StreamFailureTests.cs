using System.Net;
using System.Text;
using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>Every way a stream goes wrong ends in a <see cref="FlockException"/> after what did arrive, through both adapters.</summary>
public sealed class StreamFailureTests
{
    public static TheoryData<string> Adapters => new("sk", "meai");

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Error_event_mid_stream_after_the_earlier_updates(string adapter)
    {
        var (texts, error) = await StreamAsync(adapter, TestFiles.Read("stream-mid-error.sse"));

        Assert.Equal(["Partial", " answer"], texts);
        var ex = Flock(error);
        Assert.True(ex.DuringStream);
        Assert.Contains("litellm.APIConnectionError: upstream vLLM server disconnected", ex.Message);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("500", ex.ErrorCode);
        Assert.Null(ex.ErrorType); // the proxy's "None"
        Assert.Null(ex.ErrorParam);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Error_event_followed_by_done_is_still_an_error(string adapter)
    {
        var sse = TestFiles.Read("stream-mid-error.sse") + "data: [DONE]\n\n";

        var (texts, error) = await StreamAsync(adapter, sse);

        Assert.Equal(["Partial", " answer"], texts);
        Assert.True(Flock(error).DuringStream);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Error_as_the_first_event_with_an_integer_code(string adapter)
    {
        const string Sse = "data: {\"error\":{\"message\":\"Invalid model name passed in model=nope\",\"type\":\"invalid_request_error\",\"param\":\"model\",\"code\":400}}\n\n";

        var (texts, error) = await StreamAsync(adapter, Sse);

        Assert.Empty(texts);
        var ex = Flock(error);
        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Equal("invalid_request_error", ex.ErrorType);
        Assert.Equal("model", ex.ErrorParam);
        Assert.Equal("400", ex.ErrorCode);
        Assert.Contains("Invalid model name", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task End_without_done_is_an_error(string adapter)
    {
        var (texts, error) = await StreamAsync(adapter, TestFiles.Read("stream-no-done.sse"));

        Assert.Equal(["Cut", " off"], texts);
        var ex = Flock(error);
        Assert.True(ex.DuringStream);
        Assert.Contains("[DONE]", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Non_json_chunk_is_an_error_with_the_json_exception_inside(string adapter)
    {
        var sse = TestFiles.Read("stream-no-done.sse") + "data: {\"id\": oops}\n\ndata: [DONE]\n\n";

        var (texts, error) = await StreamAsync(adapter, sse);

        Assert.Equal(["Cut", " off"], texts);
        var ex = Flock(error);
        Assert.True(ex.DuringStream);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Http_error_instead_of_a_stream(string adapter)
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.Unauthorized,
            """{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}""");

        var (texts, error) = await StreamAsync(adapter, handler);

        Assert.Empty(texts);
        var ex = Flock(error);
        Assert.False(ex.DuringStream);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("No api key passed in", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Breaking_out_early_disposes_the_response(string adapter)
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-text.sse")));
        var handler = new RecordingHandler().EnqueueStream(body);

        var seen = 0;
        if (adapter == "sk")
        {
            await foreach (var _ in TestSk.Service(handler).GetStreamingChatMessageContentsAsync(TestSk.History()))
            {
                seen++;
                Assert.False(body.Disposed);
                break;
            }
        }
        else
        {
            await foreach (var _ in TestFlock.ChatClient(handler).GetStreamingResponseAsync(Calls.Messages()))
            {
                seen++;
                Assert.False(body.Disposed);
                break;
            }
        }

        Assert.Equal(1, seen);
        Assert.True(body.Disposed);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task A_complete_stream_disposes_the_response(string adapter)
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-text.sse")));

        var (_, error) = await StreamAsync(adapter, new RecordingHandler().EnqueueStream(body));

        Assert.Null(error);
        Assert.True(body.Disposed);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task A_failed_stream_disposes_the_response(string adapter)
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-mid-error.sse")));

        var (_, error) = await StreamAsync(adapter, new RecordingHandler().EnqueueStream(body));

        Flock(error);
        Assert.True(body.Disposed);
    }

    private static Task<(List<string> Texts, Exception? Error)> StreamAsync(string adapter, string sse) =>
        StreamAsync(adapter, new RecordingHandler().EnqueueSse(sse));

    private static async Task<(List<string> Texts, Exception? Error)> StreamAsync(string adapter, RecordingHandler handler)
    {
        if (adapter == "sk")
        {
            // The SK convention (HttpOperationException with the core's exception inside) is asserted here; tests read the inner one.
            var (items, error) = await Drain.AllAsync(TestSk.Service(handler, TestFlock.Options()).GetStreamingChatMessageContentsAsync(TestSk.History()));
            return (items.Where(i => !string.IsNullOrEmpty(i.Content)).Select(i => i.Content!).ToList(), error is null ? null : TestSk.SkError(error));
        }
        else
        {
            IChatClient client = TestFlock.ChatClient(handler, TestFlock.Options());
            var (items, error) = await Drain.AllAsync(client.GetStreamingResponseAsync(Calls.Messages()));
            return (items.Where(i => i.Text.Length > 0).Select(i => i.Text).ToList(), error);
        }
    }

    /// <summary>The library's exception, directly or inside the SK service's HttpOperationException.</summary>
    private static FlockException Flock(Exception? error) =>
        error as FlockException ?? Assert.IsType<FlockException>(error?.InnerException);
}
