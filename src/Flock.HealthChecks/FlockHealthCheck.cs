using System.Globalization;
using Flock.Extensions.AI;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Flock.HealthChecks;

/// <summary>
/// Checks that Flock answers: lists its models (<c>GET {endpoint}/models</c>) within a timeout. Healthy when it does,
/// Degraded when the list is empty, otherwise the registration's failure status with Flock's own message (a rejected key is
/// a 401 there). When asked (<see cref="FlockHealthCheckOptions"/>), it also reads the key's budget and expiry
/// (<c>GET /key/info</c>) and reports Degraded when the budget runs low or the key expires soon.
/// </summary>
public sealed class FlockHealthCheck : IHealthCheck
{
    /// <summary>The timeout used when none is given: 5 seconds.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<FlockClient> _client;
    private readonly FlockHealthCheckOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Creates a check that probes with <paramref name="client"/>.</summary>
    /// <param name="client">The transport to probe with; its retries apply (a client built for probing should have none).</param>
    /// <param name="timeout">How long the models list may take; default <see cref="DefaultTimeout"/>.</param>
    /// <param name="timeProvider">The clock the timeout runs on; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public FlockHealthCheck(FlockClient client, TimeSpan? timeout = null, TimeProvider? timeProvider = null)
        : this(CheckNotNull(client), new FlockHealthCheckOptions { Timeout = timeout ?? DefaultTimeout }.Validated(nameof(timeout)), timeProvider)
    {
    }

    /// <summary>Creates a check that probes with <paramref name="client"/> as <paramref name="options"/> say (copied: later changes have no effect).</summary>
    /// <param name="client">The transport to probe with; its retries apply (a client built for probing should have none).</param>
    /// <param name="options">The timeout, and the budget and expiry checks.</param>
    /// <param name="timeProvider">The clock the timeout runs on and expiry is compared with; default <see cref="TimeProvider.System"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public FlockHealthCheck(FlockClient client, FlockHealthCheckOptions options, TimeProvider? timeProvider = null)
        : this(CheckNotNull(client), (options ?? throw new ArgumentNullException(nameof(options))).Validated(), timeProvider)
    {
    }

    /// <summary>Creates a check over a client made for each probe, with options already validated.</summary>
    internal FlockHealthCheck(Func<FlockClient> client, FlockHealthCheckOptions validated, TimeProvider? timeProvider)
    {
        _client = client;
        _options = validated;
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
        var timeoutAfter = _options.Timeout;
        using var timeout = new CancellationTokenSource(timeoutAfter, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var started = _time.GetTimestamp();
        IReadOnlyList<FlockModel> models;
        try
        {
            models = await client.ListModelsAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            data["timeout"] = timeoutAfter;
            return new HealthCheckResult(failure, $"Flock at {client.Endpoint} did not list its models within {Seconds(timeoutAfter)} s.", ex, data);
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

        data["models"] = models.Count;
        var problems = new List<string>();
        if (models.Count == 0)
        {
            problems.Add("lists no models");
        }

        // The key was accepted by /models; whatever goes wrong reading its info (a proxy that keeps that route from the
        // key, a stall) leaves the budget and expiry unchecked, which is worth a Degraded but is no failure to reach Flock.
        Exception? keyInfoFailure = null;
        var keySummary = "";
        if (_options.ReadsKeyInfo)
        {
            try
            {
                var key = await client.GetKeyInfoAsync(linked.Token).ConfigureAwait(false);
                keySummary = CheckKey(key, data, problems);
            }
            catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                data["timeout"] = timeoutAfter;
                problems.Add($"did not answer GET /key/info within {Seconds(timeoutAfter)} s, so the key's budget and expiry are unchecked");
                keyInfoFailure = ex;
            }
            catch (FlockException ex)
            {
                if (ex.StatusCode is { } status)
                {
                    data["key_info_status"] = (int)status;
                }

                problems.Add($"the key's budget and expiry are unchecked: GET /key/info failed: {ex.Message.TrimEnd('.')}");
                keyInfoFailure = ex;
            }
        }

        var elapsed = _time.GetElapsedTime(started);
        data["duration"] = elapsed;
        return problems.Count == 0
            ? HealthCheckResult.Healthy($"Flock at {client.Endpoint} lists {models.Count} models ({Milliseconds(elapsed)} ms).{keySummary}", data)
            : HealthCheckResult.Degraded($"Flock at {client.Endpoint} answers but {string.Join("; ", problems)}.", keyInfoFailure, data);
    }

    /// <summary>Puts what the key info says into the data, adds a problem for each threshold it crosses, and sums it up.</summary>
    private string CheckKey(FlockKeyInfo key, Dictionary<string, object> data, List<string> problems)
    {
        var summary = new List<string>();
        if (key.Spend is { } spend)
        {
            data["key_spend"] = spend;
        }

        if (key.MaxBudget is { } budget)
        {
            data["key_max_budget"] = budget;
        }

        if (key.RemainingBudget is { } remaining)
        {
            data["key_remaining_budget"] = remaining;
            summary.Add($"{Usd(remaining)} USD of {Usd(key.MaxBudget!.Value)} USD left");
            if (_options.MinimumRemainingBudget is { } minimum && remaining <= minimum)
            {
                // The proxy refuses model calls once spend reaches the budget.
                problems.Add(remaining <= 0
                    ? $"the key has spent its budget ({Usd(key.Spend!.Value)} of {Usd(key.MaxBudget!.Value)} USD)"
                    : $"the key has {Usd(remaining)} USD of its {Usd(key.MaxBudget!.Value)} USD budget left (minimum {Usd(minimum)} USD)");
            }
        }

        if (key.BudgetResetAt is { } reset)
        {
            data["key_budget_reset_at"] = reset;
        }

        if (key.ExpiresAt is { } expires)
        {
            data["key_expires"] = expires;
            var left = expires - _time.GetUtcNow();
            summary.Add($"expires {Time(expires)}");
            if (_options.ExpiryWarning is { } warning && left <= warning)
            {
                problems.Add(left > TimeSpan.Zero
                    ? $"the key expires {Time(expires)}, in {Span(left)} (warning {Span(warning)} ahead)"
                    : $"the key expired {Time(expires)}");
            }
        }

        return summary.Count == 0 ? "" : $" Key: {string.Join(", ", summary)}.";
    }

    private static Func<FlockClient> CheckNotNull(FlockClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return () => client;
    }

    private static string ModelsUri(FlockClient client) => client.Endpoint.AbsoluteUri.TrimEnd('/') + "/models";

    private static string Milliseconds(TimeSpan elapsed) => ((long)elapsed.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private static string Usd(decimal amount) => amount.ToString("0.######", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string Span(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays.ToString("0.#", CultureInfo.InvariantCulture)} d"
        : span.TotalHours >= 1 ? $"{span.TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} h"
        : span.TotalMinutes >= 1 ? $"{span.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min"
        : $"{Seconds(span)} s";
}
