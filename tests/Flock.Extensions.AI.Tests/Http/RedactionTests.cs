using System.Net;
using Microsoft.Extensions.Logging;
using Moq;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// The key never leaves in what the server sent back: masked first, then cut, a partial key at a cut masked too (from
/// <see cref="Redaction.MinPartial"/> = 4 characters), and every server string masked (message, type, param, code).
/// </summary>
public sealed class RedactionTests
{
    private const string Key = "sk-flock-0123456789abcd"; // 23 characters, as in the issue

    [Theory]
    [InlineData("key sk-flock-0123456789abcd leaked", "key *** leaked")]
    [InlineData("two: sk-flock-0123456789abcd and sk-flock-0123456789abcd", "two: *** and ***")]
    [InlineData("ends with sk-flock-0123", "ends with ***")]   // a partial key of 13 characters at the end
    [InlineData("ends with sk-f", "ends with ***")]            // the shortest partial that is masked: 4 characters
    [InlineData("ends with sk-", "ends with sk-")]             // 3 characters: common text, not masked
    [InlineData("sk-proxy's own mask sk-...abcd", "sk-proxy's own mask sk-...abcd")]
    public void Redact_masks_the_key_and_a_partial_key_at_the_end(string text, string expected)
    {
        Assert.Equal(expected, Redaction.Redact(text, Key));
    }

    [Fact]
    public void A_key_that_straddles_the_cut_is_masked_before_cutting()
    {
        // Cut first, 18 of the 23 characters would survive; masking first leaves none.
        var text = new string('a', 100) + Key + " and more text after it";

        var cut = Redaction.RedactAndCut(text, Key, 118, out var wasCut);

        Assert.True(wasCut);
        Assert.DoesNotContain("sk-flock-0", cut, StringComparison.Ordinal);
        Assert.Equal(new string('a', 100) + "***" + " and more text ", cut);
    }

    [Fact]
    public void A_cut_that_ends_inside_a_key_only_the_text_around_it_knows_is_masked()
    {
        // The whole key does not fit the kept text: its beginning at the cut is masked as a partial key.
        var cut = Redaction.RedactAndCut(new string('a', 100) + Key[..18], Key, 110, out _);

        Assert.Equal(new string('a', 100) + "***", cut);
    }

