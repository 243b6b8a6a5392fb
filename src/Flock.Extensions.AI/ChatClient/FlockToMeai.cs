using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>Maps Flock responses and chunks to Microsoft.Extensions.AI types.</summary>
internal static class FlockToMeai
{
    public static ChatResponse ToChatResponse(ChatCompletion completion)
    {
        var messages = new List<ChatMessage>(completion.Choices?.Count ?? 1);
        ChatFinishReason? finishReason = null;
        foreach (var choice in completion.Choices ?? [])
        {
            var contents = new List<AIContent>();
            if (choice.Message?.ReasoningText is { Length: > 0 } reasoning)
            {
                contents.Add(new TextReasoningContent(reasoning));
            }

            if (choice.Message?.Content is { Length: > 0 } text)
            {
                contents.Add(new TextContent(text));
            }

            foreach (var call in choice.Message?.ToolCalls ?? [])
            {
                contents.Add(ToFunctionCall(call.Id ?? "", call.Function?.Name ?? "", call.Function?.Arguments));
            }

            messages.Add(new ChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, RawRepresentation = choice });
            finishReason ??= ToFinishReason(choice.FinishReason);
        }

        var response = new ChatResponse(messages)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = ToDate(completion.Created),
            FinishReason = finishReason,
            Usage = ToUsage(completion.Usage),
            RawRepresentation = completion,
        };

        if (completion.SystemFingerprint is { } fingerprint)
        {
            (response.AdditionalProperties ??= [])["system_fingerprint"] = fingerprint;
        }

        return response;
    }

    public static FunctionCallContent ToFunctionCall(string id, string name, string? arguments) =>
        FunctionCallContent.CreateFromParsedArguments(
            string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments,
            id,
            name,
            static json => JsonSerializer.Deserialize(json, FlockJsonContext.Default.DictionaryStringObject));

    public static ChatFinishReason? ToFinishReason(string? reason) => reason switch
    {
        null or "" => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    public static UsageDetails? ToUsage(Usage? usage) => usage is null ? null : new UsageDetails
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens ?? (usage.PromptTokens + usage.CompletionTokens),
        ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
        CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
    };

    public static DateTimeOffset? ToDate(long? created) => UnixTime.ToDate(created);
}
