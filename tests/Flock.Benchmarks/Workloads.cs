using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.Benchmarks;

/// <summary>The workloads, shared by the benchmarks and by <see cref="VerifyAsync"/>, which checks every path gives the same result.</summary>
public static class Workloads
{
    public static async Task<int> StreamSkAsync(IChatCompletionService service, ChatHistory history, PromptExecutionSettings? settings = null, Kernel? kernel = null)
    {
        var length = 0;
        await foreach (var update in service.GetStreamingChatMessageContentsAsync(history, settings, kernel).ConfigureAwait(false))
        {
            length += update.Content?.Length ?? 0;
            foreach (var item in update.Items)
            {
                if (item is StreamingFunctionCallUpdateContent call)
                {
                    length += call.Arguments?.Length ?? 0;
                }
            }
        }

        return length;
    }

    public static async Task<int> StreamMeaiAsync(IChatClient client, List<ChatMessage> messages, ChatOptions? options)
    {
        var length = 0;
        await foreach (var update in client.GetStreamingResponseAsync(messages, options).ConfigureAwait(false))
        {
            foreach (var content in update.Contents)
            {
                length += content switch
                {
                    Microsoft.Extensions.AI.TextContent text => text.Text.Length,
                    Microsoft.Extensions.AI.FunctionCallContent call => call.Arguments?.Count ?? 0,
                    _ => 0,
                };
            }
        }

        return length;
    }

    public static async Task<int> CompleteSkAsync(IChatCompletionService service, ChatHistory history, PromptExecutionSettings? settings, Kernel? kernel)
    {
        var result = await service.GetChatMessageContentsAsync(history, settings, kernel).ConfigureAwait(false);
        return result[0].Content?.Length ?? 0;
    }

    public static async Task<int> CompleteMeaiAsync(IChatClient client, List<ChatMessage> messages, ChatOptions? options)
    {
        var response = await client.GetResponseAsync(messages, options).ConfigureAwait(false);
        return response.Text.Length;
    }

    /// <summary>A conversation of <paramref name="count"/> messages in both shapes.</summary>
    public static (ChatHistory History, List<ChatMessage> Messages) Conversation(int count)
    {
        var history = new ChatHistory("You are a helpful travel assistant who answers with care and detail.");
        var messages = new List<ChatMessage> { new(ChatRole.System, "You are a helpful travel assistant who answers with care and detail.") };
        for (var i = 1; i < count; i++)
        {
            var text = $"Message {i}: what should I see on day {i} of my trip to Lisbon, and where should I eat?";
            if (i % 2 == 1)
            {
                history.AddUserMessage(text);
                messages.Add(new ChatMessage(ChatRole.User, text));
            }
            else
            {
                history.AddAssistantMessage(text);
                messages.Add(new ChatMessage(ChatRole.Assistant, text));
            }
        }

        return (history, messages);
    }

    /// <summary>Five tools, as kernel functions and as MEAI functions.</summary>
    public static (Kernel Kernel, ChatOptions Options) FiveTools()
    {
        var kernel = new Kernel();
        var functions = new List<KernelFunction>();
        var tools = new List<AITool>();
        foreach (var name in new[] { "get_weather", "get_time", "find_restaurant", "book_table", "convert_currency" })
        {
            functions.Add(KernelFunctionFactory.CreateFromMethod((string city, int count, bool outdoor) => city, name, $"Does {name} for a city."));
            tools.Add(AIFunctionFactory.Create((string city, int count, bool outdoor) => city, name, $"Does {name} for a city."));
        }

        kernel.Plugins.AddFromFunctions("travel", functions);
        return (kernel, new ChatOptions { Tools = tools });
    }

    /// <summary>Runs every workload once on every path and checks they agree (the benchmark's smoke mode and CI check).</summary>
    public static async Task VerifyAsync()
    {
        var text = new TextStreamBenchmarks();
        text.Setup();
        var expected = CannedBodies.StreamedText(TextStreamBenchmarks.Chunks).Length;
        Check("text stream / floor", expected, await text.Floor_SseParserUtf8JsonReader());
        Check("text stream / Flock SK", expected, await text.Flock_SK());
        Check("text stream / OpenAI SK", expected, await text.OpenAI_SK());
        Check("text stream / Flock MEAI", expected, await text.Flock_MEAI());
        Check("text stream / OpenAI MEAI", expected, await text.OpenAI_MEAI());
        Check("text stream / Flock MEAI, telemetry client unheard", expected, await text.Flock_MEAI_TelemetryClientUnheard());
        Check("text stream / Flock MEAI, with the proxy's headers", expected, await text.Flock_MEAI_ProxyHeaders());
        Check("text stream / Flock MEAI, with headers it does not read", expected, await text.Flock_MEAI_OtherHeaders());
        var info = await text.ProxyHeadersInfoAsync();
        Check("text stream / Flock MEAI, the proxy's rate limits read", 3, info?.CallId is null ? 0 : info.RateLimits.Count);

        var tool = new ToolStreamBenchmarks();
        tool.Setup();
        Check("tool stream / Flock MEAI arguments", 3, await tool.Flock_MEAI());
        Check("tool stream / OpenAI MEAI arguments", 3, await tool.OpenAI_MEAI());
        CannedBodies.ToolStream(ToolStreamBenchmarks.Fragments, out var arguments);
        Check("tool stream / OpenAI SK argument text", arguments.Length, await tool.OpenAI_SK());
        Check("tool stream / Flock SK argument text (one whole call)", arguments.Length, await tool.Flock_SK());

        var completion = new CompletionBenchmarks();
        completion.Setup();
        CannedBodies.Completion(500, out var story);
        Check("completion / Flock SK", story.Length, await completion.Flock_SK());
        Check("completion / OpenAI SK", story.Length, await completion.OpenAI_SK());
        Check("completion / Flock MEAI", story.Length, await completion.Flock_MEAI());
        Check("completion / OpenAI MEAI", story.Length, await completion.OpenAI_MEAI());

        var request = new RequestBenchmarks();
        request.Setup();
        CannedBodies.Completion(5, out var small);
        Check("request / Flock SK", small.Length, await request.Flock_SK());
        Check("request / OpenAI SK", small.Length, await request.OpenAI_SK());
        Check("request / Flock MEAI", small.Length, await request.Flock_MEAI());
        Check("request / OpenAI MEAI", small.Length, await request.OpenAI_MEAI());
    }

    private static void Check(string what, int expected, int actual)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"{what}: expected {expected}, got {actual}.");
        }

        Console.WriteLine($"ok  {what}: {actual}");
    }
}
