using System.Diagnostics.Metrics;
using System.Net;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>
/// The SK service's cost per answer: typed on <see cref="FlockUsage"/> and under <see cref="FlockMetadataKeys.Cost"/>, streaming
/// and not, summed over the model calls of an auto-invoke loop, and recorded once per model call on the cost counter.
/// </summary>
public sealed class CostTests
{
    private const string Catalogue = """
        {"data":[{"model_name":"qwen3-30b-a3b-instruct-2507","model_info":{"input_cost_per_token":1.5e-07,"output_cost_per_token":3e-07}}]}
        """;

    public static TheoryData<bool> Streaming => new(false, true);

    private static RecordingHandler Enqueue(RecordingHandler handler, bool streaming, string body, string? cost) =>
        handler.EnqueueAnswer(streaming, body, cost is null ? [] : [("x-litellm-response-cost", cost)]);

    /// <summary>The metadata of the result (non-streaming) or of the stream's last update.</summary>
    private static async Task<FlockMetadata> AskAsync(
        FlockChatCompletionService service, bool streaming, PromptExecutionSettings? settings = null, Kernel? kernel = null)
    {
        if (streaming)
        {
            var updates = await service.GetStreamingChatMessageContentsAsync(TestSk.History(), settings, kernel).ToListAsync();
            Assert.Single(updates, u => u.Metadata?.ContainsKey(FlockMetadataKeys.Cost) == true);
            return Assert.IsType<FlockMetadata>(updates[^1].Metadata);
        }

        return Assert.IsType<FlockMetadata>(Assert.Single(await service.GetChatMessageContentsAsync(TestSk.History(), settings, kernel)).Metadata);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_catalogue_prices_the_answer_when_the_proxy_sends_no_figure(bool streaming)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue);
        var service = TestSk.Service(handler, TestFlock.Options());
        await service.ListModelInfoAsync();
        Enqueue(handler, streaming, streaming ? CannedAnswers.Stream("Hello!") : CannedAnswers.Completion("Hello!"), cost: null);

        var metadata = await AskAsync(service, streaming);

        Assert.Equal(new FlockUsage { PromptTokens = 12, CompletionTokens = 30, TotalTokens = 42, InputCost = 0.0000018m, OutputCost = 0.000009m, TotalCost = 0.0000108m }, metadata.Usage);
        Assert.Equal(0.0000108m, metadata.Cost);
        Assert.Equal(0.0000108m, metadata[FlockMetadataKeys.Cost]);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_proxys_figure_is_the_total(bool streaming)
    {
        var handler = new RecordingHandler();
        Enqueue(handler, streaming, streaming ? CannedAnswers.Stream("Hello!") : CannedAnswers.Completion("Hello!"), cost: "0.000103");

        var metadata = await AskAsync(TestSk.Service(handler), streaming);

        Assert.Equal(new FlockUsage { PromptTokens = 12, CompletionTokens = 30, TotalTokens = 42, TotalCost = 0.000103m }, metadata.Usage);
        Assert.Equal(0.000103m, metadata.Cost);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task An_unknown_cost_is_absent_not_zero(bool streaming)
    {
        var handler = new RecordingHandler();
        Enqueue(handler, streaming, streaming ? CannedAnswers.Stream("Hello!") : CannedAnswers.Completion("Hello!"), cost: null);
        var service = TestSk.Service(handler);

        var metadata = streaming
            ? Assert.IsType<FlockMetadata>((await service.GetStreamingChatMessageContentsAsync(TestSk.History()).ToListAsync())[^1].Metadata)
            : Assert.IsType<FlockMetadata>(Assert.Single(await service.GetChatMessageContentsAsync(TestSk.History())).Metadata);

        Assert.False(metadata.ContainsKey(FlockMetadataKeys.Cost));
        Assert.Null(metadata.Cost);
        Assert.Equal(new FlockUsage { PromptTokens = 12, CompletionTokens = 30, TotalTokens = 42 }, metadata.Usage);
        Assert.Null(metadata.Usage!.TotalCost);
    }

    [Fact]
    public async Task A_stream_without_usage_reports_the_proxys_figure_alone()
    {
        var handler = new RecordingHandler();
        Enqueue(handler, streaming: true, CannedAnswers.Stream("Hello!", usage: null), cost: "0.00002");
        var settings = new FlockPromptExecutionSettings { StreamOptions = new FlockStreamOptions { IncludeUsage = false } };

        var metadata = await AskAsync(TestSk.Service(handler), streaming: true, settings);

        Assert.Equal(0.00002m, metadata.Cost);
        Assert.False(metadata.ContainsKey(FlockMetadataKeys.Usage));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_auto_invoke_loop_sums_the_cost_of_every_model_call(bool streaming)
    {
        var (kernel, handler) = ClockLoop(streaming);
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var metadata = await AskAsync(TestSk.Service(handler), streaming, settings, kernel);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(0.00035m, metadata.Cost);
        Assert.Equal(new FlockUsage { PromptTokens = 17, CompletionTokens = 32, TotalTokens = 49, TotalCost = 0.00035m }, metadata.Usage);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_cost_counter_records_once_per_model_call_of_the_auto_invoke_loop(bool streaming)
    {
        var model = "sk-cost-meter-" + Guid.NewGuid().ToString("N");
        var values = new List<double>();
        using var listener = ListenToCost(model, values);
        var (kernel, handler) = ClockLoop(streaming, model);
        var settings = new FlockPromptExecutionSettings { ModelId = model, FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        await AskAsync(TestSk.Service(handler), streaming, settings, kernel);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal([0.0001, 0.00025], values);
    }

    [Fact]
    public async Task The_catalogue_is_listed_through_the_service_and_failures_follow_the_sk_convention()
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue).Enqueue(HttpStatusCode.InternalServerError, """{"error":{"message":"catalogue down","code":"500"}}""");
        var service = TestSk.Service(handler, TestFlock.Options());

        var model = Assert.Single(await service.ListModelInfoAsync());
        var error = await TestSk.ThrowsAsync(() => service.ListModelInfoAsync(refresh: true));

        Assert.Equal((TestFlock.Model, 0.00000015m), (model.Id, model.InputCostPerToken));
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
    }

    /// <summary>A kernel with one function and the two answers of a loop: a call of it (cost 0.0001), then text (0.00025).</summary>
    private static (Kernel Kernel, RecordingHandler Handler) ClockLoop(bool streaming, string model = TestFlock.Model)
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "12:00", "now", "The time.")]);
        const string call = """{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Clock_now","arguments":"{}"}}]}""";
        var handler = new RecordingHandler();
        Enqueue(handler, streaming,
            streaming
                ? CannedAnswers.Chunk(call, model: model) + CannedAnswers.Chunk("{}", "tool_calls", model: model) + CannedAnswers.End("""{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}""", model: model)
                : $$$"""{"id":"c1","model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"Clock_now","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""",
            cost: "0.0001");
        Enqueue(handler, streaming, streaming ? CannedAnswers.Stream("It is noon.", model: model) : CannedAnswers.Completion("It is noon.", model: model), cost: "0.00025");
        return (kernel, handler);
    }

    /// <summary>Records the cost counter's values for <paramref name="model"/> only (other tests run beside this one).</summary>
    private static MeterListener ListenToCost(string model, List<double> values)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FlockTelemetry.SourceName && instrument.Name == FlockTelemetry.CostMetricName)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "gen_ai.request.model" && Equals(tag.Value, model))
                {
                    lock (values)
                    {
                        values.Add(value);
                    }
                }
            }
        });
        listener.Start();
        return listener;
    }
}
