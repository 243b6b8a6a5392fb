namespace Flock.HealthChecks;

/// <summary>How long the Flock health check may take, and what else it reports as Degraded.</summary>
/// <remarks>
/// The key's budget and expiry come from <c>GET /key/info</c>, asked only when <see cref="MinimumRemainingBudget"/> or
/// <see cref="ExpiryWarning"/> is set: one more call per probe, after the models list.
/// </remarks>
public sealed class FlockHealthCheckOptions
{
    /// <summary>How long the whole probe may take (the models list, then the key info when asked); default 5 seconds, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>.</summary>
    public TimeSpan Timeout { get; set; } = FlockHealthCheck.DefaultTimeout;

    /// <summary>Degraded when the key's remaining budget (max budget − spend) is at or below this many USD; null (default) does not check. A key without a budget never is.</summary>
    public decimal? MinimumRemainingBudget { get; set; }

    /// <summary>Degraded when the key expires within this time; null (default) does not check. A key without an expiry never is.</summary>
    public TimeSpan? ExpiryWarning { get; set; }

    /// <summary>Whether the probe asks for the key info at all.</summary>
    internal bool ReadsKeyInfo => MinimumRemainingBudget is not null || ExpiryWarning is not null;

    /// <summary>A copy, checked: later changes to these options have no effect on a check.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    internal FlockHealthCheckOptions Validated(string timeoutName = nameof(Timeout))
    {
        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(timeoutName, Timeout, "The timeout must be positive (or Timeout.InfiniteTimeSpan).");
        }

        if (MinimumRemainingBudget < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MinimumRemainingBudget), MinimumRemainingBudget, "The minimum remaining budget must be zero or more USD (null does not check it).");
        }

        if (ExpiryWarning <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpiryWarning), ExpiryWarning, "The expiry warning must be a positive time (null does not check it).");
        }

        return new FlockHealthCheckOptions { Timeout = Timeout, MinimumRemainingBudget = MinimumRemainingBudget, ExpiryWarning = ExpiryWarning };
    }
}
