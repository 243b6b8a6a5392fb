using System.Net;
using System.Text;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// The core transport: the key header and the documented paths, addresses below the endpoint, endpoint and key checks, the
/// models list, options copied at construction, and cancellation before, during and after the request.
/// </summary>
public sealed class TransportTests
{
    [Fact]
    public async Task Every_request_carries_the_key_header_and_goes_to_the_documented_paths()
    {
        var handler = new RecordingHandler()
            .EnqueueJson(TestFiles.Read("completion.json"))
            .EnqueueSse(TestFiles.Read("stream-text.sse"))
            .EnqueueJson(TestFiles.Read("models.json"));
        var client = TestFlock.ChatClient(handler);

        await ((IChatClient)client).GetResponseAsync(Calls.Messages());
        await Drain.AllAsync(((IChatClient)client).GetStreamingResponseAsync(Calls.Messages()));
        await client.ListModelsAsync();

        var requests = handler.Requests;
        Assert.All(requests, r => Assert.Equal(TestFlock.ApiKey, r.Header("x-litellm-api-key")));
        Assert.All(requests, r => Assert.Null(r.Header("Authorization")));
        var chat = new Uri("https://flock.test/v1/chat/completions");
        var models = new Uri("https://flock.test/v1/models");
        Assert.Equal([(HttpMethod.Post, chat), (HttpMethod.Post, chat), (HttpMethod.Get, models)], requests.Select(r => (r.Method, r.Uri)).ToArray());
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
        IChatClient client = new FlockChatClient(TestFlock.Model, TestFlock.ApiKey, new Uri(endpoint), new HttpClient(handler));

        await client.GetResponseAsync(Calls.Messages());

        Assert.Equal(new Uri(expected), handler.SingleRequest.Uri);
    }

    [Theory]
    [InlineData("http://flock.example/v1")]
    [InlineData("http://10.0.0.5:4000")]
    public void Plain_http_off_loopback_is_refused_naming_the_opt_in(string endpoint)
    {
        var http = new HttpClient(new RecordingHandler());

        var client = Assert.ThrowsAny<ArgumentException>(() => new FlockClient(new FlockOptions { ApiKey = TestFlock.ApiKey, Endpoint = new Uri(endpoint), ModelId = TestFlock.Model }, http));
        var chat = Assert.ThrowsAny<ArgumentException>(() => new FlockChatClient(TestFlock.Model, TestFlock.ApiKey, new Uri(endpoint), http));

        Assert.Equal("endpoint", client.ParamName);
        Assert.Contains("AllowInsecureEndpoint", client.Message);
        Assert.Equal("endpoint", chat.ParamName);
    }

    [Fact]
    public async Task Plain_http_off_loopback_is_allowed_when_opted_in()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var options = TestFlock.Options();
        options.Endpoint = new Uri("http://flock.internal:4000/v1");
        options.AllowInsecureEndpoint = true;

        await ((IChatClient)TestFlock.ChatClient(handler, options)).GetResponseAsync(Calls.Messages());

        Assert.Equal(new Uri("http://flock.internal:4000/v1/chat/completions"), handler.SingleRequest.Uri);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_key_is_refused_naming_it(string key)
    {
        var client = Assert.ThrowsAny<ArgumentException>(() => new FlockClient(new FlockOptions { ApiKey = key, Endpoint = TestFlock.Endpoint, ModelId = TestFlock.Model }));
        var chat = Assert.ThrowsAny<ArgumentException>(() => new FlockChatClient(TestFlock.Model, key, TestFlock.Endpoint));

        Assert.Equal("apiKey", client.ParamName);
        Assert.Equal("apiKey", chat.ParamName);
    }

    [Fact]
    public async Task The_models_list_is_parsed()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("models.json"));

        var models = await new FlockClient(TestFlock.Options(), new HttpClient(handler)).ListModelsAsync();

        var created = DateTimeOffset.FromUnixTimeSeconds(1677610602);
        Assert.Equal(
            [new FlockModel("qwen3-30b-a3b-instruct-2507") { OwnedBy = "openai", CreatedAt = created }, new FlockModel("deepseek-v3.1") { OwnedBy = "openai", CreatedAt = created }],
            models);
    }

    [Fact]
    public async Task A_failed_models_list_is_a_flock_exception()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.Unauthorized,
            """{"error":{"message":"Authentication Error, No api key passed in.","type":"None","param":"None","code":"401"}}""");

        var ex = await Assert.ThrowsAsync<FlockException>(() => TestFlock.ChatClient(handler, TestFlock.Options()).ListModelsAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("No api key passed in", ex.Message);
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_is_an_operation_canceled_exception_and_nothing_is_sent()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ((IChatClient)TestFlock.ChatClient(handler)).GetResponseAsync(Calls.Messages(), cancellationToken: cts.Token));

        Assert.IsNotType<FlockTimeoutException>(ex);
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

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ((IChatClient)TestFlock.ChatClient(handler, TestFlock.Options())).GetResponseAsync(Calls.Messages(), cancellationToken: cts.Token));

        Assert.IsNotType<FlockTimeoutException>(ex);
        Assert.Single(handler.Requests);
    }

    [Theory]
    [InlineData("ftp://flock.test/v1")]
    [InlineData("/v1")]
    public void Non_http_or_relative_endpoints_are_refused(string endpoint)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new FlockClient(new FlockOptions { ApiKey = "k-123", Endpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute) }));

        Assert.Equal("endpoint", ex.ParamName);
    }

    [Fact]
    public void Options_are_copied_so_later_changes_have_no_effect()
    {
        var options = TestFlock.Options();
        var client = new FlockClient(options, new HttpClient(new RecordingHandler()));

        options.Endpoint = new Uri("https://elsewhere.test/");
        options.ModelId = "changed";

        Assert.Equal(TestFlock.Endpoint, client.Endpoint);
        Assert.Equal(TestFlock.Model, client.DefaultModelId);
    }

    [Fact]
    public async Task Cancelling_mid_stream_is_an_operation_canceled_exception_after_the_first_updates()
    {
        var first = Encoding.UTF8.GetBytes(TestFiles.Read("stream-no-done.sse"));
        var handler = new RecordingHandler().EnqueueStream(new BlockingStream(first));
        using var cts = new CancellationTokenSource();
        var texts = new List<string>();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in TestFlock.ChatClient(handler).GetStreamingResponseAsync(Calls.Messages(), cancellationToken: cts.Token))
            {
                texts.Add(update.Text);
                if (texts.Count == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.IsNotType<FlockTimeoutException>(ex);
        Assert.Equal(["Cut", " off"], texts);
    }
}
