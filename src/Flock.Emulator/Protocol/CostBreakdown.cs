namespace Flock.Emulator.Protocol;

/// <summary>
/// What an answer cost in USD and its parts, as LiteLLM's cost breakdown has them: input, output (reasoning is part of
/// it), the cost before discount and margin, the discount and margin amounts, and the margin as a fraction.
/// </summary>
/// <remarks>A scripted cost is the final figure and has no parts (they are null).</remarks>
internal sealed record CostBreakdown(
    decimal Total,
    decimal? Input = null,
    decimal? Output = null,
    decimal? Reasoning = null,
    decimal? Original = null,
    decimal? DiscountAmount = null,
    decimal? MarginAmount = null,
    decimal? MarginFraction = null)
{
    /// <summary>
    /// Prices an answer: usage × the model's prices, then the discount, then the margin on what is left (LiteLLM's
    /// order). Null when the model has no prices and nothing is scripted.
    /// </summary>
    public static CostBreakdown? Compute(ModelProfile profile, int promptTokens, int completionTokens, int reasoningTokens, decimal? scripted, decimal discount, decimal margin)
    {
        if (scripted is { } fixedCost)
        {
            return new CostBreakdown(fixedCost);
        }

        if (profile.InputCostPerToken is not { } inputPrice || profile.OutputCostPerToken is not { } outputPrice)
        {
            return null;
        }

        var input = promptTokens * inputPrice;
        var output = completionTokens * outputPrice;
        var original = input + output;
        var discountAmount = original * discount;
        var discounted = original - discountAmount;
        var marginAmount = discounted * margin;
        return new CostBreakdown(discounted + marginAmount, input, output, reasoningTokens * outputPrice, original, discountAmount, marginAmount, margin);
    }
}
