using System.Globalization;
using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;

namespace Flock.Emulator.Hosting;

/// <summary>
/// The emulator's one virtual key as the proxy keeps it: spend that grows with each priced answer (and resets every budget
/// duration), budget, expiry and allowed models, checked as the proxy checks them, and described by <c>/key/info</c>.
/// </summary>
internal sealed class KeyAccount
{
    private readonly object _gate = new();
    private readonly FlockEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly TimeSpan? _budgetDuration;
    private decimal _spend;
    private DateTimeOffset? _budgetResetAt;

    public KeyAccount(FlockEmulatorOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        Created = time.GetUtcNow();
        Hash = RecordedRequest.KeyHash(options.ApiKey);
        _budgetDuration = options.KeyBudgetDuration is { } duration ? BudgetDuration.TryParse(duration) : null;
        Reset();
    }

    /// <summary>The key as the proxy stores it: its SHA-256, in hex (what <c>/key/info</c> and rate-limit messages name).</summary>
    public string Hash { get; }

    /// <summary>When the emulator (and so the key) was started.</summary>
    public DateTimeOffset Created { get; }

    /// <summary>The spend so far in USD, after any budget reset that is due.</summary>
    public decimal Spend
    {
        get
        {
            lock (_gate)
            {
                Roll(_time.GetUtcNow());
                return _spend;
            }
        }
    }

    /// <summary>Adds an answer's cost.</summary>
    public void Add(decimal? cost)
    {
        if (cost is not > 0)
        {
            return;
        }

        lock (_gate)
        {
            Roll(_time.GetUtcNow());
            _spend += cost.Value;
        }
    }

    /// <summary>Back to the start options' spend, with a fresh budget period.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _spend = _options.KeySpend;
            _budgetResetAt = _budgetDuration is { } duration ? _time.GetUtcNow() + duration : null;
        }
    }

    /// <summary>The proxy's 401 for a key past its expiry, checked on every authenticated route.</summary>
    /// <exception cref="ProtocolException">The key has expired.</exception>
    public void CheckExpiry(string presentedKey)
    {
        var now = _time.GetUtcNow();
        if (_options.KeyExpires is { } expires && expires < now)
        {
            throw new ProtocolException(
                401,
                $"Authentication Error - Expired Key. Key Expiry time {PythonText.DateTime(expires)} and current time {PythonText.DateTime(now)}",
                "expired_key",
                EmulatorHandler.Mask(presentedKey));
        }
    }

    /// <summary>The proxy's 401 for a model the key may not call (an empty list allows all).</summary>
    /// <exception cref="ProtocolException">The model is not among the key's models.</exception>
    public void CheckModel(string? model)
    {
        if (model is null || _options.KeyModels.Count == 0 || _options.KeyModels.Contains(model))
        {
            return;
        }

        throw new ProtocolException(
            401,
            $"key not allowed to access model. This key can only access models={PythonText.List(_options.KeyModels)}. Tried to access {model}",
            "key_model_access_denied",
            "model");
    }

    /// <summary>The proxy's 429 once the key has spent its budget (LLM calls only).</summary>
    /// <exception cref="ProtocolException">The budget is spent.</exception>
    public void CheckBudget()
    {
        if (_options.KeyMaxBudget is not { } budget)
        {
            return;
        }

        var spend = Spend;
        if (spend >= budget)
        {
            var masked = EmulatorHandler.Mask(_options.ApiKey);
            var key = _options.KeyAlias is { } alias ? $"{alias} ({masked})" : masked;
            throw new ProtocolException(
                429,
                $"Budget has been exceeded! Key={key} Current cost: {PythonText.Float(spend)}, Max budget: {PythonText.Float(budget)}",
                "budget_exceeded",
                null);
        }
    }

    /// <summary>
    /// <c>GET /key/info</c> for the calling key: <c>{"key": &lt;hash&gt;, "info": {…}}</c> with the fields LiteLLM's
    /// verification token has (the hash itself left out, as the proxy pops it), times in <c>isoformat()</c>.
    /// </summary>
    public string Info()
    {
        decimal spend;
        DateTimeOffset? resetAt;
        lock (_gate)
        {
            Roll(_time.GetUtcNow());
            spend = _spend;
            resetAt = _budgetResetAt;
        }

        var metadata = new JsonObject();
        if (_options.ModelRateLimitRequests.Count > 0)
        {
            metadata["model_rpm_limit"] = Limits(_options.ModelRateLimitRequests);
        }

        if (_options.ModelRateLimitTokens.Count > 0)
        {
            metadata["model_tpm_limit"] = Limits(_options.ModelRateLimitTokens);
        }

        var created = PythonText.IsoFormat(Created);
        var info = new JsonObject
        {
            ["key_name"] = EmulatorHandler.Mask(_options.ApiKey),
            ["key_alias"] = _options.KeyAlias,
            ["spend"] = ModelCatalog.PythonNumber(spend),
            ["expires"] = _options.KeyExpires is { } expires ? PythonText.IsoFormat(expires) : null,
            ["models"] = new JsonArray(_options.KeyModels.Select(m => (JsonNode)m).ToArray()),
            ["aliases"] = new JsonObject(),
            ["config"] = new JsonObject(),
            ["user_id"] = null,
            ["team_id"] = null,
            ["permissions"] = new JsonObject(),
            ["max_parallel_requests"] = _options.MaxParallelRequests,
            ["metadata"] = metadata,
            ["blocked"] = null,
            ["tpm_limit"] = _options.RateLimitTokens,
            ["rpm_limit"] = _options.RateLimitRequests,
            ["max_budget"] = _options.KeyMaxBudget is { } budget ? ModelCatalog.PythonNumber(budget) : null,
            ["budget_duration"] = _options.KeyBudgetDuration,
            ["budget_reset_at"] = resetAt is { } reset ? PythonText.IsoFormat(reset) : null,
            ["allowed_cache_controls"] = new JsonArray(),
            ["allowed_routes"] = new JsonArray(),
            ["model_spend"] = new JsonObject(),
            ["model_max_budget"] = new JsonObject(),
            ["budget_id"] = null,
            ["organization_id"] = null,
            ["object_permission_id"] = null,
            ["created_at"] = created,
            ["created_by"] = null,
            ["updated_at"] = created,
            ["updated_by"] = null,
            ["litellm_budget_table"] = null,
        };
        return JsonDefaults.Write(new JsonObject { ["key"] = Hash, ["info"] = info });
    }

    private static JsonObject Limits(IDictionary<string, int> limits)
    {
        var json = new JsonObject();
        foreach (var (model, limit) in limits)
        {
            json[model] = limit;
        }

        return json;
    }

    /// <summary>Resets the spend when a budget period has ended (LiteLLM's budget reset job), as often as periods have passed.</summary>
    private void Roll(DateTimeOffset now)
    {
        if (_budgetResetAt is not { } resetAt || _budgetDuration is not { } duration || now < resetAt)
        {
            return;
        }

        var periods = ((now - resetAt).Ticks / duration.Ticks) + 1;
        _budgetResetAt = resetAt + TimeSpan.FromTicks(duration.Ticks * periods);
        _spend = 0;
    }
}

/// <summary>LiteLLM's budget durations: a whole number and a unit, <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or <c>w</c> (<c>30d</c>).</summary>
internal static class BudgetDuration
{
    public static TimeSpan? TryParse(string text)
    {
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1 || count > 100_000)
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            'w' => TimeSpan.FromDays(7 * count),
            _ => null,
        };
    }
}
