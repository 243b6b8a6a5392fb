using System.Net;
using Flock.Extensions.AI;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Moq;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>HTTP error answers become <see cref="FlockException"/>s carrying Flock's own fields, never the key, through both adapters.</summary>
public sealed class ErrorMappingTests
{
    public sealed record ErrorCase(HttpStatusCode Status, string Body, string Message, string? Type, string? Param, string Code, TimeSpan? RetryAfter = null);

    private static readonly Dictionary<string, ErrorCase> Cases = new()
    {
        ["400 bad request"] = new(HttpStatusCode.BadRequest,
            """{"error":{"message":"litellm.BadRequestError: Hosted_vllmException - max_tokens is too large. Received Model Group=qwen3","type":"None","param":"None","code":"400"}}""",
            "litellm.BadRequestError: Hosted_vllmException - max_tokens is too large", null, null, "400"),
        ["401 wrong key"] = new(HttpStatusCode.Unauthorized,
            """{"error":{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = sk-...cdef, Key Hash (Token) =9f2c","type":"token_not_found_in_db","param":"key","code":"401"}}""",
            "Authentication Error, Invalid proxy server token passed", "token_not_found_in_db", "key", "401"),
        ["404 unknown model"] = new(HttpStatusCode.NotFound,
            """{"error":{"message":"Invalid model name passed in model=nope. Call /v1/models to view available models for your key.","type":"None","param":null,"code":"404"}}""",
            "Invalid model name passed in model=nope", null, null, "404"),
        ["429 rate limited"] = new(HttpStatusCode.TooManyRequests,
            """{"error":{"message":"Rate limit exceeded for api_key: 9f2c. Limit type: requests.","type":"None","param":"None","code":"429"}}""",
            "Rate limit exceeded", null, null, "429", TimeSpan.FromSeconds(7)),
        ["500 server error, integer code"] = new(HttpStatusCode.InternalServerError,
            """{"error":{"message":"Internal Server Error","type":"internal_server_error","param":"None","code":500}}""",
            "Internal Server Error", "internal_server_error", null, "500"),
    };

