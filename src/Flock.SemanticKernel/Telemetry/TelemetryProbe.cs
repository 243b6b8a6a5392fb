using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Flock.SemanticKernel.Telemetry;

/// <summary>
/// Whether anyone listens to Flock's chat telemetry right now. MEAI's <c>OpenTelemetryChatClient</c> does work on every call
/// even when nobody listens (a stream's updates are kept and folded into a response at its end), so the SK service puts it
/// in the pipeline only for calls made while a listener is attached. A listener subscribes by source and meter name, so a
/// probe of the same name sees it: an <see cref="ActivitySource"/>, and instruments named as the client's.
/// </summary>
internal static class TelemetryProbe
{
    private static readonly ActivitySource Source = new(FlockTelemetry.SourceName);
    private static readonly Meter Meter = new(FlockTelemetry.SourceName);

    // Name, unit, description and buckets as MEAI 10.11 registers them (a test compares), so a listener that picks
    // instruments one by one sees these too, and an exporter merges them with the client's (these never record).
    private static readonly double[] SecondsBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

    private static readonly Instrument[] Instruments =
    [
        Meter.CreateHistogram<double>("gen_ai.client.operation.duration", "s", "Measures the duration of a GenAI operation",
            advice: new() { HistogramBucketBoundaries = SecondsBuckets }),
        Meter.CreateHistogram<int>("gen_ai.client.token.usage", "{token}", "Measures number of input and output tokens used",
            advice: new() { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864] }),
        Meter.CreateHistogram<double>("gen_ai.client.operation.time_to_first_chunk", "s", "Measures the time to receive the first chunk in a streaming operation",
            advice: new() { HistogramBucketBoundaries = SecondsBuckets }),
        Meter.CreateHistogram<double>("gen_ai.client.operation.time_per_output_chunk", "s", "Measures the time per output chunk in a streaming operation",
            advice: new() { HistogramBucketBoundaries = SecondsBuckets }),
    ];

    /// <summary>The probe's instruments (a test checks they match the client's).</summary>
    internal static IReadOnlyList<Instrument> ProbeInstruments => Instruments;

    /// <summary>True while a span listener or a metrics listener is attached to Flock's source or meter.</summary>
    public static bool IsListening
    {
        get
        {
            if (Source.HasListeners())
            {
                return true;
            }

            foreach (var instrument in Instruments)
            {
                if (instrument.Enabled)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
