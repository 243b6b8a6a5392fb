using System.Net;
using System.Text;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>
/// The SK convention for failures: whatever fails in the core reaches SK callers as SK's <see cref="HttpOperationException"/>
/// (a <see cref="FlockHttpOperationException"/>) with Flock's fields and the core's exception inside, streaming or not, timeouts
/// with their kind; a cancelled call stays an <see cref="OperationCanceledException"/>. What each failure is, is the core's
/// (tests/Flock.Extensions.AI.Tests/Http).
/// </summary>
public sealed class HttpOperationExceptionTests
{
    private const string RateLimited =
        """{"error":{"message":"Rate limit exceeded for api_key: 9f2c.","type":"rate_limit_error","param":"model","code":"429"}}""";

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_json_error_is_an_http_operation_exception_with_flocks_fields(bool streaming)
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.TooManyRequests, RateLimited, "application/json", ("Retry-After", "7"));
        var service = TestSk.Service(handler, TestFlock.Options());

        var error = streaming
            ? (await Drain.AllAsync(service.GetStreamingChatMessageContentsAsync(TestSk.History()))).Error
            : await Record.ExceptionAsync(() => service.GetChatMessageContentsAsync(TestSk.History()));

        TestSk.SkError(error);
        var sk = Assert.IsType<FlockHttpOperationException>(error);
        Assert.Equal(HttpStatusCode.TooManyRequests, sk.StatusCode);
        Assert.Contains("Rate limit exceeded", sk.Message);
        Assert.Equal(RateLimited, sk.ResponseContent);
        Assert.Equal(("rate_limit_error", "model", "429"), (sk.ErrorType, sk.ErrorParam, sk.ErrorCode));
        Assert.Equal(TimeSpan.FromSeconds(7), sk.RetryAfter);
        Assert.False(sk.DuringStream);
        Assert.Null(sk.TimeoutKind);
    }

    [Fact]
    public async Task An_answer_without_choices_is_the_sk_error_not_an_empty_list()
    {
        const string Body = """{"id":"c","object":"chat.completion","model":"m","choices":[]}""";
        var handler = new RecordingHandler().EnqueueJson(Body).EnqueueJson(Body);
        var service = TestSk.Service(handler);

        var all = await TestSk.ThrowsAsync(() => service.GetChatMessageContentsAsync(TestSk.History()));
        // SK's single-answer extension used to fail with "Sequence contains no elements" on the empty list.
        var single = await TestSk.ThrowsAsync(() => service.GetChatMessageContentAsync(TestSk.History()));

        foreach (var ex in new[] { all, single })
        {
            Assert.Contains("the server returned no choices", ex.Message);
            Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        }
    }

    [Fact]
    public async Task An_error_event_mid_stream_is_the_sk_error_after_the_earlier_updates()
    {
        var handler = new RecordingHandler().EnqueueSse(TestFiles.Read("stream-mid-error.sse"));

        var (items, error) = await Drain.AllAsync(TestSk.Service(handler, TestFlock.Options()).GetStreamingChatMessageContentsAsync(TestSk.History()));

        Assert.Equal("Partial answer", string.Concat(items.Select(i => i.Content)));
        var ex = TestSk.SkError(error);
        Assert.True(ex.DuringStream);
        Assert.True(Assert.IsType<FlockHttpOperationException>(error).DuringStream);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("upstream vLLM server disconnected", ex.Message);
    }

    [Fact]
    public async Task An_http_error_instead_of_a_stream_is_the_sk_error_before_any_update()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.Unauthorized,
            """{"error":{"message":"Authentication Error, No api key passed in.","type":"auth_error","param":"None","code":"401"}}""");

        var (items, error) = await Drain.AllAsync(TestSk.Service(handler, TestFlock.Options()).GetStreamingChatMessageContentsAsync(TestSk.History()));

        Assert.Empty(items);
        var ex = TestSk.SkError(error);
        Assert.False(ex.DuringStream);
        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("No api key passed in", ex.Message);
    }

    [Fact]
    public async Task The_request_timeout_is_the_sk_error_with_its_kind()
    {
        var clock = FakeClock.Create();
        var handler = new RecordingHandler().Enqueue(async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct).ConfigureAwait(false);
            throw new InvalidOperationException("unreachable");
        });
        var options = TestFlock.Options();
        options.RequestTimeout = TimeSpan.FromSeconds(100);
        var service = new FlockChatCompletionService(new FlockClient(options, new HttpClient(handler), null, clock));

        var error = await clock.RunAsync(() => Record.ExceptionAsync(() => service.GetChatMessageContentsAsync(TestSk.History())), TimeSpan.FromSeconds(1));

        var ex = Assert.IsType<FlockTimeoutException>(TestSk.SkError(error));
        Assert.Equal(FlockTimeoutKind.Request, Assert.IsType<FlockHttpOperationException>(error).TimeoutKind);
        Assert.Equal(FlockTimeoutKind.Request, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(100), ex.Timeout);
        Assert.Equal(HttpStatusCode.RequestTimeout, ex.StatusCode);
    }

    [Fact]
    public async Task A_stalled_stream_is_the_sk_error_with_its_kind_after_the_first_updates()
    {
        var clock = FakeClock.Create();
        var handler = new RecordingHandler().EnqueueStream(new PacedStream(clock, [(TimeSpan.Zero, Encoding.UTF8.GetBytes(TestFiles.Read("stream-no-done.sse")))], stallAtEnd: true));
        var options = TestFlock.Options();
        options.StreamIdleTimeout = TimeSpan.FromSeconds(15);
        var service = new FlockChatCompletionService(new FlockClient(options, new HttpClient(handler), null, clock));

        var (items, error) = await clock.RunAsync(() => Drain.AllAsync(service.GetStreamingChatMessageContentsAsync(TestSk.History())), TimeSpan.FromSeconds(1));

        Assert.Equal("Cut off", string.Concat(items.Select(i => i.Content)));
        var ex = Assert.IsType<FlockTimeoutException>(TestSk.SkError(error));
        Assert.Equal(FlockTimeoutKind.StreamIdle, Assert.IsType<FlockHttpOperationException>(error).TimeoutKind);
        Assert.Equal(TimeSpan.FromSeconds(15), ex.Timeout);
    }

    [Theory]
    [InlineData("before sending")]
    [InlineData("while the request is pending")]
    public async Task A_cancelled_call_is_an_operation_canceled_exception_not_an_sk_error(string when)
    {
        using var cts = new CancellationTokenSource();
        var handler = new RecordingHandler();
        if (when == "before sending")
        {
            await cts.CancelAsync();
            handler.EnqueueJson(TestFiles.Read("completion.json"));
        }
        else
        {
            handler.Enqueue(async ct =>
            {
                await cts.CancelAsync(); // the caller gives up while the request is pending
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            });
        }

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => TestSk.Service(handler, TestFlock.Options()).GetChatMessageContentsAsync(TestSk.History(), cancellationToken: cts.Token));

        Assert.IsNotType<FlockTimeoutException>(ex);
        Assert.Equal(when == "before sending" ? 0 : 1, handler.Requests.Count);
    }
}