    [Theory]
    [InlineData("message")]
    [InlineData("type")]
    [InlineData("param")]
    [InlineData("code")]
    public async Task Every_field_of_an_error_body_is_masked(string field)
    {
        var fields = new[] { "message", "type", "param", "code" }.Select(f => $"\"{f}\":\"{(f == field ? "echo " + Key : f)}\"");
        var body = "{\"error\":{" + string.Join(",", fields) + "}}";
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.BadRequest, body);

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, TimeProvider.System, o => o.ApiKey = Key));

        var ex = Assert.IsType<FlockException>(error);
        AssertNoKey(ex);
        Assert.Contains("echo ***", $"{ex.Message}{ex.ErrorType}{ex.ErrorParam}{ex.ErrorCode}");
    }

    [Theory]
    [InlineData("message")]
    [InlineData("type")]
    [InlineData("param")]
    [InlineData("code")]
    public async Task Every_field_of_a_mid_stream_error_event_is_masked(string field)
    {
        var error = string.Join(",", new[] { "message", "type", "param", "code" }.Select(f => $"\"{f}\": \"{(f == field ? "echo " + Key : f)}\""));
        var handler = new RecordingHandler().EnqueueSse(Transport.Event("Hi") + $"data: {{\"error\": {{{error}}}}}\n\n");

        var (text, failure) = await Transport.StreamAsync(Transport.Chat(handler, TimeProvider.System, o => o.ApiKey = Key));

        Assert.Equal("Hi", text);
        var ex = Assert.IsType<FlockException>(failure);
        AssertNoKey(ex);
        Assert.Contains("echo ***", $"{ex.Message}{ex.ErrorType}{ex.ErrorParam}{ex.ErrorCode}");
    }

    [Fact]
    public async Task An_error_body_cut_at_the_limit_inside_the_key_keeps_no_part_of_it()
    {
        var body = new string('x', 90) + Key + new string('y', 50);
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.BadGateway, body, "text/plain");

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, TimeProvider.System, o =>
        {
            o.ApiKey = Key;
            o.MaxErrorBodyBytes = 108; // the cut falls after 18 of the key's 23 characters
        }));

        var ex = Assert.IsType<FlockException>(error);
        Assert.Equal(new string('x', 90) + "***" + new string('y', 15), ex.ResponseContent);
        AssertNoKey(ex);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_masked_before_it_is_cut_for_the_message()
    {
        var body = "{" + new string(' ', 4090) + Key + "oops";
        var handler = new RecordingHandler().EnqueueJson(body);

        var (_, error) = await Transport.CompleteAsync(Transport.Chat(handler, TimeProvider.System, o => o.ApiKey = Key));

        var ex = Assert.IsType<FlockException>(error);
        Assert.Contains("not the expected JSON", ex.Message);
        AssertNoKey(ex);
    }

    [Fact]
    public async Task Log_bodies_mask_the_key_in_request_and_response_bodies()
    {
        var logger = new Mock<ILogger>();
        logger.Setup(l => l.IsEnabled(It.IsAny<LogLevel>())).Returns(true);
        var logs = new Mock<ILoggerFactory>();
        logs.Setup(f => f.CreateLogger(It.IsAny<string>())).Returns(logger.Object);
        var answer = TestFiles.Read("completion.json").Replace("Hello! How can I help you today?", $"Your key is {Key}", StringComparison.Ordinal);
        var handler = new RecordingHandler().EnqueueJson(answer);
        var chat = Transport.Chat(handler, TimeProvider.System, o =>
        {
            o.ApiKey = Key;
            o.LogBodies = true;
        }, logs.Object);

        await chat.GetResponseAsync([new Microsoft.Extensions.AI.ChatMessage(Microsoft.Extensions.AI.ChatRole.User, $"Is this my key: {Key}?")]);

        var logged = logger.Invocations.Where(i => i.Method.Name == nameof(ILogger.Log)).Select(i => i.Arguments[2]?.ToString() ?? "").ToList();
        Assert.Contains(logged, l => l.Contains("Is this my key: ***?", StringComparison.Ordinal));
        Assert.Contains(logged, l => l.Contains("Your key is ***", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.Contains("sk-flock-0", StringComparison.Ordinal));
        Assert.Contains(Key, handler.SingleRequest.Body!); // the prompt itself is sent as written
    }

    [Fact]
    public async Task Logs_of_retries_and_failures_never_carry_the_key_even_with_bodies_on()
    {
        var logs = new CapturingLoggerFactory();
        var failed = $$$"""{"error":{"message":"key {{{Key}}} failed","code":"500"}}""";
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.InternalServerError, failed).Enqueue(HttpStatusCode.InternalServerError, failed);
        var clock = FakeClock.Create();
        var chat = Transport.Chat(handler, clock, o =>
        {
            o.ApiKey = Key;
            o.LogBodies = true;
            o.MaxRetries = 1;
        }, logs);

        var (_, error) = await clock.RunAsync(() => Transport.CompleteAsync(chat), TimeSpan.FromMilliseconds(100));

        Assert.IsType<FlockException>(error);
        var logged = logs.Entries.Select(e => e.Message).ToList();
        Assert.Contains(logged, m => m.Contains("\"messages\"", StringComparison.Ordinal)); // the body was logged
        Assert.Contains(logged, m => m.Contains("retrying", StringComparison.Ordinal));
        Assert.Contains(logged, m => m.Contains("failed", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains("sk-flock-0", StringComparison.Ordinal));
    }

    [Fact]
    public void The_options_and_the_clients_never_show_the_key()
    {
        var options = Transport.Options(o => o.ApiKey = Key);
        var http = new HttpClient(new RecordingHandler());

        Assert.Contains("(set)", options.ToString());
        foreach (var text in new[]
        {
            options.ToString(),
            new FlockClient(options, http).ToString(),
            new FlockClient(Key, TestFlock.Endpoint, http).ToString(),
            new FlockChatClient(TestFlock.Model, Key, TestFlock.Endpoint, http).ToString(),
        })
        {
            Assert.DoesNotContain("sk-flock-0", text, StringComparison.Ordinal);
        }
    }

    private static void AssertNoKey(FlockException ex)
    {
        foreach (var text in new[] { ex.ToString(), ex.ResponseContent ?? "", ex.ErrorType ?? "", ex.ErrorParam ?? "", ex.ErrorCode ?? "" })
        {
            Assert.DoesNotContain(Key[..(Redaction.MinPartial + 4)], text, StringComparison.Ordinal);
        }
    }
}
