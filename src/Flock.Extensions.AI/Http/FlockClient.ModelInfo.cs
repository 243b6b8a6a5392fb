using System.Net;
using System.Text.Json;

namespace Flock.Extensions.AI;

/// <summary>The model catalogue: <c>GET {endpoint}/model/info</c>, cached per client.</summary>
public sealed partial class FlockClient
{
    private volatile Dictionary<string, FlockModelInfo>? _catalogue;
    private volatile IReadOnlyList<FlockModelInfo>? _catalogueList;

    /// <summary>
    /// Lists what the proxy's catalogue (<c>GET /model/info</c>) says about each model: limits, prices, capabilities. The
    /// answer is cached on this client; <paramref name="refresh"/> fetches it again. When the catalogue is not served
    /// (404 or 403) the models of <c>GET /models</c> are returned with only their ids.
    /// </summary>
    /// <param name="refresh">Fetch again even when a cached catalogue exists.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FlockException">Flock answered with another error.</exception>
    public async Task<IReadOnlyList<FlockModelInfo>> ListModelInfoAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        if (!refresh && _catalogueList is { } cached)
        {
            return cached;
        }

        List<FlockModelInfo> models;
        try
        {
            var uri = new Uri(Endpoint.AbsoluteUri.TrimEnd('/') + "/model/info");
            var (list, _, _, _) = await SendJsonAsync(HttpMethod.Get, uri, null, FlockJsonContext.Default.ModelInfoList, cancellationToken).ConfigureAwait(false);
            models = ModelCatalogue.FromWire(list);
        }
        catch (FlockException ex) when (ex.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden)
        {
            var listed = await ListModelsAsync(cancellationToken).ConfigureAwait(false);
            models = listed.Select(static m => new FlockModelInfo(m.Id) { FromCatalogue = false }).ToList();
        }

        var byId = new Dictionary<string, FlockModelInfo>(models.Count, StringComparer.Ordinal);
        foreach (var model in models)
        {
            byId.TryAdd(model.Id, model);
        }

        // Every caller shares the cached list: read-only, so no caller can change what the others see.
        var shared = models.AsReadOnly();
        _catalogue = byId;
        _catalogueList = shared;
        return shared;
    }

    /// <summary>What the cached catalogue says about <paramref name="modelId"/>; null when nothing is cached or the model is not in it. Never fetches.</summary>
    /// <param name="modelId">The model id.</param>
    public FlockModelInfo? GetCachedModelInfo(string modelId)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        return _catalogue is { } catalogue && catalogue.TryGetValue(modelId, out var info) ? info : null;
    }
}

/// <summary>Reads <c>/model/info</c> leniently: a field that is absent, null or of another type is unknown, never an error.</summary>
internal static class ModelCatalogue
{
    public static List<FlockModelInfo> FromWire(ModelInfoList list)
    {
        // A model served by several deployments appears once per deployment: the first value each field has wins.
        var models = new List<FlockModelInfo>();
        var positions = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in list.Data ?? [])
        {
            if (entry is null || Text(entry.ModelName) is not { Length: > 0 } id)
            {
                continue;
            }

            var info = entry.ModelInfo;
            var maxTokens = Int(info, "max_tokens");
            var model = new FlockModelInfo(id)
            {
                MaxInputTokens = Int(info, "max_input_tokens"),
                MaxOutputTokens = Int(info, "max_output_tokens"),
                ContextWindow = Int(info, "max_input_tokens") ?? maxTokens,
                InputCostPerToken = Price(info, "input_cost_per_token"),
                OutputCostPerToken = Price(info, "output_cost_per_token"),
                SupportsFunctionCalling = Flag(info, "supports_function_calling"),
                SupportsVision = Flag(info, "supports_vision"),
                SupportsReasoning = Flag(info, "supports_reasoning"),
                SupportsResponseSchema = Flag(info, "supports_response_schema"),
                UpstreamModel = entry.LiteLlmParams.ValueKind == JsonValueKind.Object && entry.LiteLlmParams.TryGetProperty("model", out var m) ? Text(m) : null,
            };

            if (positions.TryGetValue(id, out var at))
            {
                models[at] = Merge(models[at], model);
            }
            else
            {
                positions[id] = models.Count;
                models.Add(model);
            }
        }

        return models;
    }

    private static FlockModelInfo Merge(FlockModelInfo first, FlockModelInfo next) => first with
    {
        ContextWindow = first.ContextWindow ?? next.ContextWindow,
        MaxInputTokens = first.MaxInputTokens ?? next.MaxInputTokens,
        MaxOutputTokens = first.MaxOutputTokens ?? next.MaxOutputTokens,
        InputCostPerToken = first.InputCostPerToken ?? next.InputCostPerToken,
        OutputCostPerToken = first.OutputCostPerToken ?? next.OutputCostPerToken,
        SupportsFunctionCalling = first.SupportsFunctionCalling ?? next.SupportsFunctionCalling,
        SupportsVision = first.SupportsVision ?? next.SupportsVision,
        SupportsReasoning = first.SupportsReasoning ?? next.SupportsReasoning,
        SupportsResponseSchema = first.SupportsResponseSchema ?? next.SupportsResponseSchema,
        UpstreamModel = first.UpstreamModel ?? next.UpstreamModel,
    };

    private static JsonElement? Field(JsonElement info, string name) =>
        info.ValueKind == JsonValueKind.Object && info.TryGetProperty(name, out var value) ? value : null;

    private static string? Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement info, string name) =>
        Field(info, name) is { ValueKind: JsonValueKind.Number } value && value.TryGetDouble(out var d) && d >= 0 && d <= int.MaxValue && d == Math.Floor(d)
            ? (int)d
            : null;

    private static decimal? Price(JsonElement info, string name)
    {
        if (Field(info, name) is not { ValueKind: JsonValueKind.Number } value)
        {
            return null;
        }

        if (value.TryGetDecimal(out var exact))
        {
            return exact >= 0 ? exact : null;
        }

        // Exponent forms such as 1.5e-07 that decimal parsing refuses; prices are tiny, never beyond decimal's range.
        return value.TryGetDouble(out var d) && d >= 0 && d < 1e15 ? (decimal)d : null;
    }

    private static bool? Flag(JsonElement info, string name) => Field(info, name)?.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}
