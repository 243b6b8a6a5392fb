namespace Flock.Extensions.AI;

/// <summary>Token usage of one completion, and what it cost when that is known.</summary>
/// <param name="PromptTokens">Tokens in the prompt.</param>
/// <param name="CompletionTokens">Tokens generated.</param>
/// <param name="TotalTokens">Prompt plus completion tokens.</param>
/// <param name="ReasoningTokens">Generated tokens spent on reasoning, when the server reports them.</param>
/// <param name="CachedPromptTokens">Prompt tokens served from cache, when the server reports them.</param>
/// <remarks>
/// Costs are in USD. <see cref="TotalCost"/> is the proxy's own figure when it sends one (<c>x-litellm-response-cost</c>),
/// else input plus output cost; <see cref="InputCost"/> and <see cref="OutputCost"/> come from the model catalogue's prices
/// per token (<see cref="FlockClient.ListModelInfoAsync"/>, cached on the client), so they are known only once the catalogue
/// was fetched and lists prices for the model.
/// </remarks>
public sealed record FlockUsage(int PromptTokens, int CompletionTokens, int TotalTokens, int? ReasoningTokens = null, int? CachedPromptTokens = null)
{
    // Costs in one object made only when one is known: a usage without them stays as small as before, and equal to one
    // whose costs were set to null.
    private Costs? _costs;

    /// <summary>What the prompt tokens cost, in USD: prompt tokens times the catalogue's input price.</summary>
    public decimal? InputCost { get => _costs?.Input; init => _costs = Costs.Of(value, OutputCost, TotalCost); }

    /// <summary>What the generated tokens (reasoning included) cost, in USD: completion tokens times the catalogue's output price.</summary>
    public decimal? OutputCost { get => _costs?.Output; init => _costs = Costs.Of(InputCost, value, TotalCost); }

    /// <summary>What the call cost, in USD: the proxy's figure when it sent one, else <see cref="InputCost"/> plus <see cref="OutputCost"/>.</summary>
    public decimal? TotalCost { get => _costs?.Total; init => _costs = Costs.Of(InputCost, OutputCost, value); }

    /// <summary>All three costs at once.</summary>
    internal CallCost Cost { init => _costs = Costs.Of(value.Input, value.Output, value.Total); }

    private sealed record Costs(decimal? Input, decimal? Output, decimal? Total)
    {
        public static Costs? Of(decimal? input, decimal? output, decimal? total) =>
            input is null && output is null && total is null ? null : new Costs(input, output, total);
    }

    /// <summary>The usage the server reported, or null when it reported none.</summary>
    internal static FlockUsage? FromWire(Wire.Usage? usage, CallCost cost = default) => usage is null ? null : new FlockUsage(
        usage.PromptTokens ?? 0,
        usage.CompletionTokens ?? 0,
        usage.TotalTokens ?? ((usage.PromptTokens ?? 0) + (usage.CompletionTokens ?? 0)),
        usage.CompletionTokensDetails?.ReasoningTokens,
        usage.PromptTokensDetails?.CachedTokens)
    {
        Cost = cost,
    };
}

/// <summary>What one model call cost, in USD; each part null when unknown.</summary>
internal readonly record struct CallCost(decimal? Input, decimal? Output, decimal? Total)
{
    /// <summary>A decimal USD amount in the integer unit of MEAI's <c>AdditionalCounts</c>: 1 nano-USD = 10⁻⁹ USD.</summary>
    public const decimal NanoUsdPerUsd = 1_000_000_000m;

    /// <summary>Whether any part is known.</summary>
    public bool IsKnown => Input is not null || Output is not null || Total is not null;

    /// <summary>
    /// The cost of a call: the proxy's figure (<paramref name="responseCost"/>) is the total when sent; the parts come from
    /// the model's prices per token (<paramref name="model"/>) and the usage, and add up to the total when there is no figure.
    /// </summary>
    public static CallCost Of(Usage? usage, decimal? responseCost, FlockModelInfo? model)
    {
        decimal? input = usage?.PromptTokens is { } prompt && model?.InputCostPerToken is { } inputPrice ? prompt * inputPrice : null;
        decimal? output = usage?.CompletionTokens is { } completion && model?.OutputCostPerToken is { } outputPrice ? completion * outputPrice : null;
        return new CallCost(input, output, responseCost ?? input + output);
    }

    /// <summary>USD as whole nano-USD (rounded half away from zero); null when unknown or beyond a <see cref="long"/>.</summary>
    public static long? ToNanoUsd(decimal? usd) =>
        usd is { } value && value is >= 0 and <= 9_000_000_000m ? (long)decimal.Round(value * NanoUsdPerUsd, MidpointRounding.AwayFromZero) : null;

    /// <summary>Nano-USD back to USD.</summary>
    public static decimal? FromNanoUsd(long? nano) => nano is { } value ? value / NanoUsdPerUsd : null;
}
