using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Support;

/// <summary>Sends one request through either adapter and returns the body the handler recorded.</summary>
public static class Calls
{
    public const string MessagesJson = """[{"role":"user","content":"Hi"}]""";

    public static ChatHistory History() => new([new ChatMessageContent(AuthorRole.User, "Hi")]);

    public static ChatMessage[] Messages() => [new(ChatRole.User, "Hi")];

    /// <summary>The body the SK service sends for <paramref name="settings"/>.</summary>
    public static async Task<string> SkBodyAsync(PromptExecutionSettings? settings, bool streaming, ChatHistory? history = null)
    {
        var handler = new RecordingHandler();
        var service = TestFlock.Service(handler);
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

    /// <summary>The body the MEAI chat client sends for <paramref name="options"/>.</summary>
    public static async Task<string> MeaiBodyAsync(ChatOptions? options, bool streaming, IEnumerable<ChatMessage>? messages = null)
    {
        var handler = new RecordingHandler();
        IChatClient client = TestFlock.ChatClient(handler);
        if (streaming)
        {
            handler.EnqueueSse(TestFiles.Read("stream-text.sse"));
            await foreach (var _ in client.GetStreamingResponseAsync(messages ?? Messages(), options))
            {
            }
        }
        else
        {
            handler.EnqueueJson(TestFiles.Read("completion.json"));
            await client.GetResponseAsync(messages ?? Messages(), options);
        }

        return handler.SingleRequest.Body!;
    }

    /// <summary>An expected request body: model and the one "Hi" message, then <paramref name="fields"/> (JSON members, no braces).</summary>
    public static string Body(string fields, string model = TestFlock.Model) =>
        $$"""{"model":"{{model}}","messages":{{MessagesJson}}{{(fields.Length == 0 ? "" : "," + fields)}}}""";
}
