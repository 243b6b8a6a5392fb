using System.Net;
using Flock.Extensions.AI;
using Flock.Emulator;

namespace Flock.SemanticKernel.IntegrationTests.Reliability;

/// <summary>
/// Faults after HTTP 200, and the two timeouts, over HTTP against the emulator through both adapters: each ends the
/// enumeration with a clear exception after the updates that did arrive, none passes for success, none hangs.
/// </summary>
public sealed class StreamFaultTests : EmulatorTest
{
    private const string Full = "Alpha Bravo Charlie Delta Echo Foxtrot Golf Hotel.";

    private static ScriptedReply Reply() => ScriptedReply.Text(Full) with { ChunkSize = 6 };

    private static void AssertPartial(Calls.Outcome outcome)
    {
        Assert.NotEmpty(outcome.Texts);
        Assert.StartsWith(outcome.Text, Full, StringComparison.Ordinal);
        Assert.True(outcome.Text.Length < Full.Length, $"the whole text arrived: {outcome.Text}");
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task The_proxys_error_event_ends_the_stream_after_what_arrived(string adapter)
    {
        Emulator.Enqueue(Reply().FailMidStream("litellm.APIConnectionError: vLLM disconnected\nTraceback (most recent call last): ...", afterChunks: 3));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        AssertPartial(outcome);
        var ex = Assert.IsType<FlockException>(outcome.Error);
        Assert.True(ex.DuringStream);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("500", ex.ErrorCode);
        Assert.Contains("vLLM disconnected", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task An_error_event_followed_by_done_is_still_an_error(string adapter)
    {
        Emulator.Enqueue(Reply().FailMidStream("upstream failure", afterChunks: 3, thenDone: true));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        AssertPartial(outcome);
        Assert.True(Assert.IsType<FlockException>(outcome.Error).DuringStream);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task An_error_as_the_first_event_of_a_200_stream(string adapter)
    {
        Emulator.Enqueue(Reply().FailMidStream("Invalid model name passed in model=x", afterChunks: 0));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        Assert.Empty(outcome.Texts);
        Assert.Contains("Invalid model name", Assert.IsType<FlockException>(outcome.Error).Message);
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task A_connection_reset_is_a_lost_connection_after_what_arrived(string adapter)
    {
        Emulator.Enqueue(Reply().CutMidStream(afterChunks: 3));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        AssertPartial(outcome);
        var ex = Assert.IsType<FlockException>(outcome.Error);
        Assert.True(ex.DuringStream);
        Assert.True(ex.Message.Contains("connection to Flock was lost", StringComparison.Ordinal) || ex.Message.Contains("[DONE]", StringComparison.Ordinal), ex.Message);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task An_end_without_done_is_an_error_after_all_the_text(string adapter)
    {
        Emulator.Enqueue((Reply() with { OmitDone = true }));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        Assert.Equal(Full, outcome.Text);
        var ex = Assert.IsType<FlockException>(outcome.Error);
        Assert.True(ex.DuringStream);
        Assert.Contains("[DONE]", ex.Message);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task A_chunk_that_is_not_json_is_an_error_after_what_arrived(string adapter)
    {
        Emulator.Enqueue(Reply().WithInvalidChunk(afterChunks: 3));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        AssertPartial(outcome);
        var ex = Assert.IsType<FlockException>(outcome.Error);
        Assert.True(ex.DuringStream);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task A_stalled_stream_is_a_stream_idle_timeout_after_what_arrived(string adapter)
    {
        Emulator.Enqueue(Reply().StallMidStream(TimeSpan.FromSeconds(5), afterChunks: 3));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options(o => o.StreamIdleTimeout = TimeSpan.FromMilliseconds(300))));

        AssertPartial(outcome);
        var ex = Assert.IsType<FlockTimeoutException>(outcome.Error);
        Assert.Equal(FlockTimeoutKind.StreamIdle, ex.Kind);
        Assert.Equal(TimeSpan.FromMilliseconds(300), ex.Timeout);
        Assert.True(ex.DuringStream);
        Assert.Contains("stream idle timeout", ex.Message);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(4.5), $"took {outcome.Elapsed}: the stall was waited out");
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task Keep_alive_comments_keep_a_slow_stream_alive(string adapter)
    {
        // Keep-alives are bytes: a stream that sends them is slow, not stalled.
        Emulator.Enqueue((Reply() with { KeepAlives = true }));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options(o => o.StreamIdleTimeout = TimeSpan.FromSeconds(2))));

        Assert.Null(outcome.Error);
        Assert.Equal(Full, outcome.Text);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task The_request_timeout_fires_mid_stream_and_says_so(string adapter)
    {
        Emulator.Enqueue(Reply().StallMidStream(TimeSpan.FromSeconds(6), afterChunks: 3));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options(o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(1);
            o.StreamIdleTimeout = TimeSpan.FromSeconds(20);
        })));

        AssertPartial(outcome);
        var ex = Assert.IsType<FlockTimeoutException>(outcome.Error);
        Assert.Equal(FlockTimeoutKind.Request, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(1), ex.Timeout);
        Assert.Contains("request timeout", ex.Message);
        Assert.True(outcome.Elapsed >= TimeSpan.FromMilliseconds(900) && outcome.Elapsed < TimeSpan.FromSeconds(5.5), $"took {outcome.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task The_request_timeout_fires_before_the_response_and_is_not_retried(string adapter, bool streaming)
    {
        Emulator.Enqueue(((Reply() with { Delay = TimeSpan.FromSeconds(5) }) with { Times = 3 }));

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options(o => o.RequestTimeout = TimeSpan.FromMilliseconds(300))));

        var ex = Assert.IsType<FlockTimeoutException>(outcome.Error);
        Assert.Equal(FlockTimeoutKind.Request, ex.Kind);
        Assert.False(ex.DuringStream);
        Assert.Empty(outcome.Texts);
        Assert.Single(Emulator.Requests);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(4.5), $"took {outcome.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Cancelling_before_the_response_is_an_operation_canceled_exception(string adapter, bool streaming)
    {
        Emulator.Enqueue((Reply() with { Delay = TimeSpan.FromSeconds(5) }));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options(o => o.RequestTimeout = TimeSpan.FromSeconds(20))), cts.Token);

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(4.5), $"took {outcome.Elapsed}");
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task Cancelling_mid_stream_is_an_operation_canceled_exception_not_a_timeout(string adapter)
    {
        Emulator.Enqueue(Reply().StallMidStream(TimeSpan.FromSeconds(5), afterChunks: 3));
        using var cts = new CancellationTokenSource();

        var outcome = await Calls.StreamAsync(
            adapter,
            new FlockClient(Options(o => o.StreamIdleTimeout = TimeSpan.FromSeconds(20))),
            cts.Token,
            onUpdate: n => cts.CancelAfter(TimeSpan.FromMilliseconds(200)));

        AssertPartial(outcome);
        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
        Assert.True(outcome.Elapsed < TimeSpan.FromSeconds(4.5), $"took {outcome.Elapsed}");
    }
}
