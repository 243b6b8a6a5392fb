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

            var message = new ChatMessage(ChatRole.Assistant, contents) { MessageId = completion.Id, RawRepresentation = choice };
            AddChoiceProperties(message, choice);
            messages.Add(message);
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
            (response.AdditionalProperties ??= [])[FlockPropertyNames.SystemFingerprint] = fingerprint;
        }

        return response;
    }

    /// <summary>What belongs to one choice and has no home on <see cref="ChatMessage"/>: its index, finish reason and log probabilities.</summary>
    private static void AddChoiceProperties(ChatMessage message, Choice choice)
    {
        if (choice.Index != 0)
        {
            (message.AdditionalProperties ??= [])[FlockPropertyNames.ChoiceIndex] = choice.Index;
        }

        if (choice.FinishReason is { Length: > 0 } reason)
        {
            (message.AdditionalProperties ??= [])[FlockPropertyNames.FinishReason] = reason;
        }

        if (choice.Logprobs is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } logprobs)
        {
            (message.AdditionalProperties ??= [])[FlockPropertyNames.Logprobs] = logprobs;
        }
    }

    /// <summary>A call whose <see cref="AIContent.RawRepresentation"/> is its arguments' JSON text exactly as Flock sent it.</summary>
    public static FunctionCallContent ToFunctionCall(string id, string name, string? arguments)
    {
        var json = string.IsNullOrWhiteSpace(arguments) ? "{}" : arguments;
        var call = FunctionCallContent.CreateFromParsedArguments(
            json,
            id,
            name,
            static json => JsonSerializer.Deserialize(json, FlockJsonContext.Default.DictionaryStringObject));
        call.RawRepresentation = json;
        return call;
    }

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
