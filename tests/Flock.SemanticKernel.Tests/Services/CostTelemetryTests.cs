using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>The <c>flock.client.cost</c> counter under the SK service's auto-invoke loop: one measurement per model call.</summary>
public sealed class CostTelemetryTests
{
    /// <summary>Records the counter's values for <paramref name="model"/> only (other tests run beside this one).</summary>
    private static MeterListener Listen(string model, List<double> values)
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

    private static void Enqueue(RecordingHandler handler, bool streaming, string body, string cost) =>
        handler.Enqueue(_ =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8) };
            response.Content.Headers.ContentType = new MediaTypeHeaderValue(streaming ? "text/event-stream" : "application/json");
            response.Headers.TryAddWithoutValidation("x-litellm-response-cost", cost);
            return Task.FromResult(response);
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_cost_counter_records_once_per_model_call_of_the_auto_invoke_loop(bool streaming)
    {
        var model = "sk-cost-meter-" + Guid.NewGuid().ToString("N");
        var values = new List<double>();
        using var listener = Listen(model, values);
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "12:00", "now", "The time.")]);
        const string call = """{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"Clock_now","arguments":"{}"}}]}""";
        var handler = new RecordingHandler();
        Enqueue(handler, streaming,
            streaming
                ? CannedAnswers.Chunk(call, model: model) + CannedAnswers.Chunk("{}", "tool_calls", model: model) + CannedAnswers.End(model: model)
                : $$$"""{"id":"c1","model":"{{{model}}}","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"Clock_now","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}""",
            "0.0001");
        Enqueue(handler, streaming, streaming ? CannedAnswers.Stream("It is noon.", model: model) : CannedAnswers.Completion("It is noon.", model: model), "0.00025");
        var settings = new FlockPromptExecutionSettings { ModelId = model, FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var service = TestSk.Service(handler);

        if (streaming)
        {
            await service.GetStreamingChatMessageContentsAsync(TestSk.History(), settings, kernel).ToListAsync();
        }
        else
        {
            await service.GetChatMessageContentsAsync(TestSk.History(), settings, kernel);
        }

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal([0.0001, 0.00025], values);
    }
}
