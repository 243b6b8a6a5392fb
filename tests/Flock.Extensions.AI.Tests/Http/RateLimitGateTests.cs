using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// Rate-limit-aware sending on a fake clock: a call with nothing left waits for the window's end the proxy announced instead
/// of being sent into a 429, learns an unannounced end from one refusal, fails at once past MaxRetryAfter, and costs nothing
/// while the proxy sends no rate-limit headers.
/// </summary>
public sealed class RateLimitGateTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    /// <summary>A handler noting the virtual time of every request, answering each from <paramref name="answer"/>.</summary>
    private static (RecordingHandler Handler, List<DateTimeOffset> Times) Server(FakeTimeProvider clock, int calls, Func<int, HttpResponseMessage> answer)
    {
        var handler = new RecordingHandler();
        var times = new List<DateTimeOffset>();
        for (var i = 0; i < calls; i++)
        {
            handler.Enqueue(_ =>
            {
                int n;
                lock (times)
                {
                    n = times.Count;
                    times.Add(clock.GetUtcNow());
                }

                return Task.FromResult(answer(n));
            });
        }

        return (handler, times);
    }

    private static HttpResponseMessage Ok(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(TestFiles.Read("completion.json"), System.Text.Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private static HttpResponseMessage TooMany(params (string Name, string Value)[] headers)
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests)
        {
            Content = new StringContent("""{"error":{"message":"Rate limit exceeded","type":"None","param":"None","code":"429"}}""", System.Text.Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }

    private static Task<(ChatResponse? Response, Exception? Error)> Ask(IChatClient chat, int maxTokens = 0) =>
        AskCore(chat, maxTokens == 0 ? null : new ChatOptions { MaxOutputTokens = maxTokens });

    private static async Task<(ChatResponse? Response, Exception? Error)> AskCore(IChatClient chat, ChatOptions? options)
    {
        try
        {
            return (await chat.GetResponseAsync(Calls.Messages(), options).ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    [Fact]
    public async Task With_a_reset_given_a_call_with_no_requests_left_waits_for_it_and_is_never_refused()
    {
        // The upstream's form: one request left in a window ending 2 s after each answer (the clock has not moved).
        var clock = FakeClock.Create();
        var start = clock.GetUtcNow();
        var (handler, times) = Server(clock, 3, n => Ok(("x-ratelimit-remaining-requests", n == 0 ? "1" : "5"), ("x-ratelimit-limit-requests", "10"), ("llm_provider-x-ratelimit-reset-requests", "2s")));
        var chat = Transport.Chat(handler, clock);

        await clock.RunAsync(async () =>
        {
            Assert.Null((await Ask(chat)).Error); // learns: 1 left
            Assert.Null((await Ask(chat)).Error); // takes the last one
            Assert.Null((await Ask(chat)).Error); // waits for the window's end
        }, Step);

        Assert.Equal(3, times.Count);
        Assert.Equal(start, times[1]);
        Assert.Equal(start + TimeSpan.FromSeconds(2), times[2]);
    }

    [Fact]
    public async Task Without_a_reset_one_call_probes_its_refusal_gives_the_window_and_the_rest_wait_for_it()
    {
        // LiteLLM's own limiter: counts but no reset; a refusal carries retry-after and reset_at.
        var clock = FakeClock.Create();
        var start = clock.GetUtcNow();
        var resetAt = (start + TimeSpan.FromSeconds(1)).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        var (handler, times) = Server(clock, 5, n => n switch
        {
            0 => Ok(("x-ratelimit-api_key-remaining-requests", "0"), ("x-ratelimit-api_key-limit-requests", "2")),
            1 => TooMany(("retry-after", "1"), ("reset_at", resetAt), ("rate_limit_type", "requests")),
            _ => Ok(("x-ratelimit-api_key-remaining-requests", "1"), ("x-ratelimit-api_key-limit-requests", "2")),
        });
        var chat = Transport.Chat(handler, clock, o => o.MaxRetries = 2);

        await clock.RunAsync(async () =>
        {
            Assert.Null((await Ask(chat)).Error);

            // Three at once with none left: one goes and is refused; it is retried after the window, as are the other two.
            var results = await Task.WhenAll(Ask(chat), Ask(chat), Ask(chat));
            Assert.All(results, r => Assert.Null(r.Error));
        }, Step);

        // The first call and the probe at once; the probe again and the two that waited, at the window's end.
        Assert.Equal(5, times.Count);
        Assert.Equal([start, start], times.Take(2));
        Assert.All(times.Skip(2), t => Assert.Equal(start + TimeSpan.FromSeconds(1), t));
    }

    [Fact]
    public async Task A_window_ending_later_than_MaxRetryAfter_fails_at_once_without_sending()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Server(clock, 1, _ => Ok(("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-limit-requests", "10"), ("llm_provider-x-ratelimit-reset-requests", "6m0s")));
        var chat = Transport.Chat(handler, clock, o => o.MaxRetryAfter = TimeSpan.FromSeconds(30));

        var (_, error) = await clock.RunAsync(async () =>
        {
            Assert.Null((await Ask(chat)).Error);
            return await Ask(chat);
        }, Step);

        var ex = Assert.IsType<FlockRateLimitException>(error);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(6), ex.WindowEnd);
        Assert.Equal(TimeSpan.FromMinutes(6), ex.RetryAfter);
        Assert.Equal(("upstream", "requests"), (ex.Limit.Scope, ex.Limit.Kind));
        Assert.Single(times);
    }

    [Fact]
    public async Task A_call_needing_more_tokens_than_are_left_waits_for_the_window()
    {
        var clock = FakeClock.Create();
        var start = clock.GetUtcNow();
        var (handler, times) = Server(clock, 3, _ => Ok(("x-ratelimit-remaining-tokens", "100"), ("x-ratelimit-limit-tokens", "1000"), ("llm_provider-x-ratelimit-reset-tokens", "1500ms")));
        var chat = Transport.Chat(handler, clock);

        await clock.RunAsync(async () =>
        {
            Assert.Null((await Ask(chat)).Error);
            Assert.Null((await Ask(chat, maxTokens: 50)).Error);  // fits in what is left
            Assert.Null((await Ask(chat, maxTokens: 500)).Error); // waits for the window
        }, Step);

        Assert.Equal([start, start, start + TimeSpan.FromMilliseconds(1500)], times);
    }

    [Fact]
    public async Task Counting_the_prompt_makes_a_large_prompt_wait_too()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Server(clock, 2, _ => Ok(("x-ratelimit-remaining-tokens", "20"), ("x-ratelimit-limit-tokens", "1000"), ("llm_provider-x-ratelimit-reset-tokens", "1s")));
        var chat = Transport.Chat(handler, clock, o => o.RateLimitCountsPromptTokens = true);
        var longPrompt = new ChatMessage(ChatRole.User, new string('x', 400)); // about 100 tokens by the estimate

        await clock.RunAsync(async () =>
        {
            Assert.Null((await Ask(chat)).Error);
            await chat.GetResponseAsync([longPrompt]).ConfigureAwait(false);
        }, Step);

        Assert.Equal(TimeSpan.FromSeconds(1), times[1] - times[0]);
    }

    [Fact]
    public async Task Turned_off_a_call_is_sent_into_the_refusal()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Server(clock, 2, n => n == 0
            ? Ok(("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-limit-requests", "10"), ("llm_provider-x-ratelimit-reset-requests", "5s"))
            : TooMany(("retry-after", "5")));
        var chat = Transport.Chat(handler, clock, o => o.RespectRateLimits = false);

        var (_, error) = await clock.RunAsync(async () =>
        {
            Assert.Null((await Ask(chat)).Error);
            return await Ask(chat);
        }, Step);

        Assert.Equal(HttpStatusCode.TooManyRequests, Assert.IsType<FlockException>(error).StatusCode);
        Assert.Equal(times[0], times[1]);
    }

    [Fact]
    public async Task A_budget_refusal_is_no_rate_limit_and_does_not_hold_later_calls()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Server(clock, 2, n => n == 0
            ? new HttpResponseMessage(HttpStatusCode.TooManyRequests)
            {
                Content = new StringContent("""{"error":{"message":"Budget has been exceeded!","type":"budget_exceeded","param":"None","code":"429"}}""", System.Text.Encoding.UTF8, "application/json"),
            }
            : Ok());
        var chat = Transport.Chat(handler, clock);

        await clock.RunAsync(async () =>
        {
            Assert.Equal("budget_exceeded", Assert.IsType<FlockException>((await Ask(chat)).Error).ErrorType);
            Assert.Null((await Ask(chat)).Error);
        }, Step);

        Assert.Equal(times[0], times[1]);
    }

    [Fact]
    public async Task Without_rate_limit_headers_nothing_waits()
    {
        var clock = FakeClock.Create();
        var (handler, times) = Server(clock, 20, _ => Ok());
        var chat = Transport.Chat(handler, clock);

        var results = await clock.RunAsync(() => Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Ask(chat))), Step);

        Assert.All(results, r => Assert.Null(r.Error));
        Assert.All(times, t => Assert.Equal(times[0], t));
    }
}
