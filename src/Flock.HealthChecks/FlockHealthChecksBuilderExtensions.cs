using Flock.Extensions.AI;
using Flock.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the Flock health check to an app's health checks.</summary>
public static class FlockHealthChecksBuilderExtensions
{
    /// <summary>The name the check is registered under unless another is given: <c>flock</c>.</summary>
    public const string DefaultName = "flock";

    /// <summary>
    /// Adds a check that lists Flock's models with the <see cref="FlockOptions"/> registered under <paramref name="serviceId"/>
    /// (by <c>AddFlockChatClient</c> or <c>AddFlockChatCompletion</c> from configuration or a delegate, or by
    /// <c>AddFlockOptions</c>), without retries, on the library's own connection pool.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="serviceId">The options name (the registration's service id); null for the default options.</param>
    /// <param name="name">The check's name; default <see cref="DefaultName"/>.</param>
    /// <param name="timeout">How long the models list may take; default 5 seconds.</param>
    /// <param name="failureStatus">The status reported on failure; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>"ready"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public static IHealthChecksBuilder AddFlock(
        this IHealthChecksBuilder builder,
        string? serviceId = null,
        string name = DefaultName,
        TimeSpan? timeout = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return Add(builder, provider => ProbeClient(provider, serviceId), name, TimeoutOnly(timeout), failureStatus, tags);
    }

    /// <summary>
    /// Adds a check that lists Flock's models with the client <paramref name="clientFactory"/> returns, e.g.
    /// <c>sp =&gt; sp.GetRequiredService&lt;IChatClient&gt;().GetRequiredService&lt;FlockClient&gt;()</c> (its retries apply).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="clientFactory">Returns the transport to probe with; called for each check.</param>
    /// <param name="name">The check's name; default <see cref="DefaultName"/>.</param>
    /// <param name="timeout">How long the models list may take; default 5 seconds.</param>
    /// <param name="failureStatus">The status reported on failure; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>"ready"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public static IHealthChecksBuilder AddFlock(
        this IHealthChecksBuilder builder,
        Func<IServiceProvider, FlockClient> clientFactory,
        string name = DefaultName,
        TimeSpan? timeout = null,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(clientFactory);
        return Add(builder, clientFactory, name, TimeoutOnly(timeout), failureStatus, tags);
    }

    /// <summary>
    /// Adds a check that lists Flock's models with the <see cref="FlockOptions"/> registered under <paramref name="serviceId"/>,
    /// without retries, and, when <paramref name="options"/> ask, reads the key's budget and expiry (<c>GET /key/info</c>)
    /// and reports Degraded when the budget runs low or the key expires soon.
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="options">The timeout, and the budget and expiry checks (copied: later changes have no effect).</param>
    /// <param name="serviceId">The options name (the registration's service id); null for the default options.</param>
    /// <param name="name">The check's name; default <see cref="DefaultName"/>.</param>
    /// <param name="failureStatus">The status reported on failure; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>"ready"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IHealthChecksBuilder AddFlock(
        this IHealthChecksBuilder builder,
        FlockHealthCheckOptions options,
        string? serviceId = null,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        return Add(builder, provider => ProbeClient(provider, serviceId), name, options.Validated(), failureStatus, tags);
    }

    /// <summary>
    /// Adds a check that lists Flock's models with the client <paramref name="clientFactory"/> returns and, when
    /// <paramref name="options"/> ask, reads the key's budget and expiry (<c>GET /key/info</c>).
    /// </summary>
    /// <param name="builder">The health checks builder.</param>
    /// <param name="clientFactory">Returns the transport to probe with; called for each check.</param>
    /// <param name="options">The timeout, and the budget and expiry checks (copied: later changes have no effect).</param>
    /// <param name="name">The check's name; default <see cref="DefaultName"/>.</param>
    /// <param name="failureStatus">The status reported on failure; default <see cref="HealthStatus.Unhealthy"/>.</param>
    /// <param name="tags">Tags to filter checks by, e.g. <c>"ready"</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public static IHealthChecksBuilder AddFlock(
        this IHealthChecksBuilder builder,
        Func<IServiceProvider, FlockClient> clientFactory,
        FlockHealthCheckOptions options,
        string name = DefaultName,
        HealthStatus? failureStatus = null,
        IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(clientFactory);
        ArgumentNullException.ThrowIfNull(options);
        return Add(builder, clientFactory, name, options.Validated(), failureStatus, tags);
    }

    private static IHealthChecksBuilder Add(
        IHealthChecksBuilder builder, Func<IServiceProvider, FlockClient> client, string name, FlockHealthCheckOptions validated, HealthStatus? failureStatus, IEnumerable<string>? tags)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.Add(new HealthCheckRegistration(
            name,
            provider => new FlockHealthCheck(() => client(provider), validated, provider.GetService<TimeProvider>()),
            failureStatus,
            tags));
    }

    /// <summary>The options of the overloads that take only a timeout, checked at registration.</summary>
    private static FlockHealthCheckOptions TimeoutOnly(TimeSpan? timeout) =>
        new FlockHealthCheckOptions { Timeout = timeout ?? FlockHealthCheck.DefaultTimeout }.Validated(nameof(timeout));

    /// <summary>
    /// A client for probing: the registered options without retries, so a failing Flock is reported as it answers
    /// instead of after the back-off, within the check's timeout. It sends on the library's own pooled handler rather than
    /// the <c>"Flock"</c> factory client, whose pipeline carries the retry stage and whatever the app added to it.
    /// </summary>
    private static FlockClient ProbeClient(IServiceProvider provider, string? serviceId)
    {
        var options = provider.GetRequiredService<IOptionsMonitor<FlockOptions>>().Get(serviceId ?? Options.Options.DefaultName).Clone();
        options.MaxRetries = 0;
        return new FlockClient(options, httpClient: null, provider.GetService<ILoggerFactory>(), provider.GetService<TimeProvider>());
    }
}
