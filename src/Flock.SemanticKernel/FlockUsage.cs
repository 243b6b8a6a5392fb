namespace Flock.SemanticKernel;

/// <summary>Token usage of one completion.</summary>
/// <param name="PromptTokens">Tokens in the prompt.</param>
/// <param name="CompletionTokens">Tokens generated.</param>
/// <param name="TotalTokens">Prompt plus completion tokens.</param>
/// <param name="ReasoningTokens">Generated tokens spent on reasoning, when the server reports them.</param>
/// <param name="CachedPromptTokens">Prompt tokens served from cache, when the server reports them.</param>
public sealed record FlockUsage(int PromptTokens, int CompletionTokens, int TotalTokens, int? ReasoningTokens = null, int? CachedPromptTokens = null);
