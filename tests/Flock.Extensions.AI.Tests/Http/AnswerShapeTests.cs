using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// Answers a server may send that used to pass for something else: no choices, a negative choice index, a JSON error
/// body answering a streaming request, timestamps in milliseconds or impossible, out-of-range integers, and a
/// <c>[DONE]</c> without a finish reason.
/// </summary>
public sealed class AnswerShapeTests
{
    private static readonly TimeProvider Clock = TimeProvider.System;

    [Theory]
    [InlineData("""{"id":"c","object":"chat.completion","model":"m","choices":null}""")]
    [InlineData("""{"id":"c","object":"chat.completion","model":"m"}""")]
    [InlineData("""{"id":"c","object":"chat.completion","model":"m","choices":[]}""")]
    public async Task A_completion_without_choices_is_a_flock_exception_saying_so(string body)
    {
        var handler = new RecordingHandler().EnqueueJson(body).EnqueueJson(body);
        var client = Transport.Client(handler, Clock);

        var (_, meai) = await Transport.CompleteAsync(new FlockChatClient(client));
        var prompt = await Record.ExceptionAsync(() => new FlockChatClient(client).CompletePromptAsync(FlockPrompt.FromText("Once")));

        foreach (var error in new[] { meai, prompt })
        {
            var ex = Assert.IsType<FlockException>(error);
            Assert.Contains("the server returned no choices", ex.Message);
            Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        }
    }

