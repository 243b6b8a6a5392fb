using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>The <c>flock.client.cost</c> counter: one measurement in USD per model call whose cost is known, tagged by model.</summary>
public sealed class CostTelemetryTests
{
    private sealed record Measurement(double Value, Dictionary<string, object?> Tags);

    /// <summary>Listens to the counter; keeps only measurements for <paramref name="model"/> (other tests run beside this one).</summary>
    private static MeterListener Listen(string model, List<Measurement> measurements)
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
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var byName = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                byName[tag.Key] = tag.Value;
            }

            if (Equals(byName.GetValueOrDefault("gen_ai.request.model"), model))
            {
                lock (measurements)
                {
                    measurements.Add(new Measurement(value, byName));
                }
            }
        });
        listener.Start();
        return listener;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Each_priced_call_records_its_cost_once_with_the_models_and_provider(bool streaming)
    {
        var model = "cost-meter-" + Guid.NewGuid().ToString("N");
        var measurements = new List<Measurement>();
        using var listener = Listen(model, measurements);
        var handler = new RecordingHandler();
        var client = TestFlock.ChatClient(handler);
        var options = new ChatOptions { ModelId = model };
        for (var i = 0; i < 2; i++)
        {
            var cost = i == 0 ? "0.00025" : "0.00075";
            var served = model + "-served";
            handler.EnqueueAnswer(streaming,
                streaming ? CannedAnswers.Stream("Hi!", model: served) : CannedAnswers.Completion("Hi!", model: served), ("x-litellm-response-cost", cost));
            if (streaming)
            {
                await client.GetStreamingResponseAsync("Hi", options).ToListAsync();
            }
            else
            {
                await client.GetResponseAsync("Hi", options);
            }
        }

        Assert.Equal([0.00025, 0.00075], measurements.Select(m => m.Value));
        Assert.All(measurements, m =>
        {
            Assert.Equal("flock", m.Tags["gen_ai.provider.name"]);
            Assert.Equal(model + "-served", m.Tags["gen_ai.response.model"]);
            Assert.Equal("chat", m.Tags["gen_ai.operation.name"]);
        });
    }

    [Fact]
    public async Task A_call_whose_cost_is_unknown_records_nothing()
    {
        var model = "cost-meter-" + Guid.NewGuid().ToString("N");
        var measurements = new List<Measurement>();
        using var listener = Listen(model, measurements);
        var handler = new RecordingHandler().EnqueueJson(CannedAnswers.Completion("Hi!", model: model));

        await TestFlock.ChatClient(handler).GetResponseAsync("Hi", new ChatOptions { ModelId = model });

        Assert.Empty(measurements);
    }
}
