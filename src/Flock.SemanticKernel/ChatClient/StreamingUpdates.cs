using Flock.SemanticKernel.Wire;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.ChatClient;

/// <summary>
/// Turns the chunks of one stream into <see cref="ChatResponseUpdate"/>s: one per chunk and choice that carries something,
/// tool calls assembled and surfaced whole when their choice finishes, and usage once at the end (the last report wins,
/// never a sum, and a usage-only chunk never becomes an empty choice).
/// </summary>
internal sealed class StreamingUpdates
{
    private readonly Dictionary<int, ToolCallAccumulator> _toolCalls = [];
    private Usage? _usage;
    private string? _responseId;
    private string? _modelId;
    private DateTimeOffset? _created;

    public void Add(ChatCompletionChunk chunk, List<ChatResponseUpdate> updates)
    {
        _responseId ??= chunk.Id;
        _modelId ??= chunk.Model;
        _created ??= FlockToMeai.ToDate(chunk.Created);
        _usage = chunk.Usage ?? _usage;

        if (chunk.Choices is not { Count: > 0 } choices)
        {
            return;
        }

        foreach (var choice in choices)
        {
            var delta = choice.Delta;
            List<AIContent>? contents = null;
            if (delta?.ReasoningText is { Length: > 0 } reasoning)
            {
                (contents ??= []).Add(new TextReasoningContent(reasoning) { RawRepresentation = choice });
            }

            if (delta?.Content is { Length: > 0 } text)
            {
                (contents ??= []).Add(new TextContent(text) { RawRepresentation = choice });
            }

            if (delta?.ToolCalls is { Count: > 0 } fragments)
            {
                if (!_toolCalls.TryGetValue(choice.Index, out var accumulator))
                {
                    _toolCalls[choice.Index] = accumulator = new ToolCallAccumulator();
                }

                accumulator.Add(fragments);
            }

            var finishReason = FlockToMeai.ToFinishReason(choice.FinishReason);
            if (finishReason is not null)
            {
                AddToolCalls(choice.Index, ref contents);
            }

            var role = delta?.Role is { Length: > 0 } r ? new ChatRole(r) : (ChatRole?)null;
            if (contents is null && finishReason is null && role is null)
            {
                continue;
            }

            updates.Add(Update(chunk, choice.Index, role ?? ChatRole.Assistant, contents, finishReason));
        }
    }

    /// <summary>After <c>[DONE]</c>: calls whose choice never finished, then the usage.</summary>
    public void Complete(List<ChatResponseUpdate> updates)
    {
        foreach (var index in _toolCalls.Keys.ToList())
        {
            List<AIContent>? contents = null;
            AddToolCalls(index, ref contents);
            if (contents is not null)
            {
                updates.Add(Update(null, index, ChatRole.Assistant, contents, ChatFinishReason.ToolCalls));
            }
        }

        if (FlockToMeai.ToUsage(_usage) is { } usage)
        {
            updates.Add(Update(null, 0, ChatRole.Assistant, [new UsageContent(usage)], null));
        }
    }

    private void AddToolCalls(int choiceIndex, ref List<AIContent>? contents)
    {
        if (_toolCalls.TryGetValue(choiceIndex, out var accumulator) && accumulator.HasCalls)
        {
            foreach (var (id, name, arguments) in accumulator.Drain())
            {
                (contents ??= []).Add(FlockToMeai.ToFunctionCall(id, name, arguments));
            }
        }
    }

    private ChatResponseUpdate Update(ChatCompletionChunk? chunk, int choiceIndex, ChatRole role, List<AIContent>? contents, ChatFinishReason? finishReason)
    {
        var update = new ChatResponseUpdate(role, contents)
        {
            ResponseId = _responseId,
            MessageId = _responseId,
            ModelId = chunk?.Model ?? _modelId,
            CreatedAt = _created,
            FinishReason = finishReason,
            RawRepresentation = chunk,
        };

        if (choiceIndex != 0)
        {
            update.AdditionalProperties = new() { ["choice_index"] = choiceIndex };
        }

        return update;
    }
}
