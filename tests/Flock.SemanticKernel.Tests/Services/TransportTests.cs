using System.Net;
using System.Text;
using Flock.Extensions.AI;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>Auth header, addresses, the models list, endpoint safety, cancellation and timeouts.</summary>
public sealed class TransportTests
{
    [Fact]
    public async Task Every_request_carries_the_key_header_and_goes_to_the_documented_paths()
    {
        var handler = new RecordingHandler()
            .EnqueueJson(TestFiles.Read("completion.json"))
            .EnqueueSse(TestFiles.Read("stream-text.sse"))
            .EnqueueJson(TestFiles.Read("models.json"))
            .EnqueueJson(TestFiles.Read("completion.json"))
            .EnqueueSse(TestFiles.Read("stream-text.sse"))
            .EnqueueJson(TestFiles.Read("models.json"));
        var service = TestSk.Service(handler);
        IChatClient client = TestFlock.ChatClient(handler);

        await service.GetChatMessageContentsAsync(TestSk.History());
        await Drain.AllAsync(service.GetStreamingChatMessageContentsAsync(TestSk.History()));
        await service.ListModelsAsync();
        await client.GetResponseAsync(Calls.Messages());
        await Drain.AllAsync(client.GetStreamingResponseAsync(Calls.Messages()));
        await ((FlockChatClient)client).ListModelsAsync();

        var requests = handler.Requests;
        Assert.Equal(6, requests.Count);
        Assert.All(requests, r => Assert.Equal(TestFlock.ApiKey, r.Header("x-litellm-api-key")));
        Assert.All(requests, r => Assert.Null(r.Header("Authorization")));
        var chat = new Uri("https://flock.test/v1/chat/completions");
        var models = new Uri("https://flock.test/v1/models");
        Assert.Equal(
            [(HttpMethod.Post, chat), (HttpMethod.Post, chat), (HttpMethod.Get, models), (HttpMethod.Post, chat), (HttpMethod.Post, chat), (HttpMethod.Get, models)],
            requests.Select(r => (r.Method, r.Uri)).ToArray());
        Assert.Equal("application/json", requests[0].Header("Accept"));
        Assert.Equal("text/event-stream", requests[1].Header("Accept"));
        Assert.StartsWith("application/json", requests[0].Header("Content-Type"));
        Assert.Null(requests[2].Body);
    }

    [Theory]
    [InlineData("https://flock.test/v1", "https://flock.test/v1/chat/completions")]
    [InlineData("https://flock.test/v1/", "https://flock.test/v1/chat/completions")]
    [InlineData("https://gateway.test/proxy/flock/v1", "https://gateway.test/proxy/flock/v1/chat/completions")]
    [InlineData("http://localhost:4000", "http://localhost:4000/chat/completions")]
    [InlineData("http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v1/chat/completions")]
    [InlineData("http://[::1]:8080/v1", "http://[::1]:8080/v1/chat/completions")]
    public async Task Requests_go_below_the_endpoint(string endpoint, string expected)
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var service = new FlockChatCompletionService(TestFlock.Model, TestFlock.ApiKey, new Uri(endpoint), new HttpClient(handler));

        await service.GetChatMessageContentsAsync(TestSk.History());

