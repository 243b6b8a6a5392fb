using Flock.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Support;

/// <summary>Builds the SK service over a <see cref="RecordingHandler"/>, and sends through it.</summary>
public static class TestSk
{
    public static FlockChatCompletionService Service(RecordingHandler handler, ILoggerFactory? loggerFactory = null) =>
        new(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, new HttpClient(handler), loggerFactory);

    public static FlockChatCompletionService Service(RecordingHandler handler, FlockOptions options) =>
        new(new FlockClient(options, new HttpClient(handler)));

    public static ChatHistory History() => new([new ChatMessageContent(AuthorRole.User, "Hi")]);

    /// <summary>
    /// Asserts the SK convention for a failure: SK's <see cref="HttpOperationException"/> (as <see cref="FlockHttpOperationException"/>)
    /// carrying the same status, body, message and Flock fields as the core's <see cref="FlockException"/> inside, which it returns.
    /// </summary>
    public static FlockException SkError(Exception? error)
    {
        var sk = Assert.IsType<FlockHttpOperationException>(error);
        Assert.IsAssignableFrom<HttpOperationException>(sk);
        var inner = Assert.IsAssignableFrom<FlockException>(sk.InnerException);
        Assert.Same(inner, sk.Error);
        Assert.Equal(inner.StatusCode, sk.StatusCode);
        Assert.Equal(inner.ResponseContent, sk.ResponseContent);
        Assert.Equal(inner.Message, sk.Message);
        Assert.Equal(inner.ErrorType, sk.ErrorType);
        Assert.Equal(inner.ErrorParam, sk.ErrorParam);
        Assert.Equal(inner.ErrorCode, sk.ErrorCode);
        Assert.Equal(inner.RetryAfter, sk.RetryAfter);
        Assert.Equal(inner.DuringStream, sk.DuringStream);
        Assert.Equal((inner as FlockTimeoutException)?.Kind, sk.TimeoutKind);
        return inner;
    }

    /// <summary>Runs an SK call that must fail, asserts the SK convention (<see cref="SkError"/>) and returns the core's exception.</summary>
    public static async Task<FlockException> ThrowsAsync(Func<Task> call) => SkError(await Assert.ThrowsAsync<FlockHttpOperationException>(call));

    /// <summary>The body the SK service sends for <paramref name="settings"/>.</summary>
    public static async Task<string> SkBodyAsync(PromptExecutionSettings? settings, bool streaming, ChatHistory? history = null)
    {
        var handler = new RecordingHandler();
        var service = Service(handler);
        if (streaming)
        {
            handler.EnqueueSse(TestFiles.Read("stream-text.sse"));
            await foreach (var _ in service.GetStreamingChatMessageContentsAsync(history ?? History(), settings))
            {
            }
        }
        else
        {
            handler.EnqueueJson(TestFiles.Read("completion.json"));
            await service.GetChatMessageContentsAsync(history ?? History(), settings);
        }

        return handler.SingleRequest.Body!;
    }

}
