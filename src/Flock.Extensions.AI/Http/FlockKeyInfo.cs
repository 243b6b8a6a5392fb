namespace Flock.Extensions.AI;

/// <summary>
/// What the proxy's <c>GET /key/info</c> says of the calling key: spend and budget, expiry, allowed models and limits. Any
/// value may be null: the proxy did not say, or said something unreadable.
/// </summary>
public sealed record FlockKeyInfo
{
    /// <summary>The model name LiteLLM reads as "every model the proxy serves" in a key's model list.</summary>
    internal const string AllProxyModels = "all-proxy-models";

    internal FlockKeyInfo()
    {
    }

    /// <summary>The key as the proxy stores it (<c>key</c>: its hash), as spend logs and the proxy's admin pages name it; never the API key itself.</summary>
    public string? KeyHash { get; init; }

    /// <summary>The key's alias (<c>key_alias</c>).</summary>
    public string? KeyAlias { get; init; }

    /// <summary>What the key has spent in USD (<c>spend</c>), in the current budget period when the budget resets.</summary>
    public decimal? Spend { get; init; }

    /// <summary>The key's budget in USD (<c>max_budget</c>); null when it has none.</summary>
    public decimal? MaxBudget { get; init; }

    /// <summary>The budget left in USD: <see cref="MaxBudget"/> − <see cref="Spend"/> when both are known; negative once spend has passed the budget.</summary>
    public decimal? RemainingBudget => MaxBudget - Spend;

    /// <summary>How often the spend resets, as the proxy writes it (<c>budget_duration</c>, e.g. <c>30d</c>).</summary>
    public string? BudgetDurationText { get; init; }

    /// <summary><see cref="BudgetDurationText"/> as a time span when it is a whole number of seconds, minutes, hours, days or weeks (<c>30s</c>, <c>10m</c>, <c>1h</c>, <c>30d</c>, <c>2w</c>).</summary>
    public TimeSpan? BudgetDuration { get; init; }

    /// <summary>When the spend next resets (<c>budget_reset_at</c>).</summary>
    public DateTimeOffset? BudgetResetAt { get; init; }

    /// <summary>When the key expires (<c>expires</c>); null when it never does or the proxy did not say.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The models the key may call (<c>models</c>): empty when it may call every model; null when the proxy did not say.</summary>
    public IReadOnlyList<string>? AllowedModels { get; init; }

    /// <summary>
    /// True when the key's own model list allows every model (it is empty, or names LiteLLM's <c>all-proxy-models</c>),
    /// false when it names the models, null when unknown. A team's model list may still narrow a team key's models.
    /// </summary>
    public bool? AllowsAllModels => AllowedModels is { } models ? models.Count == 0 || models.Contains(AllProxyModels) : null;

    /// <summary>The key's request limit per minute (<c>rpm_limit</c>).</summary>
    public long? RpmLimit { get; init; }

    /// <summary>The key's token limit per minute (<c>tpm_limit</c>).</summary>
    public long? TpmLimit { get; init; }

    /// <summary>How many requests the key may have in flight at once (<c>max_parallel_requests</c>).</summary>
    public long? MaxParallelRequests { get; init; }
}
