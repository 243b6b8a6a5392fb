using System.Globalization;
using Flock.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Flock.HealthChecks;

/// <summary>
/// Checks that Flock answers: lists its models (<c>GET {endpoint}/models</c>) within a timeout. Healthy when it does,
/// Degraded when the list is empty, otherwise the registration's failure status with Flock's own message.
/// </summary>
public sealed class FlockHealthCheck : IHealthCheck
{
    /// <summary>The timeout used when none is given: 5 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<FlockClient> _client;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;

    /// <summary>Creates a check that probes with <paramref name="client"/>.</summary>
    /// <param name="client">The transport to probe with; its retries apply (a client built for probing should have none).</param>
    /// <param name="timeout">How long the models list may take; default <see cref="DefaultTimeout"/>.</param>
    /// <param name="timeProvider">The clock the timeout runs on; default <see cref="TimeProvider.System"/>.</param>
    public FlockHealthCheck(FlockClient client, TimeSpan? timeout = null, TimeProvider? timeProvider = null)
        : this(CheckNotNull(client), timeout, timeProvider)
    {
    }

    internal FlockHealthCheck(Func<FlockClient> client, TimeSpan? timeout, TimeProvider? timeProvider)
    {
        _client = client;
        _timeout = timeout ?? DefaultTimeout;
        if (_timeout <= TimeSpan.Zero && _timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), _timeout, "The timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var failure = context?.Registration?.FailureStatus ?? HealthStatus.Unhealthy;
        FlockClient client;
        try
        {
            client = _client();
        }
        catch (ArgumentException ex)
        {
            // Options that cannot make a client (no key, a plain-HTTP endpoint off loopback): the app cannot reach Flock.
            return new HealthCheckResult(failure, $"Flock is not configured: {ex.Message}", ex);
        }

        var data = new Dictionary<string, object> { ["endpoint"] = client.Endpoint.ToString() };
        using var timeout = new CancellationTokenSource(_timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _time.GetTimestamp();
        try
        {
            var models = await client.ListModelsAsync(linked.Token).ConfigureAwait(false);
            var elapsed = _time.GetElapsedTime(started);
            data["models"] = models.Count;
            data["duration"] = elapsed;
            return models.Count > 0
                ? HealthCheckResult.Healthy($"Flock at {client.Endpoint} lists {models.Count} models ({Milliseconds(elapsed)} ms).", data)
                : HealthCheckResult.Degraded($"Flock at {client.Endpoint} answers but lists no models.", data: data);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            data["timeout"] = _timeout;
            return new HealthCheckResult(failure, $"Flock at {client.Endpoint} did not list its models within {Seconds(_timeout)} s.", ex, data);
        }
        catch (FlockException ex)
        {
            if (ex.StatusCode is { } status)
            {
                data["status"] = (int)status;
            }

            // The message already says what Flock answered (status and its own message, the key redacted).
            return new HealthCheckResult(failure, $"{ex.Message} (GET {ModelsUri(client)})", ex, data);
        }
    }

    private static Func<FlockClient> CheckNotNull(FlockClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return () => client;
    }

    private static string ModelsUri(FlockClient client) => client.Endpoint.AbsoluteUri.TrimEnd('/') + "/models";

    private static string Milliseconds(TimeSpan elapsed) => ((long)elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}
