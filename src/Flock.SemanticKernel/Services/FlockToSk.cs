using System.Text;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Services;

/// <summary>Maps Flock responses and chunks to Semantic Kernel content.</summary>
internal static class FlockToSk
{
    public static IReadOnlyList<ChatMessageContent> ToChatMessageContents(ChatCompletion completion, string? modelId)
    {
        var choices = completion.Choices ?? [];
        var results = new List<ChatMessageContent>(choices.Count);
        var usage = ToUsage(completion.Usage);
        var created = FlockToMeai.ToDate(completion.Created);
        foreach (var choice in choices)
        {
            var items = new ChatMessageContentItemCollection();
            if (choice.Message?.ReasoningText is { Length: > 0 } reasoning)
            {
                items.Add(new ReasoningContent(reasoning));
            }

            if (choice.Message?.Content is { Length: > 0 } text)
            {
                items.Add(new TextContent(text, completion.Model ?? modelId));
            }

            foreach (var call in choice.Message?.ToolCalls ?? [])
            {
                var meai = FlockToMeai.ToFunctionCall(call.Id ?? "", call.Function?.Name ?? "", call.Function?.Arguments);
                items.Add(new FunctionCallContent(meai.Name, pluginName: null, id: meai.CallId, arguments: meai.Arguments is null ? null : new KernelArguments(meai.Arguments)));
            }

            var logprobs = choice.Logprobs is { ValueKind: not System.Text.Json.JsonValueKind.Null } l ? l : (System.Text.Json.JsonElement?)null;
            var metadata = new FlockMetadata(
                FlockMetadata.Entries.Id | FlockMetadata.Entries.Created | FlockMetadata.Entries.FinishReason | FlockMetadata.Entries.Usage
                    | FlockMetadata.Entries.SystemFingerprint | (logprobs is null ? FlockMetadata.Entries.None : FlockMetadata.Entries.Logprobs),
                completion.Id, created, choice.FinishReason, usage, completion.SystemFingerprint, logprobs);

            results.Add(new ChatMessageContent(AuthorRole.Assistant, items, completion.Model ?? modelId, completion, Encoding.UTF8, metadata));
        }

        return results;
    }

    public static FlockUsage? ToUsage(Usage? usage) => usage is null ? null : new FlockUsage(
        usage.PromptTokens ?? 0,
        usage.CompletionTokens ?? 0,
        usage.TotalTokens ?? ((usage.PromptTokens ?? 0) + (usage.CompletionTokens ?? 0)),
        usage.CompletionTokensDetails?.ReasoningTokens,
        usage.PromptTokensDetails?.CachedTokens);
}
