namespace Flock.SemanticKernel;

/// <summary>
/// Names for OpenTelemetry. Spans and metrics follow the GenAI semantic conventions (operation <c>chat</c>, provider
/// <c>flock</c>): subscribe with <c>.AddSource(FlockTelemetry.SourceName)</c> and <c>.AddMeter(FlockTelemetry.SourceName)</c>.
/// </summary>
/// <remarks>
/// <see cref="FlockChatCompletionService"/> emits them whenever a listener is attached. For <see cref="FlockChatClient"/>
/// add MEAI's middleware: <c>.UseOpenTelemetry(sourceName: FlockTelemetry.SourceName)</c>; both then produce the same spans.
/// Message content is recorded only with <see cref="FlockOptions.EnableSensitiveTelemetryData"/> (or MEAI's
/// <c>EnableSensitiveData</c>); the API key never is.
/// </remarks>
public static class FlockTelemetry
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>: <c>Flock.SemanticKernel</c>.</summary>
    public const string SourceName = "Flock.SemanticKernel";

    /// <summary>The provider name on spans and metrics (<c>gen_ai.provider.name</c>): <c>flock</c>.</summary>
    public const string ProviderName = "flock";
}
