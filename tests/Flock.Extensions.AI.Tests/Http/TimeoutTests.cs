using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// The four timeouts, on a fake clock: the request deadline, the stream's first-event and between-events timeouts (counted
/// in complete data events: keep-alive comments and trickled bytes do not count) and the non-streaming body timeout.
/// </summary>
public sealed class TimeoutTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task The_request_timeout_fires_on_the_clients_clock_before_any_answer()
    {
        var clock = FakeClock.Create();
        DateTimeOffset? firedAt = null;
        var handler = new RecordingHandler().Enqueue(async ct =>
        {
            using var _ = ct.Register(() => firedAt = clock.GetUtcNow()); // the exact moment the client gave up
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            throw new InvalidOperationException("unreachable");
        });
        var start = clock.GetUtcNow();

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock)), 5 * Second);

        var ex = Assert.IsType<FlockTimeoutException>(error);
        Assert.Equal(FlockTimeoutKind.Request, ex.Kind);
        Assert.Equal(TimeSpan.FromMinutes(10), ex.Timeout);
        Assert.Equal(HttpStatusCode.RequestTimeout, ex.StatusCode);
        Assert.InRange(firedAt!.Value - start, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10) + (5 * Second));
    }

    [Fact]
    public async Task Keep_alive_comments_do_not_count_as_a_first_event()
    {
        var clock = FakeClock.Create();
        var pings = Enumerable.Repeat((TimeSpan.FromSeconds(10), ": ping - 2026-01-15 12:00:00\n\n"), 100).ToArray();
        var body = PacedStream.Of(clock, false, pings);
        var handler = new RecordingHandler().EnqueueStream(body);
        var start = clock.GetUtcNow();

        var (text, error) = await clock.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock)), Second);

        Assert.Equal("", text);
        var ex = Assert.IsType<FlockTimeoutException>(error);
        Assert.Equal(FlockTimeoutKind.StreamFirstEvent, ex.Kind);
        Assert.Equal(TimeSpan.FromMinutes(3), ex.Timeout);
        Assert.True(ex.DuringStream);
        Assert.InRange(body.CancelledAt!.Value - start, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3) + Second);
    }

    [Fact]
    public async Task A_first_event_trickled_one_byte_a_second_times_out_at_the_first_event_timeout()
    {
        var clock = FakeClock.Create();
        var body = PacedStream.Trickle(clock, Transport.Event(new string('x', 400)) + Transport.Done, Second);
        var handler = new RecordingHandler().EnqueueStream(body);
        var start = clock.GetUtcNow();

        var (_, error) = await clock.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock)), Second);

        Assert.Equal(FlockTimeoutKind.StreamFirstEvent, Assert.IsType<FlockTimeoutException>(error).Kind);
        Assert.InRange(body.CancelledAt!.Value - start, TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(3) + Second);
    }

    [Fact]
    public async Task A_stream_that_trickles_after_its_first_events_times_out_between_events_after_what_arrived()
    {
        var clock = FakeClock.Create();
        var first = Transport.Event("Cut") + Transport.Event(" off");
        var trickle = Encoding.UTF8.GetBytes(Transport.Event(new string('y', 300))).Select(b => (Second, new[] { b }));
        var body = new PacedStream(clock, new[] { (TimeSpan.Zero, Encoding.UTF8.GetBytes(first)) }.Concat(trickle));
        var handler = new RecordingHandler().EnqueueStream(body);
        var start = clock.GetUtcNow();

        var (text, error) = await clock.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock)), Second);

        Assert.Equal("Cut off", text);
        var ex = Assert.IsType<FlockTimeoutException>(error);
        Assert.Equal(FlockTimeoutKind.StreamIdle, ex.Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), ex.Timeout);
        Assert.True(ex.DuringStream);
        Assert.Contains("no complete event", ex.Message);
        Assert.InRange(body.CancelledAt!.Value - start, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1) + Second);
    }

    [Fact]
    public async Task Events_within_the_idle_timeout_keep_a_slow_stream_going_while_pings_alone_would_not()
    {
        var clock = FakeClock.Create();
        var ping = (TimeSpan.FromSeconds(15), ": ping\n\n");
        // Events every 45 s (pings between): slow but alive. Then only pings: stalled at 1 minute after the last event.
        var pieces = new List<(TimeSpan, string)>();
        foreach (var word in new[] { "one", " two", " three" })
        {
            pieces.AddRange([ping, ping, ping, (TimeSpan.Zero, Transport.Event(word))]);
        }

        pieces.AddRange(Enumerable.Repeat(ping, 10));
        var handler = new RecordingHandler().EnqueueStream(PacedStream.Of(clock, false, pieces.ToArray()));

        var (text, error) = await clock.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock)), Second);

        Assert.Equal("one two three", text);
        Assert.Equal(FlockTimeoutKind.StreamIdle, Assert.IsType<FlockTimeoutException>(error).Kind);
    }

    [Fact]
    public async Task A_slow_stream_whose_events_come_in_time_completes()
    {
        var clock = FakeClock.Create();
        var handler = new RecordingHandler().EnqueueStream(PacedStream.Of(clock, false,
            (TimeSpan.FromMinutes(2), Transport.Event("late")),
            (TimeSpan.FromSeconds(50), Transport.Event(" but", "stop")),
            (TimeSpan.FromSeconds(50), Transport.Done)));

        var (text, error) = await clock.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock)), Second);

        Assert.Null(error);
        Assert.Equal("late but", text);
    }

    [Fact]
    public async Task A_non_streaming_body_trickled_after_its_headers_times_out_at_the_body_timeout()
    {
        var clock = FakeClock.Create();
        var body = PacedStream.Trickle(clock, TestFiles.Read("completion.json"), Second);
        var handler = new RecordingHandler().EnqueueStream(body, mediaType: "application/json");
        var start = clock.GetUtcNow();

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock)), Second);

        var ex = Assert.IsType<FlockTimeoutException>(error);
        Assert.Equal(FlockTimeoutKind.ResponseBody, ex.Kind);
        Assert.Equal(TimeSpan.FromMinutes(1), ex.Timeout);
        Assert.InRange(body.CancelledAt!.Value - start, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1) + Second);
    }

    [Fact]
    public async Task A_non_streaming_body_in_a_few_slow_pieces_within_the_body_timeout_is_read()
    {
        var clock = FakeClock.Create();
        var json = TestFiles.Read("completion.json");
        var handler = new RecordingHandler().EnqueueStream(PacedStream.Of(clock, false,
            (TimeSpan.FromSeconds(20), json[..10]), (TimeSpan.FromSeconds(20), json[10..50]), (TimeSpan.FromSeconds(19), json[50..])), mediaType: "application/json");

        var (response, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock)), Second);

        Assert.Null(error);
        Assert.Equal("Hello! How can I help you today?", response!.Text);
    }

    [Fact]
    public async Task The_request_timeout_bounds_a_stream_whose_events_keep_coming()
    {
        var clock = FakeClock.Create();
        var events = Enumerable.Range(0, 100).Select(i => (TimeSpan.FromSeconds(31), Transport.Event("."))).ToArray();
        var handler = new RecordingHandler().EnqueueStream(PacedStream.Of(clock, false, events));

        var (text, error) = await clock.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock, o => o.RequestTimeout = TimeSpan.FromMinutes(5))), Second);

        Assert.Equal(new string('.', 9), text); // events every 31 s: the tenth would come after by the 5-minute deadline
        var ex = Assert.IsType<FlockTimeoutException>(error);
        Assert.Equal(FlockTimeoutKind.Request, ex.Kind);
        Assert.True(ex.DuringStream);
    }

    [Fact]
    public async Task A_caller_cancellation_is_not_a_timeout()
    {
        var clock = FakeClock.Create();
        var handler = new RecordingHandler().EnqueueStream(PacedStream.Of(clock, true, (TimeSpan.Zero, Transport.Event("Cut"))));
        using var cts = new CancellationTokenSource();
        var chat = Transport.Chat(handler, clock);
        var texts = new List<string>();

        var error = await Record.ExceptionAsync(async () =>
        {
            await foreach (var update in chat.GetStreamingResponseAsync(Calls.Messages(), cancellationToken: cts.Token))
            {
                texts.Add(update.Text);
                await cts.CancelAsync();
            }
        });

        Assert.IsAssignableFrom<OperationCanceledException>(error);
        Assert.IsNotType<FlockTimeoutException>(error);
        Assert.Equal(["Cut"], texts);
    }

    [Fact]
    public async Task Events_already_received_start_no_idle_clock_and_a_wait_after_them_still_times_out()
    {
        // 200 events in one read, then a stall: the idle clock is read when a read has to wait, not once per event.
        var clock = new CountingClock(FakeClock.Create());
        var burst = string.Concat(Enumerable.Range(0, 200).Select(_ => Transport.Event(".")));
        var body = PacedStream.Of(clock.Inner, false, (TimeSpan.Zero, burst), (TimeSpan.FromMinutes(5), Transport.Done));
        var handler = new RecordingHandler().EnqueueStream(body);
        var start = clock.Inner.GetUtcNow();

        var (text, error) = await clock.Inner.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock)), Second);

        Assert.Equal(new string('.', 200), text);
        var ex = Assert.IsType<FlockTimeoutException>(error);
        Assert.Equal(FlockTimeoutKind.StreamIdle, ex.Kind);
        Assert.InRange(body.CancelledAt!.Value - start, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1) + Second);
        Assert.InRange(clock.Timestamps, 1, 20);
    }

    /// <summary>A fake clock that counts how often its time is read.</summary>
    private sealed class CountingClock(FakeTimeProvider inner) : TimeProvider
    {
        private int _timestamps;

        public FakeTimeProvider Inner => inner;

        public int Timestamps => Volatile.Read(ref _timestamps);

        public override long GetTimestamp()
        {
            Interlocked.Increment(ref _timestamps);
            return inner.GetTimestamp();
        }

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            inner.CreateTimer(callback, state, dueTime, period);
    }
}
