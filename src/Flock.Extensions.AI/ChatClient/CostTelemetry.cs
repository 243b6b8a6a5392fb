using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>The cost counter (<see cref="FlockTelemetry.CostMetricName"/>): one measurement per model call whose cost is known.</summary>
internal static class CostTelemetry
{
    // Process-wide, like the library's own handler: a meter lives as long as its instruments may be listened to.
    private static readonly Meter Meter = new(FlockTelemetry.SourceName);

    private static readonly Counter<double> Cost = Meter.CreateCounter<double>(
        FlockTelemetry.CostMetricName, "USD", "What chat completions cost in US dollars: the proxy's figure, else usage times the model catalogue's prices.");

    public static void Record(CallCost cost, string requestModel, string? responseModel)
    {
        if (cost.Total is not { } total || !Cost.Enabled)
        {
            return;
        }

        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.provider.name", FlockTelemetry.ProviderName },
            { "gen_ai.request.model", requestModel },
        };

        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        Cost.Add((double)total, tags);
    }
}
