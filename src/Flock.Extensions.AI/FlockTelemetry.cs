namespace Flock.Extensions.AI;

/// <summary>
/// Names for OpenTelemetry. Spans and metrics follow the GenAI semantic conventions (operation <c>chat</c>, provider
/// <c>flock</c>): subscribe with <c>.AddSource(FlockTelemetry.SourceName)</c> and <c>.AddMeter(FlockTelemetry.SourceName)</c>.
/// </summary>
/// <remarks>
/// Chat telemetry comes from MEAI's <c>OpenTelemetryChatClient</c> under this name, on both stacks: add it to a
/// <see cref="FlockChatClient"/> with <c>.UseOpenTelemetry(sourceName: FlockTelemetry.SourceName)</c>; Semantic Kernel's
/// service puts it in its own pipeline. Message content is recorded only with
/// <see cref="FlockOptions.EnableSensitiveTelemetryData"/> (or MEAI's <c>EnableSensitiveData</c>); the API key never is.
/// </remarks>
public static class FlockTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Flock</c>.</summary>
    public const string SourceName = "Flock";

    /// <summary>The provider name on spans and metrics (<c>gen_ai.provider.name</c>): <c>flock</c>.</summary>
    public const string ProviderName = "flock";

    /// <summary>
    /// The counter of what calls cost, in USD (<c>flock.client.cost</c>), on the meter <see cref="SourceName"/>: one measurement
    /// per model call whose cost is known (<see cref="FlockUsage.TotalCost"/>), tagged with <c>gen_ai.request.model</c>,
    /// <c>gen_ai.response.model</c> and <c>gen_ai.provider.name</c>. Recorded by <see cref="FlockChatClient"/> whether or not
    /// MEAI's telemetry client is in the pipeline.
    /// </summary>
    public const string CostMetricName = "flock.client.cost";

    /// <summary>
    /// The chat span's attribute holding the proxy's id of the call (<see cref="FlockResponseInfo.CallId"/>): <c>flock.call_id</c>.
    /// Set by <see cref="FlockChatClient"/> on the GenAI chat span it runs in (MEAI's <c>OpenTelemetryChatClient</c>'s), when the
    /// span is recorded and the proxy sent the id.
    /// </summary>
    public const string CallIdAttribute = "flock.call_id";

    /// <summary>
    /// The prefix of the chat span's rate-limit attributes: <c>flock.ratelimit.{scope}.remaining_{kind}</c>, e.g.
    /// <c>flock.ratelimit.api_key.remaining_requests</c> (an integer), one per limit the proxy reported with what is left.
    /// </summary>
    public const string RateLimitAttributePrefix = "flock.ratelimit.";
}
