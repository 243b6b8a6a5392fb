using System.Net;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// HTTP error answers become <see cref="FlockException"/>s carrying Flock's own fields: readable whatever the body, not retried
/// when final, never carrying the key.
/// </summary>
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

    public static TheoryData<string, bool> CasesStreamingOrNot()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in Cases.Keys)
        {
            data.Add(name, false);
            data.Add(name, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CasesStreamingOrNot))]
    public async Task Json_error_bodies_become_flock_exceptions_with_flocks_fields(string name, bool streaming)
    {
        var c = Cases[name];
        var headers = c.RetryAfter is { } wait ? new[] { ("Retry-After", ((int)wait.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)) } : [];
        var handler = new RecordingHandler().Enqueue(c.Status, c.Body, "application/json", headers);
        IChatClient client = TestFlock.ChatClient(handler, TestFlock.Options(maxRetries: 0));

        var ex = streaming
            ? Assert.IsType<FlockException>((await Drain.AllAsync(client.GetStreamingResponseAsync(Calls.Messages()))).Error)
            : await Assert.ThrowsAsync<FlockException>(() => client.GetResponseAsync(Calls.Messages()));

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
    public async Task An_html_error_page_gives_a_readable_message()
    {
        const string Html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>";
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.BadGateway, Html, "text/html");

        var ex = await CallAsync(handler, TestFlock.Options());

        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
        Assert.Contains("502 Bad Gateway", ex.Message);
        Assert.Contains("text/html", ex.Message);
        Assert.DoesNotContain("<", ex.Message);
        Assert.Equal(Html, ex.ResponseContent);
        Assert.Null(ex.ErrorCode);
    }

    [Fact]
    public async Task Empty_error_body_says_so()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.ServiceUnavailable, "", "text/plain");

        var ex = await CallAsync(handler, TestFlock.Options());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.Contains("503", ex.Message);
        Assert.Contains("empty body", ex.Message);
    }

    [Fact]
    public async Task Bad_request_is_never_retried()
    {
        var handler = new RecordingHandler()
            .Enqueue(HttpStatusCode.BadRequest, """{"error":{"message":"bad","type":"None","param":"None","code":"400"}}""")
            .EnqueueJson(TestFiles.Read("completion.json"));

        var ex = await CallAsync(handler, TestFlock.Options(maxRetries: 2));

        Assert.Equal(HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task The_key_echoed_in_a_stream_error_is_redacted()
    {
        var sse = $"data: {{\"error\": {{\"message\": \"bad key {TestFlock.ApiKey}\", \"code\": \"401\"}}}}\n\n";
        var handler = new RecordingHandler().EnqueueSse(sse);

        var (_, error) = await Drain.AllAsync(TestFlock.ChatClient(handler).GetStreamingResponseAsync(Calls.Messages()));

        var ex = Assert.IsType<FlockException>(error);
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ToString());
    }

    private static Task<FlockException> CallAsync(RecordingHandler handler, FlockOptions options) =>
        Assert.ThrowsAsync<FlockException>(() => ((IChatClient)TestFlock.ChatClient(handler, options)).GetResponseAsync(Calls.Messages()));
}
