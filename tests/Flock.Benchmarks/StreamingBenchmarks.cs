using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.Benchmarks;

/// <summary>A text stream of 1,000 chunks: cost per chunk (OperationsPerInvoke) of each path.</summary>
[MemoryDiagnoser]
public class TextStreamBenchmarks
{
    public const int Chunks = 1000;
    private byte[] _body = [];
    private Adapters _adapters = null!;
    private Adapters _withProxyHeaders = null!;
    private Adapters _withOtherHeaders = null!;
    private readonly ChatHistory _history = new("You are terse.");
    private readonly List<ChatMessage> _messages = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Count.")];

    [GlobalSetup]
    public void Setup()
    {
        _body = CannedBodies.TextStream(Chunks);
        _adapters = new Adapters(_body, "text/event-stream");
        _withProxyHeaders = new Adapters(_body, "text/event-stream", CannedBodies.ProxyHeaders);
        _withOtherHeaders = new Adapters(_body, "text/event-stream", CannedBodies.OtherHeaders);
        _history.AddUserMessage("Count.");
    }

    [Benchmark(OperationsPerInvoke = Chunks)]
    public Task<int> Floor_SseParserUtf8JsonReader() => Floor.StreamAsync(_body);

    [Benchmark(OperationsPerInvoke = Chunks)]
    public Task<int> Flock_SK() => Workloads.StreamSkAsync(_adapters.FlockSk, _history);

    [Benchmark(OperationsPerInvoke = Chunks, Baseline = true)]
    public Task<int> OpenAI_SK() => Workloads.StreamSkAsync(_adapters.SkOpenAI, _history);

    [Benchmark(OperationsPerInvoke = Chunks)]
    public Task<int> Flock_MEAI() => Workloads.StreamMeaiAsync(_adapters.FlockMeai, _messages, null);

    [Benchmark(OperationsPerInvoke = Chunks)]
    public Task<int> OpenAI_MEAI() => Workloads.StreamMeaiAsync(_adapters.MeaiOpenAI, _messages, null);

    /// <summary>
    /// <see cref="Flock_MEAI"/> answered with a LiteLLM proxy's response headers (<see cref="CannedBodies.ProxyHeaders"/>): what
    /// reading them costs a stream (the response info, the rate-limit gate's bookkeeping, the cost from the header).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public Task<int> Flock_MEAI_ProxyHeaders() => Workloads.StreamMeaiAsync(_withProxyHeaders.FlockMeai, _messages, null);

    /// <summary>
    /// <see cref="Flock_MEAI"/> answered with as many headers as <see cref="Flock_MEAI_ProxyHeaders"/>, which the client does not
    /// read: against it, the other's extra time is the reading alone (the handler adds the same number of headers to both).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public Task<int> Flock_MEAI_OtherHeaders() => Workloads.StreamMeaiAsync(_withOtherHeaders.FlockMeai, _messages, null);

    /// <summary>What <see cref="Flock_MEAI_ProxyHeaders"/>'s stream says in its last update: checks that the headers are read.</summary>
    public async Task<FlockResponseInfo?> ProxyHeadersInfoAsync()
    {
        ChatResponseUpdate? last = null;
        await foreach (var update in _withProxyHeaders.FlockMeai.GetStreamingResponseAsync(_messages).ConfigureAwait(false))
        {
            last = update;
        }

        return last?.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.ResponseInfo) as FlockResponseInfo;
    }

    /// <summary>
    /// FlockChatClient under MEAI's OpenTelemetryChatClient with nobody listening: what the SK service would pay per chunk
    /// if it kept the telemetry client in its pipeline when no listener is attached (it does not).
    /// </summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public Task<int> Flock_MEAI_TelemetryClientUnheard() => Workloads.StreamMeaiAsync(_adapters.FlockMeaiWithTelemetry, _messages, null);
}

/// <summary>One tool call streamed in 40 argument fragments: cost per chunk.</summary>
[MemoryDiagnoser]
public class ToolStreamBenchmarks
{
    public const int Fragments = 40;
    private const int ChunksPerCall = Fragments + 3;
    private byte[] _body = [];
    private Adapters _adapters = null!;
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Weather in Paris?")];
    private readonly ChatHistory _history = [];
    private ChatOptions _options = null!;
    private Kernel _kernel = null!;
    private PromptExecutionSettings _settings = null!;

    [GlobalSetup]
    public void Setup()
    {
        _body = CannedBodies.ToolStream(Fragments, out _);
        _adapters = new Adapters(_body, "text/event-stream");
        _history.AddUserMessage("Weather in Paris?");
        var function = AIFunctionFactory.Create((string city, int days, string notes) => city, "get_weather");
        _options = new ChatOptions { Tools = [function] };
        _kernel = new Kernel();
        _kernel.Plugins.AddFromFunctions("weather", [KernelFunctionFactory.CreateFromMethod((string city, int days, string notes) => city, "get_weather")]);
        _settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };
    }

    [Benchmark(OperationsPerInvoke = ChunksPerCall)]
    public Task<int> Floor_SseParserUtf8JsonReader() => Floor.StreamAsync(_body);

    [Benchmark(OperationsPerInvoke = ChunksPerCall)]
    public Task<int> Flock_SK() => Workloads.StreamSkAsync(_adapters.FlockSk, Fresh(), _settings, _kernel);

    [Benchmark(OperationsPerInvoke = ChunksPerCall, Baseline = true)]
    public Task<int> OpenAI_SK() => Workloads.StreamSkAsync(_adapters.SkOpenAI, Fresh(), _settings, _kernel);

    /// <summary>SK's function-calling paths may append the call to the history: each call starts from the same one-message history.</summary>
    private ChatHistory Fresh() => [.. _history];

    [Benchmark(OperationsPerInvoke = ChunksPerCall)]
    public Task<int> Flock_MEAI() => Workloads.StreamMeaiAsync(_adapters.FlockMeai, _messages, _options);

    [Benchmark(OperationsPerInvoke = ChunksPerCall)]
    public Task<int> OpenAI_MEAI() => Workloads.StreamMeaiAsync(_adapters.MeaiOpenAI, _messages, _options);
}
