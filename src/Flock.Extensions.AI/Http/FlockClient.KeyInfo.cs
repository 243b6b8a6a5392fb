using System.Globalization;
using System.Text.Json;

namespace Flock.Extensions.AI;

/// <summary>The calling key's account: <c>GET /key/info</c> at the proxy's root.</summary>
public sealed partial class FlockClient
{
    /// <summary>
    /// Asks the proxy what it knows of the calling key (<c>GET /key/info</c>): spend and budget, expiry, allowed models and
    /// limits. The key goes in the usual auth header only, never in the address. Not cached: every call asks again.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FlockException">
    /// Flock answered with an error: 401 for a rejected key, and also for a key the proxy does not let read its own info.
    /// </exception>
    public async Task<FlockKeyInfo> GetKeyInfoAsync(CancellationToken cancellationToken = default)
    {
        var uri = KeyInfo.Address(Endpoint);
        Log.RequestStarting(_logger, "GET", uri, null, stream: false);
        var (body, _, _, _) = await SendJsonAsync(HttpMethod.Get, uri, null, FlockJsonContext.Default.DictionaryStringJsonElement, cancellationToken).ConfigureAwait(false);
        return KeyInfo.FromWire(body, _options.ApiKey);
    }
}

/// <summary>Reads <c>/key/info</c> leniently: a field that is absent, null, the literal <c>None</c> or of another type is unknown, never an error.</summary>
internal static class KeyInfo
{
    /// <summary>
    /// The route sits at the proxy's root, beside <c>/health</c>: LiteLLM serves its management routes without the
    /// <c>/v1</c> prefix its OpenAI routes also answer under. An endpoint that does not end in <c>/v1</c> is taken as the root.
    /// </summary>
    public static Uri Address(Uri endpoint)
    {
        var path = endpoint.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/v1", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^3];
        }

        // Built from the path alone, so nothing of the endpoint's query (or a ?key=) can ride along.
        return new Uri(endpoint, path + "/key/info");
    }

    public static FlockKeyInfo FromWire(Dictionary<string, JsonElement> body, string apiKey)
    {
        var info = body.TryGetValue("info", out var i) ? i : default;
        var budgetDuration = Text(info, "budget_duration");

        // The proxy answers with the key it looked up; for its master key that is the key itself, which must go no further.
        var hash = body.TryGetValue("key", out var k) ? Text(k) : null;
        return new FlockKeyInfo
        {
            KeyHash = hash is not null && !string.Equals(hash, apiKey, StringComparison.Ordinal) ? hash : null,
            KeyAlias = Text(info, "key_alias"),
            Spend = Usd(info, "spend"),
            MaxBudget = Usd(info, "max_budget"),
            BudgetDurationText = budgetDuration,
            BudgetDuration = budgetDuration is null ? null : Duration(budgetDuration),
            BudgetResetAt = Time(info, "budget_reset_at"),
            ExpiresAt = Time(info, "expires"),
            AllowedModels = Models(info),
            RpmLimit = Count(info, "rpm_limit"),
            TpmLimit = Count(info, "tpm_limit"),
            MaxParallelRequests = Count(info, "max_parallel_requests"),
        };
    }

    /// <summary>LiteLLM's durations with a fixed length: a whole number and <c>s</c>, <c>m</c>, <c>h</c>, <c>d</c> or <c>w</c>. Calendar months (<c>1mo</c>) have none.</summary>
    internal static TimeSpan? Duration(string text)
    {
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            return null;
        }

        var seconds = text[^1] switch
        {
            's' => 1L,
            'm' => 60L,
            'h' => 3_600L,
            'd' => 86_400L,
            'w' => 604_800L,
            _ => 0L,
        };

        // Bounded well inside TimeSpan's range (about 29,000 years in seconds).
        return seconds > 0 && count <= 900_000_000_000L / seconds ? TimeSpan.FromSeconds(count * seconds) : null;
    }

    private static JsonElement? Field(JsonElement info, string name) =>
        info.ValueKind == JsonValueKind.Object && info.TryGetProperty(name, out var value) ? value : null;

    private static string? Text(JsonElement info, string name) => Field(info, name) is { } value ? Text(value) : null;

    private static string? Text(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && value.GetString() is { } text && text.Trim() is { Length: > 0 } trimmed && trimmed != "None" ? trimmed : null;

    private static decimal? Usd(JsonElement info, string name)
    {
        if (Field(info, name) is not { ValueKind: JsonValueKind.Number } value)
        {
            return null;
        }

        if (value.TryGetDecimal(out var exact))
        {
            return exact >= 0 ? exact : null;
        }

        // Exponent forms such as 1.5e-05, as Python writes small floats, that decimal parsing refuses.
        return value.TryGetDouble(out var d) && d >= 0 && d < 1e15 ? (decimal)d : null;
    }

    private static long? Count(JsonElement info, string name) =>
        Field(info, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out var d) && d >= 0 && d <= long.MaxValue / 2 && d == Math.Floor(d)
            ? (long)d
            : null;

    /// <summary>ISO 8601 as Python's <c>isoformat()</c> and Pydantic write it; a time without an offset is UTC, as the proxy keeps it.</summary>
    private static DateTimeOffset? Time(JsonElement info, string name) =>
        Text(info, name) is { } text
        && char.IsAsciiDigit(text[0])
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time.ToUniversalTime()
            : null;

    /// <summary>The model list; a list with anything but names in it is unknown, lest dropping an entry turn it into "every model".</summary>
    private static List<string>? Models(JsonElement info)
    {
        if (Field(info, "models") is not { ValueKind: JsonValueKind.Array } list)
        {
            return null;
        }

        var models = new List<string>(list.GetArrayLength());
        foreach (var entry in list.EnumerateArray())
        {
            if (Text(entry) is not { } model)
            {
                return null;
            }

            models.Add(model);
        }

        return models;
    }
}