    [Fact]
    public async Task A_completion_answered_200_with_an_error_object_is_a_flock_exception_with_its_fields()
    {
        var handler = new RecordingHandler().EnqueueJson("""{"error": {"message": "upstream failed", "type": "None", "param": "None", "code": "500"}}""");

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, Clock));

        var ex = Assert.IsType<FlockException>(error);
        Assert.Contains("upstream failed", ex.Message);
        Assert.Equal("500", ex.ErrorCode);
        Assert.Null(ex.ErrorType); // the proxy's "None"
    }

    [Fact]
    public async Task A_200_body_that_is_not_json_is_a_flock_exception_with_the_json_error_inside_and_the_body()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.OK, "<html>oops</html>", "text/html");

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, Clock));

        var ex = Assert.IsType<FlockException>(error);
        Assert.IsAssignableFrom<JsonException>(ex.InnerException);
        Assert.Equal("<html>oops</html>", ex.ResponseContent);
    }

    [Fact]
    public async Task A_negative_choice_index_is_a_flock_exception_on_both_paths()
    {
        var stream = new RecordingHandler().EnqueueSse(
            Transport.Event("ok") + "data: {\"id\":\"c\",\"choices\":[{\"index\":-1,\"delta\":{\"content\":\"x\"}}]}\n\n" + Transport.Done);
        var body = new RecordingHandler().EnqueueJson("""{"id":"c","choices":[{"index":-1,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}]}""");

        var (text, streamError) = await Transport.StreamAsync(Transport.Chat(stream, Clock));
        var (_, bodyError) = await Transport.CompleteAsync(Transport.Chat(body, Clock));

        Assert.Equal("ok", text);
        var streamed = Assert.IsType<FlockException>(streamError);
        Assert.True(streamed.DuringStream);
        Assert.Contains("index -1 is out of range", streamed.Message);
        Assert.Contains("choice index is below 0 (-1)", Assert.IsType<FlockException>(bodyError).Message);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/event-stream")]
    [InlineData("text/plain")]
    public async Task A_streaming_request_answered_200_with_a_json_error_body_surfaces_its_message_type_and_code(string mediaType)
    {
        var body = "{\"error\": {\"message\": \"litellm.RateLimitError: too many tokens for " + TestFlock.ApiKey + "\", \"type\": \"rate_limit_error\", \"param\": \"None\", \"code\": \"429\"}}";
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.OK, body, mediaType);

        var (text, error) = await Transport.StreamAsync(Transport.Chat(handler, Clock));

        Assert.Equal("", text);
        var ex = Assert.IsType<FlockException>(error);
        Assert.Contains("litellm.RateLimitError: too many tokens for ***", ex.Message);
        Assert.DoesNotContain("ended before", ex.Message);
        Assert.Equal("rate_limit_error", ex.ErrorType);
        Assert.Equal("429", ex.ErrorCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ResponseContent);
    }

    [Fact]
    public async Task A_streaming_request_answered_with_a_whole_completion_is_refused_clearly()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));

        var (_, error) = await Transport.StreamAsync(Transport.Chat(handler, Clock));

        Assert.Contains("a JSON body (application/json) instead of an event stream", Assert.IsType<FlockException>(error).Message);
    }

    [Fact]
    public async Task Done_without_a_finish_reason_is_a_normal_end_with_no_finish_reason()
    {
        // Decision (docs/reliability-and-security.md): [DONE] is the server's own end mark, so the answer is complete; no finish reason is invented.
        var handler = new RecordingHandler().EnqueueSse(Transport.Event("Hello") + Transport.Event(" there") + Transport.Done);

        var updates = await Transport.Chat(handler, Clock).GetStreamingResponseAsync(Calls.Messages()).ToListAsync();
        var response = updates.ToChatResponse();

        Assert.Equal("Hello there", response.Text);
        Assert.Null(response.FinishReason);
        Assert.All(updates, u => Assert.Null(u.FinishReason));
    }

    public static TheoryData<string, DateTimeOffset?> Timestamps => new()
    {
        { "1735689600", DateTimeOffset.FromUnixTimeSeconds(1735689600) },
        { "1735689600123", DateTimeOffset.FromUnixTimeMilliseconds(1735689600123) },
        { "-5", null },
        { "0", null },
        { "99999999999999999", null },
        { "1e300", null },
        { "1.5", null },
        { "\"yesterday\"", null },
        { "{}", null },
        { "null", null },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public async Task A_created_in_milliseconds_is_read_as_such_and_an_impossible_one_as_absent_everywhere(string created, DateTimeOffset? expected)
    {
        var completion = $$"""{"id":"c","created":{{created}},"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}""";
        var chunk = $$"""data: {"id":"c","created":{{created}},"model":"m","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":"stop"}]}""" + "\n\n" + Transport.Done;
        var models = $$"""{"data":[{"id":"m1","object":"model","created":{{created}},"owned_by":"openai"}],"object":"list"}""";
        var handler = new RecordingHandler().EnqueueJson(completion).EnqueueSse(chunk).EnqueueJson(models);
        var client = Transport.Client(handler, Clock);
        IChatClient chat = new FlockChatClient(client);

        var response = await chat.GetResponseAsync(Calls.Messages());
        var streamed = (await chat.GetStreamingResponseAsync(Calls.Messages()).ToListAsync()).ToChatResponse();
        var listed = await client.ListModelsAsync();

        Assert.Equal(expected, response.CreatedAt);
        Assert.Equal(expected, streamed.CreatedAt);
        Assert.Equal(expected, Assert.Single(listed).CreatedAt);
        Assert.Equal("Hi", response.Text);
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("9223372036854775808")]
    [InlineData("-9.3e18")]
    public void A_seed_beyond_a_64_bit_integer_is_refused_naming_seed(string json)
    {
        using var document = JsonDocument.Parse(json);

        var fromJson = Assert.Throws<ArgumentOutOfRangeException>(() => ChatParameters.Seed.Read(document.RootElement));
        var fromText = Assert.Throws<ArgumentOutOfRangeException>(() => ChatParameters.Seed.Read(json));

        Assert.Equal("seed", fromJson.ParamName);
        Assert.Equal("seed", fromText.ParamName);
        Assert.Contains("between -9223372036854775808 and 9223372036854775807", fromJson.Message);
    }

    [Fact]
    public void Other_integers_out_of_range_are_refused_the_same_way()
    {
        Assert.Equal("seed", Assert.Throws<ArgumentOutOfRangeException>(() => ChatParameters.Seed.Read(ulong.MaxValue)).ParamName);
        Assert.Equal("seed", Assert.Throws<ArgumentOutOfRangeException>(() => ChatParameters.Seed.Read(1e25m)).ParamName);
        Assert.Equal("max_tokens", Assert.Throws<ArgumentOutOfRangeException>(() => ChatParameters.MaxTokens.Read(1e30)).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => ChatParameters.N.Read("3000000000")).ParamName);
        Assert.Equal(9007199254740993L, ChatParameters.Seed.Read("9007199254740993")); // exact, not rounded through double
        Assert.Equal(long.MaxValue, ChatParameters.Seed.Read(long.MaxValue));
    }

    [Fact]
    public async Task A_seed_of_1e30_from_chat_options_is_refused_before_anything_is_sent()
    {
        var handler = new RecordingHandler();
        var options = new ChatOptions { AdditionalProperties = new() { ["seed"] = 1e30 } };

        var ex = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Transport.Chat(handler, Clock).GetResponseAsync(Calls.Messages(), options));

        Assert.Equal("seed", ex.ParamName);
        Assert.Empty(handler.Requests);
    }
}