        Assert.Equal(new Uri(expected), handler.SingleRequest.Uri);
    }

    [Fact]
    public async Task Models_list_is_parsed()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("models.json"));

        var models = await TestSk.Service(handler).ListModelsAsync();

        var created = DateTimeOffset.FromUnixTimeSeconds(1677610602);
        Assert.Equal(
            [new FlockModel("qwen3-30b-a3b-instruct-2507") { OwnedBy = "openai", CreatedAt = created }, new FlockModel("deepseek-v3.1") { OwnedBy = "openai", CreatedAt = created }],
            models);
    }

    [Fact]
    public async Task Models_list_error_is_a_flock_exception_and_in_sk_an_http_operation_exception()
    {
        const string Body = """{"error":{"message":"Authentication Error, No api key passed in.","type":"None","param":"None","code":"401"}}""";
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.Unauthorized, Body).Enqueue(HttpStatusCode.Unauthorized, Body);

        var meai = await Assert.ThrowsAsync<FlockException>(() => TestFlock.ChatClient(handler, TestFlock.Options()).ListModelsAsync());
        var sk = await TestSk.ThrowsAsync(() => TestSk.Service(handler, TestFlock.Options()).ListModelsAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, meai.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, sk.StatusCode);
    }

    [Theory]
    [InlineData("http://flock.example/v1")]
    [InlineData("http://10.0.0.5:4000")]
    public void Plain_http_off_loopback_is_refused(string endpoint)
    {
        var http = new HttpClient(new RecordingHandler());

        var service = Assert.ThrowsAny<ArgumentException>(() => new FlockChatCompletionService(TestFlock.Model, TestFlock.ApiKey, new Uri(endpoint), http));
        var client = Assert.ThrowsAny<ArgumentException>(() => new FlockChatClient(TestFlock.Model, TestFlock.ApiKey, new Uri(endpoint), http));

        Assert.Equal("endpoint", service.ParamName);
        Assert.Contains("AllowInsecureEndpoint", service.Message);
        Assert.Equal("endpoint", client.ParamName);
    }

    [Fact]
    public async Task Plain_http_off_loopback_is_allowed_when_opted_in()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var options = TestFlock.Options();
        options.Endpoint = new Uri("http://flock.internal:4000/v1");
        options.AllowInsecureEndpoint = true;

        await TestSk.Service(handler, options).GetChatMessageContentsAsync(TestSk.History());

        Assert.Equal(new Uri("http://flock.internal:4000/v1/chat/completions"), handler.SingleRequest.Uri);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_key_is_refused(string key)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new FlockChatCompletionService(TestFlock.Model, key, TestFlock.Endpoint));

        Assert.Equal("apiKey", ex.ParamName);
    }

    [Fact]
    public async Task A_cancelled_token_is_an_operation_canceled_exception_not_a_timeout()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var sk = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History(), cancellationToken: cts.Token));
        var meai = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestFlock.ChatClient(handler).GetResponseAsync(Calls.Messages(), cancellationToken: cts.Token));

        Assert.IsNotType<FlockTimeoutException>(sk);
        Assert.IsNotType<FlockTimeoutException>(meai);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Cancelling_a_pending_request_is_an_operation_canceled_exception()
    {
        using var cts = new CancellationTokenSource();
        var handler = new RecordingHandler().Enqueue(async ct =>
        {
            await cts.CancelAsync(); // the caller gives up while the request is pending
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TestSk.Service(handler, TestFlock.Options()).GetChatMessageContentsAsync(TestSk.History(), cancellationToken: cts.Token));

        Assert.IsNotType<FlockTimeoutException>(ex);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task The_request_timeout_is_a_flock_timeout_exception_on_the_clients_clock()
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
        Assert.Equal(FlockTimeoutKind.Request, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(100), ex.Timeout);
        Assert.Equal(HttpStatusCode.RequestTimeout, ex.StatusCode);
    }

    [Fact]
    public async Task A_stalled_stream_is_a_stream_idle_timeout_after_the_first_updates_on_the_clients_clock()
    {
        var clock = FakeClock.Create();
        var handler = new RecordingHandler().EnqueueStream(new PacedStream(clock, [(TimeSpan.Zero, Encoding.UTF8.GetBytes(TestFiles.Read("stream-no-done.sse")))], stallAtEnd: true));
        var options = TestFlock.Options();
        options.StreamIdleTimeout = TimeSpan.FromSeconds(15);
        var service = new FlockChatCompletionService(new FlockClient(options, new HttpClient(handler), null, clock));

        var (items, error) = await clock.RunAsync(() => Drain.AllAsync(service.GetStreamingChatMessageContentsAsync(TestSk.History())), TimeSpan.FromSeconds(1));

        Assert.Equal("Cut off", string.Concat(items.Select(i => i.Content)));
        var ex = Assert.IsType<FlockTimeoutException>(TestSk.SkError(error));
        Assert.Equal(FlockTimeoutKind.StreamIdle, ex.Kind);
        Assert.Equal(TimeSpan.FromSeconds(15), ex.Timeout);
    }

    /// <summary>The library's exception, directly or inside the SK service's HttpOperationException.</summary>
    private static T AsFlock<T>(Exception? error)
        where T : FlockException =>
        Assert.IsType<T>(TestSk.SkError(error));

    [Fact]
    public async Task Same_origin_redirects_are_followed_with_the_key()
    {
        var handler = new RecordingHandler()
            .Enqueue(_ => Task.FromResult(Redirect(HttpStatusCode.TemporaryRedirect, "/v2/chat/completions")))
            .EnqueueJson(TestFiles.Read("completion.json"));

        await TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History());

        Assert.Equal(new Uri("https://flock.test/v2/chat/completions"), handler.Requests[1].Uri);
        Assert.Equal(TestFlock.ApiKey, handler.Requests[1].Header("x-litellm-api-key"));
        Assert.Equal(handler.Requests[0].Body, handler.Requests[1].Body);
    }

    [Fact]
    public async Task Cross_origin_redirects_are_not_followed_so_the_key_stays_home()
    {
        var handler = new RecordingHandler()
            .Enqueue(_ => Task.FromResult(Redirect(HttpStatusCode.Redirect, "https://evil.test/steal")))
            .EnqueueJson(TestFiles.Read("completion.json"));

        var ex = await TestSk.ThrowsAsync(() => TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History()));

        Assert.Single(handler.Requests);
        Assert.Contains("evil.test", ex.Message);
    }

    private static HttpResponseMessage Redirect(HttpStatusCode status, string location)
    {
        var response = new HttpResponseMessage(status);
        response.Headers.Location = new Uri(location, UriKind.RelativeOrAbsolute);
        return response;
    }
}
