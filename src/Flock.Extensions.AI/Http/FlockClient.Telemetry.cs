namespace Flock.Extensions.AI;

/// <summary>What the adapters need to know for telemetry.</summary>
public sealed partial class FlockClient
{
    /// <summary>Whether telemetry may carry message content (<see cref="FlockOptions.EnableSensitiveTelemetryData"/>).</summary>
    internal bool EnableSensitiveTelemetryData => _options.EnableSensitiveTelemetryData;
}