    public static TheoryData<string, string> CasesByAdapter()
    {
        var data = new TheoryData<string, string>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name, "sk");
            data.Add(name, "sk streaming");
            data.Add(name, "meai");
            data.Add(name, "meai streaming");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CasesByAdapter))]
    public async Task Json_error_bodies_map_to_flock_exception(string name, string adapter)
    {
        var c = Cases[name];
        var headers = c.RetryAfter is { } wait ? new[] { ("Retry-After", ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)) } : [];
        var handler = new RecordingHandler().Enqueue(c.Status, c.Body, "application/json", headers);

        var ex = await CallAsync(adapter, handler, TestFlock.Options(maxRetries: 0));

        Assert.Equal(c.Status, ex.StatusCode);
        Assert.Contains(c.Message, ex.Message);
        Assert.Contains(((int)c.Status).ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
        Assert.Equal(c.Body, ex.ResponseContent);
        Assert.Equal(c.Type, ex.ErrorType);
        Assert.Equal(c.Param, ex.ErrorParam);
        Assert.Equal(c.Code, ex.ErrorCode);
        Assert.Equal(c.RetryAfter, ex.RetryAfter);
        Assert.False(ex.DuringStream);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Html_error_page_gives_a_readable_message()
    {
        const string Html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.BadGateway, Html, "text/html");

        var ex = await CallAsync("sk", handler, TestFlock.Options());

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Contains("502 Bad Gateway", ex.Message);
        Assert.Contains("text/html", ex.Message);
        Assert.DoesNotContain("<", ex.Message);
        Assert.Equal(Html, ex.ResponseContent);
        Assert.Null(ex.ErrorCode);
    }

    [Fact]
    public async Task Server_errors_are_retried_max_retries_times_then_surface()
    {
        var handler = new RecordingHandler();
        for (var i = 0; i < 3; i++)
        {
            handler.Enqueue(HttpStatusCode.InternalServerError, $$$"""{"error":{"message":"boom {{{i}}}","type":"None","param":"None","code":"500"}}""");
        }

        var ex = await CallAsync("sk", handler, TestFlock.Options(maxRetries: 2));

        Assert.Equal(3, handler.Requests.Count);
        Assert.Contains("boom 2", ex.Message);
        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.All(handler.Requests, r => Assert.Equal(handler.Requests[0].Body, r.Body));
    }

    [Fact]
    public async Task A_retry_that_succeeds_returns_the_answer()
    {
        var handler = new RecordingHandler()
            .Enqueue(HttpStatusCode.ServiceUnavailable, "<html>busy</html>", "text/html")
            .Enqueue(HttpStatusCode.TooManyRequests, """{"error":{"message":"slow down","code":"429"}}""", "application/json", ("Retry-After", "0"))
            .EnqueueJson(TestFiles.Read("completion.json"));

        var result = await TestSk.Service(handler, TestFlock.Options(maxRetries: 2)).GetChatMessageContentAsync(TestSk.History());

        Assert.Equal("Hello! How can I help you today?", result.Content);
        Assert.Equal(3, handler.Requests.Count);
    }

    [Fact]
    public async Task Retry_after_longer_than_the_limit_fails_at_once()
    {
        var handler = new RecordingHandler()
            .Enqueue(HttpStatusCode.TooManyRequests, """{"error":{"message":"Rate limit exceeded","code":"429"}}""", "application/json", ("Retry-After", "120"))
            .EnqueueJson(TestFiles.Read("completion.json"));

        var ex = await CallAsync("sk", handler, TestFlock.Options(maxRetries: 2));

        Assert.Equal(TimeSpan.FromSeconds(120), ex.RetryAfter);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task The_key_echoed_in_an_error_body_is_redacted()
    {
        var body = $$$"""{"error":{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = {{{TestFlock.ApiKey}}}","type":"token_not_found_in_db","param":"key","code":"401"}}""";
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.Unauthorized, body);

        var ex = await CallAsync("sk", handler, TestFlock.Options());

        Assert.Contains("Invalid proxy server token passed", ex.Message);
        Assert.DoesNotContain(TestFlock.ApiKey, ex.Message);
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ResponseContent);
    }

    [Fact]
    public void No_public_type_shows_the_key()
    {
        var options = TestFlock.Options();
        var http = new HttpClient(new RecordingHandler());

        Assert.DoesNotContain(TestFlock.ApiKey, options.ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, new FlockClient(options, http).ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, new FlockClient(TestFlock.ApiKey, TestFlock.Endpoint, http).ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, new FlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, http).ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, new FlockChatCompletionService(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, http).ToString());
        Assert.Contains("(set)", options.ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, System.Text.Json.JsonSerializer.Serialize(new FlockChatCompletionService(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, http).Attributes));
    }

    [Fact]
    public async Task Logs_never_carry_the_key_even_with_bodies_on()
    {
        var logger = new Mock<ILogger>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var loggerFactory = new Mock<ILoggerFactory>();
        loggerFactory.Setup(f => f.CreateLogger(It.IsAny<string>())).Returns(logger.Object);
        var options = TestFlock.Options(maxRetries: 1);
        options.LogBodies = true;
        var handler = new RecordingHandler()
            .Enqueue(HttpStatusCode.InternalServerError, $$$"""{"error":{"message":"key {{{TestFlock.ApiKey}}} failed","code":"500"}}""")
            .Enqueue(HttpStatusCode.InternalServerError, $$$"""{"error":{"message":"key {{{TestFlock.ApiKey}}} failed","code":"500"}}""");
        var service = new FlockChatCompletionService(new FlockClient(options, new HttpClient(handler), loggerFactory.Object));

        await TestSk.ThrowsAsync(() => service.GetChatMessageContentsAsync(TestSk.History()));

        var logged = logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)).Select(i => i.Arguments[2]?.ToString() ?? "").ToList();
        Assert.Contains(logged, m => m.Contains("\"messages\"", StringComparison.Ordinal)); // the body was logged
        Assert.Contains(logged, m => m.Contains("retrying", StringComparison.Ordinal));
        Assert.Contains(logged, m => m.Contains("failed", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, m => m.Contains(TestFlock.ApiKey, StringComparison.Ordinal));
    }

    /// <summary>The core's exception: thrown as it is by the MEAI client, inside SK's HttpOperationException by the SK service.</summary>
    private static async Task<FlockException> CallAsync(string adapter, RecordingHandler handler, FlockOptions options)
    {
        Func<Task> call = adapter switch
        {
            "sk" => () => TestSk.Service(handler, options).GetChatMessageContentsAsync(TestSk.History()),
            "sk streaming" => async () =>
            {
                await foreach (var _ in TestSk.Service(handler, options).GetStreamingChatMessageContentsAsync(TestSk.History()))
                {
                }
            },
            "meai" => () => ((IChatClient)TestFlock.ChatClient(handler, options)).GetResponseAsync(Calls.Messages()),
            "meai streaming" => async () =>
            {
                await foreach (var _ in ((IChatClient)TestFlock.ChatClient(handler, options)).GetStreamingResponseAsync(Calls.Messages()))
                {
                }
            },
            _ => throw new ArgumentOutOfRangeException(nameof(adapter)),
        };

        return adapter.StartsWith("sk", StringComparison.Ordinal) ? await TestSk.ThrowsAsync(call) : await Assert.ThrowsAsync<FlockException>(call);
    }
}
