using System.Globalization;
using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>The retry stage on a fake clock: which answers, how many times, how long it waits, and off with 0.</summary>
public sealed class RetryTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);

    /// <summary>A handler that notes the virtual time of every request and answers from a script.</summary>
    private static (RecordingHandler Handler, List<DateTimeOffset> Times) Scripted(FakeTimeProvider clock, params Func<HttpResponseMessage>[] answers)
    {
        var handler = new RecordingHandler();
        var times = new List<DateTimeOffset>();
        foreach (var answer in answers)
        {
            handler.Enqueue(_ =>
            {
                lock (times)
                {
                    times.Add(clock.GetUtcNow());
                }

                return Task.FromResult(answer());
            });
        }

        return (handler, times);
    }

    private static HttpResponseMessage Status(int status, string? retryAfter = null, string? message = null)
    {
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = new StringContent($$$"""{"error":{"message":"{{{message ?? $"status {status}"}}}","type":"None","param":"None","code":"{{{status}}}"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        if (retryAfter is not null)
        {
            response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        }

        return response;
    }

    private static HttpResponseMessage Ok() => new(HttpStatusCode.OK) { Content = new StringContent(TestFiles.Read("completion.json"), System.Text.Encoding.UTF8, "application/json") };

    [Fact]
    public async Task Retry_after_in_seconds_is_waited_for_on_the_clock()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Scripted(clock, () => Status(429, "7"), Ok);
        var logs = new CapturingLoggerFactory();

        var (response, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock, o => o.MaxRetries = 2, logs)), Step);

        Assert.Null(error);
        Assert.Equal("Hello! How can I help you today?", response!.Text);
        Assert.Equal(2, times.Count);
        Assert.Equal([7000], logs.RetryDelays());
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(7), $"retried after {times[1] - times[0]}");
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_is_waited_for_on_the_clock()
    {
        var clock = FakeClock.Create();
        var date = clock.GetUtcNow().AddSeconds(12).ToString("r", CultureInfo.InvariantCulture);
        var (handler, times) = Scripted(clock, () => Status(503, date), Ok);
        var logs = new CapturingLoggerFactory();

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock, o => o.MaxRetries = 2, logs)), Step);

        Assert.Null(error);
        Assert.Equal([12000], logs.RetryDelays()); // the date, read against the client's clock
        Assert.True(times[1] - times[0] >= TimeSpan.FromSeconds(12), $"retried after {times[1] - times[0]}");
    }

    [Fact]
    public async Task Without_retry_after_the_backoff_doubles_with_jitter_in_the_upper_half()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Scripted(clock, () => Status(503), () => Status(503), () => Status(503), Ok);
        var logs = new CapturingLoggerFactory();

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock, o => o.MaxRetries = 3, logs)), Step);

        Assert.Null(error);
        Assert.Equal(4, times.Count);
        var delays = logs.RetryDelays();
        Assert.Equal(3, delays.Count);
        for (var i = 1; i < 4; i++)
        {
            var ceiling = 1000 * Math.Pow(2, i - 1); // RetryBaseDelay 1 s × 2^attempt
            Assert.InRange(delays[i - 1], ceiling / 2, ceiling);
            Assert.True(times[i] - times[i - 1] >= TimeSpan.FromMilliseconds(delays[i - 1]), $"retry {i} after {times[i] - times[i - 1]}");
        }
    }

    [Fact]
    public async Task A_retry_after_beyond_the_cap_fails_at_once_with_the_delay()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Scripted(clock, () => Status(429, "120"), Ok);

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock, o => o.MaxRetries = 4)), Step);

        var ex = Assert.IsType<FlockException>(error);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.Single(times);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(4, 5)]
    public async Task The_number_of_attempts_is_max_retries_plus_one_and_zero_turns_retries_off(int maxRetries, int attempts)
    {
        var clock = FakeClock.Create();
        var (handler, times) = Scripted(clock, Enumerable.Repeat<Func<HttpResponseMessage>>(() => Status(500, "0"), 10).ToArray());

        var (_, error) = await clock.RunAsync(() => Transport.StreamAsync(Transport.Chat(handler, clock, o => o.MaxRetries = maxRetries)), Step);

        Assert.Equal(HttpStatusCode.InternalServerError, Assert.IsType<FlockException>(error).StatusCode);
        Assert.Equal(attempts, times.Count);
    }

    [Fact]
    public async Task When_every_attempt_fails_the_last_answers_error_surfaces()
    {
        var clock = FakeClock.Create();
        var attempt = 0;
        var (handler, times) = Scripted(clock, Enumerable.Repeat<Func<HttpResponseMessage>>(() => Status(500, "0", $"boom {attempt++}"), 3).ToArray());

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock, o => o.MaxRetries = 2)), Step);

        var ex = Assert.IsType<FlockException>(error);
        Assert.Equal(3, times.Count);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("boom 2", ex.Message);
    }

    [Fact]
    public void The_default_is_four_retries()
    {
        Assert.Equal(4, new FlockOptions().MaxRetries);
    }

    [Fact]
    public async Task Connection_failures_are_retried_then_surface_as_could_not_reach()
    {
        var clock = FakeClock.Create();
        var handler = new RecordingHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.Enqueue(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused"));
        }

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock, o => o.MaxRetries = 2)), Step);

        var ex = Assert.IsType<FlockException>(error);
        Assert.Null(ex.StatusCode);
        Assert.Contains("Could not reach Flock at https://flock.test", ex.Message);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Every_attempt_resends_the_same_body_with_the_key()
    {
        var clock = FakeClock.Create();
        var (handler, _) = Scripted(clock, () => Status(502, "1"), () => Status(503, "1"), Ok);

        await clock.RunAsync(() => Transport.CompleteAsync(Transport.Chat(handler, clock, o => o.MaxRetries = 2)), Step);

        Assert.Equal(3, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(handler.Requests[0].Body, r.Body));
        Assert.All(handler.Requests, r => Assert.Equal(TestFlock.ApiKey, r.Header("x-litellm-api-key")));
    }
}
