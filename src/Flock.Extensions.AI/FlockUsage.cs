namespace Flock.Extensions.AI;

/// <summary>Token usage of one completion.</summary>
/// <param name="PromptTokens">Tokens in the prompt.</param>
/// <param name="CompletionTokens">Tokens generated.</param>
/// <param name="TotalTokens">Prompt plus completion tokens.</param>
/// <param name="ReasoningTokens">Generated tokens spent on reasoning, when the server reports them.</param>
/// <param name="CachedPromptTokens">Prompt tokens served from cache, when the server reports them.</param>
public sealed record FlockUsage(int PromptTokens, int CompletionTokens, int TotalTokens, int? ReasoningTokens = null, int? CachedPromptTokens = null)
{
    /// <summary>The usage the server reported, or null when it reported none.</summary>
    internal static FlockUsage? FromWire(Wire.Usage? usage) => usage is null ? null : new FlockUsage(
        usage.PromptTokens ?? 0,
        usage.CompletionTokens ?? 0,
        usage.TotalTokens ?? ((usage.PromptTokens ?? 0) + (usage.CompletionTokens ?? 0)),
        usage.CompletionTokensDetails?.ReasoningTokens,
        usage.PromptTokensDetails?.CachedTokens);
}
