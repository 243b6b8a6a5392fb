using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>Maps Flock responses and chunks to Microsoft.Extensions.AI types.</summary>
internal static class FlockToMeai
{
    /// <summary>
    /// A completion as MEAI's response: one message per choice, thinking text inside the answer split from it as
    /// <paramref name="thinkTags"/> says (unless the server sent reasoning in its own field), and the call's cost.
    /// </summary>
    public static ChatResponse ToChatResponse(ChatCompletion completion, FlockThinkTags thinkTags = FlockThinkTags.Auto, CallCost cost = default)
    {
        var messages = new List<ChatMessage>(completion.Choices?.Count ?? 1);
        ChatFinishReason? finishReason = null;
        FlockLogprobs? firstLogprobs = null;
        foreach (var choice in completion.Choices ?? [])
        {
            var contents = new List<AIContent>();
            var reasoning = choice.Message?.ReasoningText;
            var text = choice.Message?.Content;
            if (reasoning is not { Length: > 0 } && text is { Length: > 0 } && thinkTags != FlockThinkTags.Off)
            {
                // No reasoning field: the server has no reasoning parser, and the thinking may be inside the content.
                (reasoning, text) = ThinkTagSplitter.Split(text, thinkTags);
            }

            if (reasoning is { Length: > 0 })
            {
                contents.Add(new TextReasoningContent(reasoning));
            }

            if (text is { Length: > 0 })
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
            if (messages.Count == 1)
            {
                firstLogprobs = choice.Logprobs;
            }
        }

        var response = new ChatResponse(messages)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = ToDate(completion.Created),
            FinishReason = finishReason,
            Usage = ToUsage(completion.Usage, cost),
            RawRepresentation = completion,
        };

        if (completion.SystemFingerprint is { } fingerprint)
        {
            (response.AdditionalProperties ??= [])[FlockPropertyNames.SystemFingerprint] = fingerprint;
        }

        if (firstLogprobs is not null)
        {
            (response.AdditionalProperties ??= [])[FlockPropertyNames.Logprobs] = firstLogprobs;
        }

        if (completion.ResponseInfo is { } info)
        {
            (response.AdditionalProperties ??= [])[FlockPropertyNames.ResponseInfo] = info;
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

        if (choice.Logprobs is { } logprobs)
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

    /// <summary>
    /// The usage as MEAI's, with the cost in <see cref="UsageDetails.AdditionalCounts"/> as whole nano-USD (MEAI's counts are
    /// integers and summed by middleware); a cost with no usage reported still makes a usage of counts only.
    /// </summary>
    public static UsageDetails? ToUsage(Usage? usage, CallCost cost = default)
    {
        if (usage is null && !cost.IsKnown)
        {
            return null;
        }

        var details = usage is null ? new UsageDetails() : new UsageDetails
        {
            InputTokenCount = usage.PromptTokens,
            OutputTokenCount = usage.CompletionTokens,
            TotalTokenCount = usage.TotalTokens ?? (usage.PromptTokens + usage.CompletionTokens),
            ReasoningTokenCount = usage.CompletionTokensDetails?.ReasoningTokens,
            CachedInputTokenCount = usage.PromptTokensDetails?.CachedTokens,
        };

        AddCount(details, FlockPropertyNames.InputCostNanoUsd, cost.Input);
        AddCount(details, FlockPropertyNames.OutputCostNanoUsd, cost.Output);
        AddCount(details, FlockPropertyNames.TotalCostNanoUsd, cost.Total);
        return details;
    }

    private static void AddCount(UsageDetails details, string key, decimal? usd)
    {
        if (CallCost.ToNanoUsd(usd) is { } nano)
        {
            (details.AdditionalCounts ??= [])[key] = nano;
        }
    }

    public static DateTimeOffset? ToDate(long? created) => UnixTime.ToDate(created);
}
