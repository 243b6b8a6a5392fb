using System.Net;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>Alone in the process while it runs, so the fake clock's steps wait only for this call's continuations.</summary>
[CollectionDefinition(nameof(ResilienceRecipeCollection), DisableParallelization = true)]
public sealed class ResilienceRecipeCollection;

/// <summary>
/// The resilience recipe of docs/reliability-and-security.md: the library's retries off, <c>AddStandardResilienceHandler()</c> on the DI client
/// <c>"Flock"</c> with attempt and total timeouts long enough for a slow answer. Its timers run on the container's fake clock.
/// </summary>
[Collection(nameof(ResilienceRecipeCollection))]
public sealed class ResilienceRecipeTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(250);

    /// <summary>The recipe, as the page shows it.</summary>
    private static void Recipe(HttpStandardResilienceOptions o)
    {
        o.AttemptTimeout.Timeout = TimeSpan.FromMinutes(10);
        o.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(30);
        o.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(20);
    }

    private static (IChatClient Chat, ServiceProvider Provider) Build(FakeTimeProvider clock, HttpMessageHandler server, Action<HttpStandardResilienceOptions>? resilience)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddFlockChatClient(o =>
        {
            o.ApiKey = TestFlock.ApiKey;
            o.Endpoint = TestFlock.Endpoint;
            o.ModelId = TestFlock.Model;
            o.MaxRetries = 0;
        });
        var http = services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => server);
        if (resilience is not null)
        {
            http.AddStandardResilienceHandler(resilience);
        }
        else
        {
            http.AddStandardResilienceHandler();
        }

        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IChatClient>(), provider);
    }

    /// <summary>A server that answers every request after <paramref name="delay"/> on the clock.</summary>
    private sealed class SlowServer(TimeProvider clock, TimeSpan delay, Func<HttpResponseMessage> answer) : HttpMessageHandler
    {
        public int Requests;

        /// <summary>Requests the client gave up on before their answer.</summary>
        public int Cut;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Requests);

            // Counted the moment the client gives up (inside the clock's step that fires its timeout), not when this
            // method's continuation gets a thread.
            using (cancellationToken.Register(() => Interlocked.Increment(ref Cut)))
            {
                await Task.Delay(delay, clock, cancellationToken);
            }

            return answer();
        }
    }

    private static HttpResponseMessage Ok() => new(HttpStatusCode.OK) { Content = new StringContent(TestFiles.Read("completion.json"), System.Text.Encoding.UTF8, "application/json") };

    [Fact]
    public async Task With_the_recipe_a_12_second_answer_is_asked_for_once()
    {
        var clock = FakeClock.Create();
        var server = new SlowServer(clock, TimeSpan.FromSeconds(12), Ok);
        var (chat, provider) = Build(clock, server, Recipe);
        await using var _ = provider;

        var (response, error) = await clock.RunAsync(() => Transport.CompleteAsync(chat), Step);

        Assert.Null(error);
        Assert.Equal("Hello! How can I help you today?", response!.Text);
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task Without_the_recipe_the_standard_handler_would_cut_a_long_answer_at_10_seconds_ask_again_and_fail()
    {
        // What the recipe is for: the standard handler's defaults (10-second attempts, 30 seconds in all) cut a 12-second
        // answer and ask for it again. Its backoff is zero here so that the retry needs no virtual time: the test waits for it
        // with the clock stopped, which a busy machine cannot outrun.
        var clock = FakeClock.Create();
        var server = new SlowServer(clock, TimeSpan.FromSeconds(12), Ok);
        var (chat, provider) = Build(clock, server, o => o.Retry.Delay = TimeSpan.Zero);
        await using var _ = provider;
        var start = clock.GetUtcNow();
        var call = Task.Run(() => Transport.CompleteAsync(chat));

        await Until(() => server.Requests == 1);
        while (Volatile.Read(ref server.Cut) == 0 && clock.GetUtcNow() - start < TimeSpan.FromMinutes(1))
        {
            clock.Advance(Step);
        }

        Assert.Equal(TimeSpan.FromSeconds(10), clock.GetUtcNow() - start);
        await Until(() => Volatile.Read(ref server.Requests) >= 2 || call.IsCompleted);
        Assert.Equal(2, server.Requests);

        var (_, error) = await clock.RunAsync(() => call, Step);
        Assert.IsType<FlockException>(error);
        Assert.True(server.Requests >= 2);
    }

    /// <summary>Yields until <paramref name="condition"/> holds (a bounded number of times; the clock does not move meanwhile).</summary>
    private static async Task Until(Func<bool> condition)
    {
        for (var i = 0; i < 1_000_000 && !condition(); i++)
        {
            await Task.Yield();
        }

        Assert.True(condition(), "the call did not get there without the clock moving");
    }

    [Fact]
    public async Task With_the_recipe_a_failure_is_still_a_flock_exception_with_the_status()
    {
        var clock = FakeClock.Create();
        var server = new SlowServer(clock, TimeSpan.FromSeconds(1), () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            Content = new StringContent("""{"error":{"message":"upstream busy","type":"None","param":"None","code":"503"}}""", System.Text.Encoding.UTF8, "application/json"),
        });
        var (chat, provider) = Build(clock, server, Recipe);
        await using var _ = provider;

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(chat), Step);

        var ex = Assert.IsType<FlockException>(error);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Contains("upstream busy", ex.Message);
        Assert.Equal(4, server.Requests); // the standard handler's 3 retries, none of ours
    }

    [Fact]
    public async Task With_the_recipe_an_attempt_timeout_is_a_flock_exception()
    {
        var clock = FakeClock.Create();
        var server = new SlowServer(clock, TimeSpan.FromMinutes(12), Ok);
        var (chat, provider) = Build(clock, server, o =>
        {
            Recipe(o);
            o.Retry.MaxRetryAttempts = 1;
        });
        await using var _ = provider;

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(chat), TimeSpan.FromSeconds(5));

        // The library's own request timeout (10 minutes) or the pipeline's timeout: either way the library's exception.
        Assert.IsAssignableFrom<FlockException>(error);
    }

    [Fact]
    public async Task Added_before_the_flock_client_the_standard_handler_still_sends_every_attempt_with_the_key()
    {
        var clock = FakeClock.Create();
        var handler = new RecordingHandler()
            .Enqueue(HttpStatusCode.ServiceUnavailable, """{"error":{"message":"busy","code":"503"}}""")
            .EnqueueJson(TestFiles.Read("completion.json"));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(clock);
        services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName).AddStandardResilienceHandler(Recipe);
        services.AddFlockChatClient(o =>
        {
            o.ApiKey = TestFlock.ApiKey;
            o.Endpoint = TestFlock.Endpoint;
            o.ModelId = TestFlock.Model;
            o.MaxRetries = 0;
        });
        services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using var provider = services.BuildServiceProvider();

        var (response, error) = await clock.RunAsync(() => Transport.CompleteAsync(provider.GetRequiredService<IChatClient>()), Step);

        Assert.Null(error);
        Assert.Equal("Hello! How can I help you today?", response!.Text);
        Assert.Equal(2, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(TestFlock.ApiKey, r.Header("x-litellm-api-key")));
    }
}
