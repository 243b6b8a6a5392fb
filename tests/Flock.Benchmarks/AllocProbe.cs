using Flock.Extensions.AI.ChatClient;
using Flock.Extensions.AI.Wire;
using Microsoft.Extensions.AI;

namespace Flock.Benchmarks;

public static class AllocProbe
{
    static long M(Func<object?> a) { a(); var b = GC.GetAllocatedBytesForCurrentThread(); for (int i = 0; i < 200; i++) a(); return (GC.GetAllocatedBytesForCurrentThread() - b) / 200; }
    static long MA(Func<Task> a) { a().GetAwaiter().GetResult(); var b = GC.GetAllocatedBytesForCurrentThread(); for (int i = 0; i < 200; i++) a().GetAwaiter().GetResult(); return (GC.GetAllocatedBytesForCurrentThread() - b) / 200; }

    public static void Run()
    {
        var frag = System.Text.Encoding.UTF8.GetBytes("{\"id\":\"chatcmpl-5f0d2c8e9b7a4e31a2f4c6d8e0b1a3c5\",\"object\":\"chat.completion.chunk\",\"created\":1764000000,\"model\":\"qwen3-30b-a3b-instruct-2507\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"abcdef\"}}]}}]}");
        var chunk = new StreamChunk();
        Console.WriteLine("Parse tool fragment chunk: " + M(() => StreamChunkParser.Parse(frag, chunk)));
        var tool = new ToolStreamBenchmarks(); tool.Setup();
        Console.WriteLine("SK tool stream per call: " + MA(() => tool.Flock_SK()));
        Console.WriteLine("MEAI tool stream per call: " + MA(() => tool.Flock_MEAI()));
        var text = new TextStreamBenchmarks(); text.Setup();
        Console.WriteLine("SK text stream per call: " + MA(() => text.Flock_SK()));
        Console.WriteLine("MEAI text stream per call: " + MA(() => text.Flock_MEAI()));
        List<ChatMessage> count = [new(ChatRole.User, "Count.")];
        var plainText = new Adapters(CannedBodies.TextStream(TextStreamBenchmarks.Chunks), "text/event-stream");
        var tagsOff = new ChatOptions { AdditionalProperties = new() { ["think_tags"] = "Off" } };
        Console.WriteLine("MEAI text stream per call, think tags Off: " + MA(() => Workloads.StreamMeaiAsync(plainText.FlockMeai, count, tagsOff)));
        var thinking = new Adapters(CannedBodies.ThinkingStream(TextStreamBenchmarks.Chunks), "text/event-stream");
        Console.WriteLine("MEAI <think> stream per call (split): " + MA(() => Workloads.StreamMeaiAsync(thinking.FlockMeai, count, null)));
        var (_, messages) = Workloads.Conversation(20);
        var (_, options) = Workloads.FiveTools();
        Console.WriteLine("ToRequest: " + M(() => MeaiToFlock.ToRequest(messages, options, "m", false)));
        var req = MeaiToFlock.ToRequest(messages, options, "m", false);
        Console.WriteLine("Body: " + M(() => { using var b = PooledJsonBody.Create(req, FlockJsonContext.Default.ChatRequest); return null; }));
        var bodyBytes = CannedBodies.Completion(5, out _);
        Console.WriteLine("Parse completion: " + M(() => System.Text.Json.JsonSerializer.Deserialize(bodyBytes, FlockJsonContext.Default.ChatCompletion)));
        var c = System.Text.Json.JsonSerializer.Deserialize(bodyBytes, FlockJsonContext.Default.ChatCompletion)!;
        Console.WriteLine("ToChatResponse: " + M(() => FlockToMeai.ToChatResponse(c)));
        var a = new Adapters(bodyBytes, "application/json");
        Console.WriteLine("Whole MEAI call: " + MA(() => Workloads.CompleteMeaiAsync(a.FlockMeai, messages, options)));
        Console.WriteLine("Whole MEAI call no tools: " + MA(() => Workloads.CompleteMeaiAsync(a.FlockMeai, messages, null)));
        var request = new RequestBenchmarks(); request.Setup();
        Console.WriteLine("Whole SK request call (20 messages, 5 tools): " + MA(() => request.Flock_SK()));
        Console.WriteLine("Whole SK OpenAI request call: " + MA(() => request.OpenAI_SK()));
        var (skHistory, _) = Workloads.Conversation(20);
        var (kernel, _) = Workloads.FiveTools();
        var plain = new Microsoft.SemanticKernel.PromptExecutionSettings { FunctionChoiceBehavior = Microsoft.SemanticKernel.FunctionChoiceBehavior.Auto(autoInvoke: false) };
        Console.WriteLine("  SK history to MEAI: " + M(() => Flock.SemanticKernel.Mapping.SkToMeai.ToMessages(skHistory, plain)));
        Console.WriteLine("  settings: " + M(() => FlockPromptExecutionSettings.FromExecutionSettings(plain)));
        Console.WriteLine("  functions: " + M(() => plain.FunctionChoiceBehavior.GetConfiguration(new Microsoft.SemanticKernel.FunctionChoiceBehaviorConfigurationContext(skHistory) { Kernel = kernel, RequestSequenceIndex = 0 })));
        var fs = FlockPromptExecutionSettings.FromExecutionSettings(plain);
        var config = plain.FunctionChoiceBehavior.GetConfiguration(new Microsoft.SemanticKernel.FunctionChoiceBehaviorConfigurationContext(skHistory) { Kernel = kernel, RequestSequenceIndex = 0 });
        Console.WriteLine("  options: " + M(() => Flock.SemanticKernel.Mapping.SkToMeai.ToChatOptions(fs, config, kernel, false)));
        var skOptions = Flock.SemanticKernel.Mapping.SkToMeai.ToChatOptions(fs, config, kernel, false);
        var skMessages = Flock.SemanticKernel.Mapping.SkToMeai.ToMessages(skHistory, fs);
        Console.WriteLine("  ToRequest(SK tools): " + M(() => MeaiToFlock.ToRequest(skMessages, skOptions, "m", false)));
        var response = FlockToMeai.ToChatResponse(c);
        Console.WriteLine("  result: " + M(() => Flock.SemanticKernel.Mapping.MeaiToSk.ToResult(response.Messages[0], response, "m", kernel, null)));
        var completion = new CompletionBenchmarks(); completion.Setup();
        Console.WriteLine("Whole SK 500-token call: " + MA(() => completion.Flock_SK()));
        Console.WriteLine("SK OpenAI text stream per call: " + MA(() => text.OpenAI_SK()));
        var http = new HttpClient(new CannedHandler(bodyBytes, "application/json"));
        Console.WriteLine("Bare HttpClient POST: " + MA(async () => { using var r = await http.PostAsync("https://x.test/v1/chat/completions", new ByteArrayContent([1, 2, 3])); await r.Content.ReadAsByteArrayAsync(); }));
    }
}
