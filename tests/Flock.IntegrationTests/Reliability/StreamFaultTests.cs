using System.Net;
using Flock.Extensions.AI;
using Flock.Emulator;

namespace Flock.IntegrationTests.Reliability;

/// <summary>
/// Faults after HTTP 200 over HTTP against the emulator through both adapters: each ends the enumeration with a clear
/// exception after the updates that did arrive, none passes for success, none hangs. The timeouts are tested on a fake
/// clock in the core's Http/TimeoutTests.
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
        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
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
        Assert.True(HostileServerTests.Flock<FlockException>(outcome.Error).DuringStream);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task An_error_as_the_first_event_of_a_200_stream(string adapter)
    {
        Emulator.Enqueue(Reply().FailMidStream("Invalid model name passed in model=x", afterChunks: 0));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        Assert.Empty(outcome.Texts);
        Assert.Contains("Invalid model name", HostileServerTests.Flock<FlockException>(outcome.Error).Message);
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task A_connection_reset_is_a_lost_connection_after_what_arrived(string adapter)
    {
        Emulator.Enqueue(Reply().CutMidStream(afterChunks: 3));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        AssertPartial(outcome);
        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
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
        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
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
        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.True(ex.DuringStream);
        Assert.IsAssignableFrom<System.Text.Json.JsonException>(ex.InnerException);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task Keep_alive_comments_between_events_do_no_harm(string adapter)
    {
        // Keep-alives do not count as events for the timeouts (see the core's Http/TimeoutTests); here they only must not disturb parsing.
        Emulator.Enqueue((Reply() with { KeepAlives = true }));

        var outcome = await Calls.StreamAsync(adapter, new FlockClient(Options()));

        Assert.Null(outcome.Error);
        Assert.Equal(Full, outcome.Text);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Cancelling_before_the_response_is_an_operation_canceled_exception(string adapter, bool streaming)
    {
        Emulator.Enqueue((Reply() with { Delay = TimeSpan.FromSeconds(30) }));
        using var cts = new CancellationTokenSource();
        var call = Calls.RunAsync(adapter, streaming, new FlockClient(Options()), cts.Token);
        while (Emulator.Requests.Count == 0 && !call.IsCompleted)
        {
            await Task.Delay(5); // polling for the request to arrive; nothing is timed
        }

        await cts.CancelAsync();
        var outcome = await call;

        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task Cancelling_mid_stream_is_an_operation_canceled_exception_not_a_timeout(string adapter)
    {
        Emulator.Enqueue(Reply().StallMidStream(TimeSpan.FromSeconds(5), afterChunks: 3));
        using var cts = new CancellationTokenSource();

        var outcome = await Calls.StreamAsync(
            adapter,
            new FlockClient(Options()),
            cts.Token,
            onUpdate: n =>
            {
                if (n == 3)
                {
                    cts.Cancel();
                }
            });

        AssertPartial(outcome);
        Assert.IsAssignableFrom<OperationCanceledException>(outcome.Error);
    }
}
