using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.Benchmarks;

/// <summary>A non-streaming reply of about 500 tokens: cost per call.</summary>
[MemoryDiagnoser]
public class CompletionBenchmarks
{
    private byte[] _body = [];
    private Adapters _adapters = null!;
    private readonly ChatHistory _history = [];
    private readonly List<ChatMessage> _messages = [new(ChatRole.User, "Tell me a story.")];

    [GlobalSetup]
    public void Setup()
    {
        _body = CannedBodies.Completion(500, out _);
        _adapters = new Adapters(_body, "application/json");
        _history.AddUserMessage("Tell me a story.");
    }

    [Benchmark]
    public int Floor_Utf8JsonReader() => Floor.Completion(_body);

    [Benchmark]
    public Task<int> Flock_SK() => Workloads.CompleteSkAsync(_adapters.FlockSk, _history, null, null);

    [Benchmark(Baseline = true)]
    public Task<int> OpenAI_SK() => Workloads.CompleteSkAsync(_adapters.SkOpenAI, _history, null, null);

    [Benchmark]
    public Task<int> Flock_MEAI() => Workloads.CompleteMeaiAsync(_adapters.FlockMeai, _messages, null);

    [Benchmark]
    public Task<int> OpenAI_MEAI() => Workloads.CompleteMeaiAsync(_adapters.MeaiOpenAI, _messages, null);
}

/// <summary>Building and sending a request of 20 messages and 5 tools (the reply is tiny): cost per call.</summary>
[MemoryDiagnoser]
public class RequestBenchmarks
{
    private Adapters _adapters = null!;
    private ChatHistory _history = null!;
    private List<ChatMessage> _messages = null!;
    private ChatOptions _options = null!;
    private Kernel _kernel = null!;
    private PromptExecutionSettings _settings = null!;

    [GlobalSetup]
    public void Setup()
    {
        _adapters = new Adapters(CannedBodies.Completion(5, out _), "application/json");
        (_history, _messages) = Workloads.Conversation(20);
        (_kernel, _options) = Workloads.FiveTools();
        _settings = new PromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };
    }

    [Benchmark]
    public Task<int> Flock_SK() => Workloads.CompleteSkAsync(_adapters.FlockSk, [.. _history], _settings, _kernel);

    [Benchmark(Baseline = true)]
    public Task<int> OpenAI_SK() => Workloads.CompleteSkAsync(_adapters.SkOpenAI, [.. _history], _settings, _kernel);

    [Benchmark]
    public Task<int> Flock_MEAI() => Workloads.CompleteMeaiAsync(_adapters.FlockMeai, _messages, _options);

    [Benchmark]
    public Task<int> OpenAI_MEAI() => Workloads.CompleteMeaiAsync(_adapters.MeaiOpenAI, _messages, _options);
}
