using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI;

/// <summary>Token usage of one completion, and what it cost when that is known.</summary>
/// <remarks>
/// Costs are in USD, each from the first source that gives it: the proxy's headers (<c>x-litellm-response-cost</c> and its
/// <c>-input</c> and <c>-output</c> parts), then for the total the usage's own <c>cost</c>, then the model catalogue's prices
/// per token (<see cref="FlockClient.ListModelInfoAsync"/>, cached on the client: known only once the catalogue was fetched and
/// lists prices for the model). With no total from the proxy, <see cref="TotalCost"/> is input plus output cost.
/// </remarks>
public sealed record FlockUsage
{
    /// <summary>Tokens in the prompt.</summary>
    public int PromptTokens { get; init; }

    /// <summary>Tokens generated.</summary>
    public int CompletionTokens { get; init; }

    /// <summary>Prompt plus completion tokens.</summary>
    public int TotalTokens { get; init; }

    /// <summary>Generated tokens spent on reasoning, when the server reports them.</summary>
    public int? ReasoningTokens { get; init; }

    /// <summary>Prompt tokens served from cache, when the server reports them.</summary>
    public int? CachedPromptTokens { get; init; }

    /// <summary>What the prompt tokens cost, in USD: the proxy's figure when it sent one, else prompt tokens times the catalogue's input price.</summary>
    public decimal? InputCost { get; init; }

    /// <summary>What the generated tokens (reasoning included) cost, in USD: the proxy's figure when it sent one, else completion tokens times the catalogue's output price.</summary>
    public decimal? OutputCost { get; init; }

    /// <summary>What the call cost, in USD: the proxy's figure (its header, else the usage's <c>cost</c>) when it sent one, else <see cref="InputCost"/> plus <see cref="OutputCost"/>.</summary>
    public decimal? TotalCost { get; init; }

    /// <summary>
    /// MEAI's usage as <see cref="FlockUsage"/>, its costs read from the nano-USD counts <see cref="FlockChatClient"/> puts in
    /// <see cref="UsageDetails.AdditionalCounts"/> (<see cref="FlockPropertyNames.TotalCostNanoUsd"/> and the parts): the form
    /// that survives MEAI summing usage over a function-invocation loop. Null when it reports no token count and no cost.
    /// </summary>
    /// <param name="usage">The usage, e.g. <c>ChatResponse.Usage</c>.</param>
    public static FlockUsage? FromUsageDetails(UsageDetails? usage)
    {
        if (usage is null)
        {
            return null;
        }

        var input = CallCost.FromNanoUsd(Count(usage, FlockPropertyNames.InputCostNanoUsd));
        var output = CallCost.FromNanoUsd(Count(usage, FlockPropertyNames.OutputCostNanoUsd));
        var total = CallCost.FromNanoUsd(Count(usage, FlockPropertyNames.TotalCostNanoUsd));
        if (usage.InputTokenCount is null && usage.OutputTokenCount is null && usage.TotalTokenCount is null && input is null && output is null && total is null)
        {
            return null;
        }

        return new FlockUsage
        {
            PromptTokens = (int)(usage.InputTokenCount ?? 0),
            CompletionTokens = (int)(usage.OutputTokenCount ?? 0),
            TotalTokens = (int)(usage.TotalTokenCount ?? ((usage.InputTokenCount ?? 0) + (usage.OutputTokenCount ?? 0))),
            ReasoningTokens = (int?)usage.ReasoningTokenCount,
            CachedPromptTokens = (int?)usage.CachedInputTokenCount,
            InputCost = input,
            OutputCost = output,
            TotalCost = total,
        };
    }

    private static long? Count(UsageDetails usage, string key) =>
        usage.AdditionalCounts?.TryGetValue(key, out var value) is true ? value : null;
}

/// <summary>What one model call cost, in USD; each part null when unknown.</summary>
internal readonly record struct CallCost(decimal? Input, decimal? Output, decimal? Total)
{
    /// <summary>A decimal USD amount in the integer unit of MEAI's <c>AdditionalCounts</c>: 1 nano-USD = 10⁻⁹ USD.</summary>
    public const decimal NanoUsdPerUsd = 1_000_000_000m;

    /// <summary>Whether any part is known.</summary>
    public bool IsKnown => Input is not null || Output is not null || Total is not null;

    /// <summary>
    /// The cost of a call, each figure from the first that gives it: the proxy's headers (<paramref name="proxy"/>), then the
    /// usage's <c>cost</c> (streamed answers), then the model's prices per token (<paramref name="model"/>) times the usage,
    /// whose parts add up to the total when nothing else gives one.
    /// </summary>
    public static CallCost Of(Usage? usage, FlockResponseCost? proxy, FlockModelInfo? model)
    {
        var input = proxy?.Input ?? (usage?.PromptTokens is { } prompt && model?.InputCostPerToken is { } inputPrice ? prompt * inputPrice : null);
        var output = proxy?.Output ?? (usage?.CompletionTokens is { } completion && model?.OutputCostPerToken is { } outputPrice ? completion * outputPrice : null);
        return new CallCost(input, output, proxy?.Total ?? usage?.Cost ?? input + output);
    }

    /// <summary>USD as whole nano-USD (rounded half away from zero); null when unknown or beyond a <see cref="long"/>.</summary>
    public static long? ToNanoUsd(decimal? usd) =>
        usd is { } value && value is >= 0 and <= 9_000_000_000m ? (long)decimal.Round(value * NanoUsdPerUsd, MidpointRounding.AwayFromZero) : null;

    /// <summary>Nano-USD back to USD.</summary>
    public static decimal? FromNanoUsd(long? nano) => nano is { } value ? value / NanoUsdPerUsd : null;
}
