using System.ClientModel;
using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenAI;

namespace Flock.FirstCall;

/// <summary>
/// The five clients, each as an app would write its first streamed call. A measured process runs exactly one of them.
/// Each method is kept out of line so that starting one client never loads or compiles another's types.
/// </summary>
public static class Clients
{
    public const string Key = "sk-first-call";
    public const string Prompt = "Say hello.";

    /// <summary>The five clients the ratios compare.</summary>
    public static readonly string[] Names = ["raw", "flock-meai", "meai-openai", "flock-sk", "sk-openai"];

    /// <summary>
    /// Variants for finding where time goes: the SK services constructed directly, without a kernel's container; Flock's SK
    /// service in a kernel given an <see cref="HttpClient"/> (without one it sends with the library's pooled handler, as a kernel has no <c>IHttpClientFactory</c>);
    /// <c>sk-floor</c> is the least any SK connector costs: a kernel, one registered <see cref="IChatCompletionService"/> and
    /// SK's content types, over the <c>raw</c> client's request and parsing.
    /// </summary>
    public static readonly string[] Variants = ["flock-sk-direct", "sk-openai-direct", "flock-sk-httpclient", "sk-floor"];

    /// <summary>Runs <paramref name="name"/> once against <paramref name="endpoint"/> and reports on standard output.</summary>
    public static async Task<int> RunAsync(string name, Uri endpoint, long mainEntered, TypeLoads? typeLoads = null)
    {
        var report = new Report();
        var length = name switch
        {
            "raw" => await RawAsync(endpoint, report),
            "flock-meai" => await FlockMeaiAsync(endpoint, report),
            "meai-openai" => await MeaiOpenAIAsync(endpoint, report),
            "flock-sk" => await FlockSkAsync(endpoint, report),
            "sk-openai" => await SkOpenAIAsync(endpoint, report),
            "flock-sk-direct" => await FlockSkDirectAsync(endpoint, report),
            "sk-openai-direct" => await SkOpenAIDirectAsync(endpoint, report),
            "flock-sk-httpclient" => await FlockSkHttpClientAsync(endpoint, report),
            "sk-floor" => await SkFloorAsync(endpoint, report),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown client: " + string.Join(", ", Names.Concat(Variants))),
        };
        if (Environment.GetEnvironmentVariable("FLOCK_FIRST_CALL_ASSEMBLIES") == "1")
        {
            // What the call loaded, for finding what it need not (README.md).
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name).Order(StringComparer.Ordinal))
            {
                Console.Error.WriteLine("loaded " + assembly);
            }
        }

        typeLoads?.Write(report.FirstTokenUtc, Console.Error);

        // Written after the call, so that the console's own start-up is not counted in the first token.
        Console.Out.WriteLine("main " + mainEntered);
        Console.Out.WriteLine("first " + report.FirstToken);
        Console.Out.WriteLine("cpu " + report.CpuAtFirstToken.Ticks);
        Console.Out.WriteLine("jit " + report.JitAtFirstToken.Ticks);
        Console.Out.WriteLine("methods " + report.MethodsAtFirstToken);
        Console.Out.WriteLine("done " + length);
        Console.Out.Flush();
        return 0;
    }

    /// <summary>The floor: HttpClient, a hand-written body, SseParser and a Utf8JsonReader over each event.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> RawAsync(Uri endpoint, Report report)
    {
        using var http = new HttpClient();
        using var request = RawRequest(endpoint);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var stream = await response.Content.ReadAsStreamAsync();
        var text = new StringBuilder();
        await foreach (var item in SseParser.Create(stream, static (_, data) => Content(data)).EnumerateAsync())
        {
            if (item.Data is { Length: > 0 } piece)
            {
                report.Token();
                text.Append(piece);
            }
        }

        return text.Length;
    }

    private static HttpRequestMessage RawRequest(Uri endpoint)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/chat/completions"));
        request.Headers.TryAddWithoutValidation("x-litellm-api-key", Key);
        request.Content = new StringContent(
            $$"""{"model":"{{CannedServer.Model}}","messages":[{"role":"user","content":"{{Prompt}}"}],"stream":true}""",
            Encoding.UTF8, "application/json");
        return request;
    }

    private static string? Content(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return null;
        }

        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }

        return null;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> FlockMeaiAsync(Uri endpoint, Report report)
    {
        IChatClient client = new FlockChatClient(CannedServer.Model, Key, endpoint);
        return await StreamMeaiAsync(client, report);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> MeaiOpenAIAsync(Uri endpoint, Report report)
    {
        IChatClient client = new OpenAIClient(new ApiKeyCredential(Key), new OpenAIClientOptions { Endpoint = endpoint })
            .GetChatClient(CannedServer.Model).AsIChatClient();
        return await StreamMeaiAsync(client, report);
    }

    private static async Task<int> StreamMeaiAsync(IChatClient client, Report report)
    {
        var length = 0;
        await foreach (var update in client.GetStreamingResponseAsync(Prompt))
        {
            if (update.Text is { Length: > 0 } text)
            {
                report.Token();
                length += text.Length;
            }
        }

        return length;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> FlockSkAsync(Uri endpoint, Report report)
    {
        var kernel = Kernel.CreateBuilder().AddFlockChatCompletion(CannedServer.Model, Key, endpoint).Build();
        return await StreamSkAsync(kernel, report);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> SkOpenAIAsync(Uri endpoint, Report report)
    {
        var kernel = Kernel.CreateBuilder().AddOpenAIChatCompletion(CannedServer.Model, endpoint, Key).Build();
        return await StreamSkAsync(kernel, report);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> FlockSkHttpClientAsync(Uri endpoint, Report report)
    {
        using var http = new HttpClient();
        var kernel = Kernel.CreateBuilder().AddFlockChatCompletion(CannedServer.Model, Key, endpoint, httpClient: http).Build();
        return await StreamSkAsync(kernel, report);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> SkFloorAsync(Uri endpoint, Report report)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<IChatCompletionService>(_ => new FloorChatCompletionService(endpoint));
        return await StreamSkAsync(builder.Build(), report);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> FlockSkDirectAsync(Uri endpoint, Report report) =>
        await StreamSkAsync(new FlockChatCompletionService(CannedServer.Model, Key, endpoint), null, report);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<int> SkOpenAIDirectAsync(Uri endpoint, Report report) =>
        await StreamSkAsync(new Microsoft.SemanticKernel.Connectors.OpenAI.OpenAIChatCompletionService(CannedServer.Model, endpoint, Key), null, report);

    private static Task<int> StreamSkAsync(Kernel kernel, Report report) =>
        StreamSkAsync(kernel.GetRequiredService<IChatCompletionService>(), kernel, report);

    private static async Task<int> StreamSkAsync(IChatCompletionService chat, Kernel? kernel, Report report)
    {
        var history = new ChatHistory();
        history.AddUserMessage(Prompt);
        var length = 0;
        await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, kernel: kernel))
        {
            if (update.Content is { Length: > 0 } text)
            {
                report.Token();
                length += text.Length;
            }
        }

        return length;
    }

    /// <summary>The least an SK connector can be: the <c>raw</c> client's request and parsing behind SK's interface and content types.</summary>
    private sealed class FloorChatCompletionService(Uri endpoint) : IChatCompletionService
    {
        private static readonly HttpClient Http = new();

        public IReadOnlyDictionary<string, object?> Attributes { get; } = new Dictionary<string, object?>();

        public Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
            ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("The floor client only streams.");

        public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
            ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null,
            [EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            using var request = RawRequest(endpoint);
            using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            await foreach (var item in SseParser.Create(stream, static (_, data) => Content(data)).EnumerateAsync(cancellationToken))
            {
                if (item.Data is { } piece)
                {
                    yield return new StreamingChatMessageContent(AuthorRole.Assistant, piece);
                }
            }
        }
    }

    /// <summary>Notes the monotonic clock (one for every process on the machine) when the first token arrives.</summary>
    private sealed class Report
    {
        public long FirstToken { get; private set; }

        /// <summary>The first token's time of day, to compare with the runtime's event times (<see cref="TypeLoads"/>).</summary>
        public DateTime FirstTokenUtc { get; private set; }

        /// <summary>The process's CPU time (every thread: JIT, GC, thread pool) at the first token; steadier than wall time on a busy machine.</summary>
        public TimeSpan CpuAtFirstToken { get; private set; }

        /// <summary>Time spent compiling, and methods compiled, by the first token: most of a first call is the JIT's.</summary>
        public TimeSpan JitAtFirstToken { get; private set; }

        public long MethodsAtFirstToken { get; private set; }

        public void Token()
        {
            if (FirstToken == 0)
            {
                FirstToken = Stopwatch.GetTimestamp();
                FirstTokenUtc = DateTime.UtcNow;
                CpuAtFirstToken = Environment.CpuUsage.TotalTime;
                JitAtFirstToken = System.Runtime.JitInfo.GetCompilationTime();
                MethodsAtFirstToken = System.Runtime.JitInfo.GetCompiledMethodCount();
                if (Environment.GetEnvironmentVariable("FLOCK_FIRST_CALL_EXIT_AT_FIRST_TOKEN") == "1")
                {
                    // For a JIT list of what the first token needed, nothing after it (README.md).
                    Environment.Exit(0);
                }
            }
        }
    }
}
