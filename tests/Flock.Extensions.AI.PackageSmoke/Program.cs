// Package smoke test of the core alone: the packed Flock.Extensions.AI with no Semantic Kernel anywhere. Chats (streamed
// and not, direct and through DI) go to a handler in this process that answers as Flock does.
// Prints "core package smoke: OK …" and exits 0, or prints what went wrong and exits 1.
using System.Net;
using System.Reflection;
using System.Text;
using Flock.Extensions.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

try
{
    Check(SemanticKernelTraces() is [], "Semantic Kernel is in the build: " + string.Join(", ", SemanticKernelTraces()));

    var flock = new CannedFlock();
    var endpoint = new Uri("https://flock.invalid/v1");
    IChatClient client = new FlockChatClient("qwen3-30b-a3b-instruct-2507", "sk-core-smoke", endpoint, new HttpClient(flock));

    var response = await client.GetResponseAsync("Say hello.");
    Check(response.Text == CannedFlock.Answer, $"unexpected reply '{response.Text}'");
    Check(response.Usage?.TotalTokenCount == 9, "the reply carried no usage");

    var streamed = new StringBuilder();
    var updates = 0;
    await foreach (var update in client.GetStreamingResponseAsync("Say hello, streamed."))
    {
        streamed.Append(update.Text);
        updates++;
    }

    Check(streamed.ToString() == CannedFlock.Answer && updates > 1, $"unexpected stream '{streamed}' in {updates} updates");

    var services = new ServiceCollection();
    services.AddFlockChatClient("qwen3-30b-a3b-instruct-2507", "sk-core-smoke", endpoint, httpClient: new HttpClient(flock)).UseFunctionInvocation();
    await using var provider = services.BuildServiceProvider();
    var fromDi = await provider.GetRequiredService<IChatClient>().GetResponseAsync("Say hello through DI.");
    Check(fromDi.Text == CannedFlock.Answer, $"unexpected DI reply '{fromDi.Text}'");

    Check(flock.Keys.Count == 3 && flock.Keys.All(k => k == "sk-core-smoke"), $"the key header was not sent on every request ({flock.Keys.Count} requests)");
    Check(SemanticKernelTraces() is [], "Semantic Kernel was loaded: " + string.Join(", ", SemanticKernelTraces()));

    var core = typeof(FlockChatClient).Assembly;
    Console.WriteLine($"core package smoke: reply '{response.Text}', streamed in {updates} updates, DI reply alike");
    Console.WriteLine($"core package smoke: {core.GetName().Name} {core.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}; no Microsoft.SemanticKernel assembly in the output, the .deps.json or the process");
    Console.WriteLine("core package smoke: OK");
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"core package smoke: FAILED: {ex}");
    return 1;
}

static void Check(bool condition, string failure)
{
    if (!condition)
    {
        throw new InvalidOperationException(failure);
    }
}

// Every place a Semantic Kernel assembly could show up: a file beside the app, an entry in its .deps.json (what restore
// resolved), or an assembly loaded into this process.
static List<string> SemanticKernelTraces()
{
    const string sk = "Microsoft.SemanticKernel";
    var traces = Directory.EnumerateFiles(AppContext.BaseDirectory, sk + "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>().ToList();
    var deps = Path.Combine(AppContext.BaseDirectory, Assembly.GetEntryAssembly()!.GetName().Name + ".deps.json");
    if (!File.Exists(deps))
    {
        throw new InvalidOperationException($"{deps} is missing, so its dependencies cannot be checked.");
    }

    if (File.ReadAllText(deps).Contains(sk, StringComparison.OrdinalIgnoreCase))
    {
        traces.Add(Path.GetFileName(deps) + " names " + sk);
    }

    traces.AddRange(AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetName().Name ?? "").Where(n => n.StartsWith(sk, StringComparison.Ordinal)));
    return traces;
}

/// <summary>Answers chat completions as Flock does: a JSON completion, or an SSE stream with a usage chunk and [DONE].</summary>
internal sealed class CannedFlock : HttpMessageHandler
{
    public const string Answer = "Hello from the core package.";

    public List<string?> Keys { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Keys.Add(request.Headers.TryGetValues("x-litellm-api-key", out var values) ? values.Single() : null);
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        const string head = "\"id\":\"chatcmpl-smoke\",\"created\":1767225600,\"model\":\"qwen3-30b-a3b-instruct-2507\"";
        const string usage = "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":6,\"total_tokens\":9}";
        if (!body.Contains("\"stream\":true", StringComparison.Ordinal))
        {
            return Respond("application/json",
                $"{{{head},\"object\":\"chat.completion\",\"choices\":[{{\"index\":0,\"message\":{{\"role\":\"assistant\",\"content\":\"{Answer}\"}},\"finish_reason\":\"stop\"}}],{usage}}}");
        }

        var sse = new StringBuilder();
        foreach (var (piece, i) in new[] { "Hello ", "from the ", "core package." }.Select((p, i) => (p, i)))
        {
            var role = i == 0 ? "\"role\":\"assistant\"," : "";
            sse.Append($"data: {{{head},\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{{role}\"content\":\"{piece}\"}},\"finish_reason\":null}}]}}\n\n");
        }

        sse.Append($"data: {{{head},\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}]}}\n\n");
        sse.Append($"data: {{{head},\"object\":\"chat.completion.chunk\",\"choices\":[],{usage}}}\n\n");
        sse.Append("data: [DONE]\n\n");
        return Respond("text/event-stream", sse.ToString());
    }

    private static HttpResponseMessage Respond(string mediaType, string content) =>
        new(HttpStatusCode.OK) { Content = new StringContent(content, Encoding.UTF8, mediaType) };
}
