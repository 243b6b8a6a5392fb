using System.Data.Common;

namespace Flock.Aspire;

/// <summary>
/// Settings of the Flock client integration, read in this order, each overriding the one before: the <c>Aspire:Flock</c>
/// configuration section, <c>Aspire:Flock:{name}</c>, the connection string <c>ConnectionStrings:{name}</c>, then the
/// delegate given to <c>AddFlockChatClient</c>.
/// </summary>
public sealed class FlockClientSettings
{
    /// <summary>The configuration section the settings are read from: <c>Aspire:Flock</c> (then <c>Aspire:Flock:{name}</c>).</summary>
    public const string DefaultConfigSectionName = "Aspire:Flock";

    /// <summary>The API base address; default <c>https://api.flock.io/v1</c>. Connection string key: <c>Endpoint</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The Flock API key. Connection string key: <c>Key</c>. It is sent only to <see cref="Endpoint"/>, and never logged or echoed in errors.</summary>
    public string? Key { get; set; }

    /// <summary>The model the client asks, e.g. <c>qwen3-30b-a3b-instruct-2507</c>. Connection string key: <c>Model</c>.</summary>
    public string? Model { get; set; }

    /// <summary>Leaves out the health check (listing Flock's models) that is registered by default.</summary>
    public bool DisableHealthChecks { get; set; }

    /// <summary>How long the health check may take; default 5 seconds.</summary>
    public TimeSpan? HealthCheckTimeout { get; set; }

    /// <summary>Leaves out the OpenTelemetry tracing registration (the <c>Flock</c> activity source) that is on by default.</summary>
    public bool DisableTracing { get; set; }

    /// <summary>Leaves out the OpenTelemetry metrics registration (the <c>Flock</c> meter: tokens, durations, cost) that is on by default.</summary>
    public bool DisableMetrics { get; set; }

    /// <summary>
    /// Puts message content (prompts, answers, tool arguments) on telemetry. Off unless the environment (configuration) sets
    /// <c>OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT</c> to <c>true</c>; the API key is never recorded either way.
    /// </summary>
    public bool EnableSensitiveTelemetryData { get; set; }

    /// <inheritdoc/>
    public override string ToString() =>
        $"FlockClientSettings {{ Endpoint = {Endpoint?.ToString() ?? "(default)"}, Model = {Model ?? "(none)"}, Key = {(string.IsNullOrEmpty(Key) ? "(missing)" : "(set)")} }}";

    /// <summary>
    /// Reads <c>Endpoint=…;Key=…;Model=…</c> (any order, keys case-insensitive, values quoted when they hold <c>;</c>) as
    /// Aspire does, with <see cref="DbConnectionStringBuilder"/>. Malformed input is refused naming <paramref name="path"/>,
    /// never quoting the text, which holds the key.
    /// </summary>
    internal void ParseConnectionString(string connectionString, string path)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connectionString;
        }
        catch (ArgumentException)
        {
            // The builder's message gives only an index, but the text holds the key: say what is expected, not what was seen.
            throw new InvalidOperationException(
                $"The connection string '{path}' is malformed: expected Endpoint=<url>;Key=<key>;Model=<model>, with a value that holds ';' or '=' in quotes.");
        }

        var unknown = 0;
        foreach (string name in builder.Keys)
        {
            var value = builder[name] as string;
            switch (name.ToUpperInvariant())
            {
                case "ENDPOINT":
                    Endpoint = string.IsNullOrWhiteSpace(value) ? Endpoint : ParseEndpoint(value, path);
                    break;
                case "KEY":
                    Key = string.IsNullOrEmpty(value) ? Key : value;
                    break;
                case "MODEL":
                    Model = string.IsNullOrWhiteSpace(value) ? Model : value.Trim();
                    break;
                default:
                    // Not named: an unquoted ';' inside the key would make part of it look like a name.
                    unknown++;
                    break;
            }
        }

        if (unknown > 0)
        {
            throw new InvalidOperationException(
                $"The connection string '{path}' has {unknown} part(s) other than Endpoint, Key and Model; a value that holds ';' or '=' must be quoted.");
        }
    }

    private static Uri ParseEndpoint(string value, string path) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new InvalidOperationException($"The Endpoint in the connection string '{path}' is not an absolute http or https address.");
}
