using System.Diagnostics;
using System.Net;
using Flock.Extensions.AI;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests.Reliability;

/// <summary>
/// Retries over HTTP: which statuses, how many, never once a stream began, and off for a resilience pipeline. How long they
/// wait (Retry-After, backoff) is tested on a fake clock in the core's Http/RetryTests.
/// </summary>
public sealed class RetryTests : EmulatorTest
{
    /// <summary>The kit's clients do not retry; these tests need retries: the library's default 4, with a tiny backoff.</summary>
    private FlockClient Client(Action<FlockOptions>? configure = null) => new(Options(o =>
    {
        o.MaxRetries = 4;
        o.RetryBaseDelay = TimeSpan.FromMilliseconds(1);
        configure?.Invoke(o);
    }));

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task A_transient_failure_then_success_returns_the_answer(string adapter, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Error(503, "Service Unavailable"))
                .Enqueue(ScriptedReply.RawBody(502, "text/html", "<html>Bad Gateway</html>"))
                .Enqueue(ScriptedReply.Text("Recovered."));

        var outcome = await Calls.RunAsync(adapter, streaming, Client());

        Assert.Null(outcome.Error);
        Assert.Equal("Recovered.", outcome.Text);
        Assert.Equal(3, Emulator.Requests.Count);
        Assert.All(Emulator.Requests, r => Assert.Equal(Emulator.Requests[0].Body, r.Body));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(4, 5)]
    public async Task The_number_of_attempts_is_max_retries_plus_one(int maxRetries, int attempts)
    {
        Emulator.Enqueue(ScriptedReply.Error(500, "Internal error") with { Times = 10 });

        var outcome = await Calls.StreamAsync("meai", Client(o => o.MaxRetries = maxRetries));

        Assert.Equal(HttpStatusCode.InternalServerError, HostileServerTests.Flock<FlockException>(outcome.Error).StatusCode);
        Assert.Equal(attempts, Emulator.Requests.Count);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(422)]
    public async Task Client_errors_are_never_retried(int status)
    {
        Emulator.Enqueue(ScriptedReply.Error(status, "no") with { Times = 5 });

        var outcome = await Calls.CompleteAsync("sk", Client());

        Assert.Equal((HttpStatusCode)status, HostileServerTests.Flock<FlockException>(outcome.Error).StatusCode);
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Retry_after_beyond_the_cap_fails_at_once_with_the_delay(string adapter, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Error(429, "Rate limit exceeded for key").WithRetryAfter(TimeSpan.FromSeconds(120)) with { Times = 3 });

        var outcome = await Calls.RunAsync(adapter, streaming, Client(o => o.MaxRetryAfter = TimeSpan.FromSeconds(5)));

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.Single(Emulator.Requests);
    }

    public static TheoryData<string, string> MidStreamFailures()
    {
        var data = new TheoryData<string, string>();
        foreach (var adapter in new[] { "sk", "meai" })
        {
            foreach (var failure in new[] { "error-event", "cut", "no-done", "invalid-chunk" })
            {
                data.Add(adapter, failure);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MidStreamFailures))]
    public async Task A_stream_that_failed_after_it_began_is_never_retried(string adapter, string failure)
    {
        var reply = ScriptedReply.Text("A stream that fails half way through.") with { ChunkSize = 6 };
        reply = failure switch
        {
            "error-event" => reply.FailMidStream("upstream 500", afterChunks: 2),
            "cut" => reply.CutMidStream(afterChunks: 2),
            "no-done" => (reply with { OmitDone = true }),
            _ => reply.WithInvalidChunk(afterChunks: 2),
        };
        Emulator.Enqueue(reply).Enqueue(ScriptedReply.Text("must not be fetched") with { Times = 3 });

        var outcome = await Calls.StreamAsync(adapter, Client());

        Assert.True(HostileServerTests.Flock<FlockException>(outcome.Error).DuringStream);
        Assert.NotEmpty(outcome.Texts);
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task Di_path_with_a_resilience_pipeline_and_the_library_retries_off(string adapter, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Error(503, "Service Unavailable"))
                .Enqueue(ScriptedReply.Text("Resilient."));
        var services = new ServiceCollection();
        var options = Options(o => o.MaxRetries = 0);
        if (adapter == "sk")
        {
            services.AddFlockChatCompletion(options);
        }
        else
        {
            services.AddFlockChatClient(options);
        }

        services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName).AddStandardResilienceHandler(o =>
        {
            o.Retry.Delay = TimeSpan.FromMilliseconds(10);
            o.Retry.UseJitter = false;
        });
        await using var provider = services.BuildServiceProvider();

        string text;
        if (adapter == "sk")
        {
            var chat = provider.GetRequiredService<IChatCompletionService>();
            text = streaming
                ? string.Concat(await chat.GetStreamingChatMessageContentsAsync("Hi").Select(u => u.Content).ToListAsync())
                : (await chat.GetChatMessageContentAsync("Hi")).Content!;
        }
        else
        {
            var chat = provider.GetRequiredService<IChatClient>();
            text = streaming
                ? string.Concat(await chat.GetStreamingResponseAsync("Hi").Select(u => u.Text).ToListAsync())
                : (await chat.GetResponseAsync("Hi")).Text;
        }

        Assert.Equal("Resilient.", text);
        Assert.Equal(2, Emulator.Requests.Count);
        Assert.All(Emulator.Requests, r => Assert.Equal(Emulator.ApiKey, r.Header("x-litellm-api-key")));
    }
}
