using System.Diagnostics;
using System.Diagnostics.Metrics;
using Flock.SemanticKernel.Telemetry;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Tests.Telemetry;

/// <summary>Listeners are process-wide: these tests attach some, so nothing else runs beside them.</summary>
[CollectionDefinition(nameof(TelemetryProbeTests), DisableParallelization = true)]
public sealed class TelemetryProbeCollection;

/// <summary>
/// The SK service puts MEAI's OpenTelemetryChatClient in its pipeline only while someone listens; the probe that tells must
/// see every kind of listener, and know every instrument MEAI records.
/// </summary>
[Collection(nameof(TelemetryProbeTests))]
public sealed class TelemetryProbeTests
{
    [Fact]
    public void Nobody_listens_by_default()
    {
        Assert.False(TelemetryProbe.IsListening);
    }

    [Fact]
    public void A_span_listener_on_the_flock_source_is_seen_and_its_end_too()
    {
        using (var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FlockTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        })
        {
            ActivitySource.AddActivityListener(listener);
            Assert.True(TelemetryProbe.IsListening);
        }

        Assert.False(TelemetryProbe.IsListening);
    }

    [Theory]
    [InlineData("gen_ai.client.operation.duration")]
    [InlineData("gen_ai.client.token.usage")]
    [InlineData("gen_ai.client.operation.time_to_first_chunk")]
    [InlineData("gen_ai.client.operation.time_per_output_chunk")]
    public void A_metrics_listener_that_enables_one_instrument_is_seen(string name)
    {
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == FlockTelemetry.SourceName && instrument.Name == name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            listener.Start();
            Assert.True(TelemetryProbe.IsListening);
        }

        Assert.False(TelemetryProbe.IsListening);
    }

    [Fact]
    public void A_listener_of_another_source_is_not_flocks()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Someone.Else",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
        };
        ActivitySource.AddActivityListener(listener);

        Assert.False(TelemetryProbe.IsListening);
    }

    [Fact]
    public void The_probe_has_every_instrument_meai_records_named_alike()
    {
        // If MEAI adds or renames an instrument, this fails, rather than the service missing a listener of it.
        var published = new List<Instrument>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (instrument.Meter.Name == FlockTelemetry.SourceName)
            {
                published.Add(instrument);
            }
        };
        listener.Start();
        using var client = new OpenTelemetryChatClient(TestFlock.ChatClient(new RecordingHandler()), sourceName: FlockTelemetry.SourceName);

        var probe = TelemetryProbe.ProbeInstruments;
        var meai = published.Where(i => !probe.Contains(i) && i.Name.StartsWith("gen_ai.client.", StringComparison.Ordinal)).DistinctBy(i => i.Name).ToList();

        Assert.NotEmpty(meai);
        Assert.Equal(meai.Select(i => i.Name).Order(), probe.Select(i => i.Name).Order());
        foreach (var instrument in meai)
        {
            var twin = probe.Single(p => p.Name == instrument.Name);
            Assert.Equal((instrument.Unit, instrument.Description, instrument.GetType()), (twin.Unit, twin.Description, twin.GetType()));
        }
    }
}
