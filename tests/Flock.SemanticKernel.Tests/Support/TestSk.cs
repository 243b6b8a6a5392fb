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
