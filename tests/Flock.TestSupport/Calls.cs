using Microsoft.Extensions.AI;

namespace Flock.Tests.Support;

/// <summary>Sends one request through the MEAI chat client and returns the body the handler recorded.</summary>
public static class Calls
{
    public const string MessagesJson = """[{"role":"user","content":"Hi"}]""";

    public static ChatMessage[] Messages() => [new(ChatRole.User, "Hi")];

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
