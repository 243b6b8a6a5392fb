using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>
/// Turns the chunks of one stream into <see cref="ChatResponseUpdate"/>s: one per chunk and choice that carries something,
/// tool calls assembled and surfaced whole when their choice finishes, and usage once at the end (from the stream's
/// <see cref="StreamFold"/>: the last report wins, never a sum, and a usage-only chunk never becomes an empty choice).
/// Per chunk it allocates only the update itself.
/// </summary>
internal sealed class StreamingUpdates
{
    private readonly StreamFold _fold = new();
    private Dictionary<int, ToolCallAccumulator>? _toolCalls;
    private DateTimeOffset? _created;

    public void Add(StreamChunk chunk, List<ChatResponseUpdate> updates)
    {
        _fold.Add(chunk);
        _created ??= FlockToMeai.ToDate(_fold.Created);

        foreach (ref readonly var choice in chunk.Choices)
        {
            if (choice.IsEmpty)
            {
                // e.g. the proxy's usage chunk, whose "choices":[{"index":0,"delta":{}}] is no choice at all.
                continue;
            }

            // Sized for the usual one item: a chunk's update is the one allocation per chunk worth trimming.
            List<AIContent>? contents = null;
            if (choice.Reasoning is { } reasoning)
            {
                (contents ??= new(1)).Add(new TextReasoningContent(reasoning));
            }

            if (choice.Content is { } text)
            {
                (contents ??= new(1)).Add(new TextContent(text));
            }

            if (choice.ToolCallCount > 0)
            {
                var fragments = chunk.ToolCallsOf(choice);
                _toolCalls ??= [];
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

            if (contents is null && finishReason is null && choice.Role is null)
            {
                // A tool-call fragment: nothing to surface until the call is whole.
                continue;
            }

            updates.Add(Update(choice.Index, ToRole(choice.Role), contents, finishReason));
        }
    }

    /// <summary>After <c>[DONE]</c>: calls whose choice never finished, then the usage.</summary>
    public void Complete(List<ChatResponseUpdate> updates)
    {
        if (_toolCalls is not null)
        {
            foreach (var index in _toolCalls.Keys.Order().ToList())
            {
                List<AIContent>? contents = null;
                AddToolCalls(index, ref contents);
                if (contents is not null)
                {
                    updates.Add(Update(index, ChatRole.Assistant, contents, ChatFinishReason.ToolCalls));
                }
            }
        }

        if (FlockToMeai.ToUsage(_fold.Usage) is { } usage)
        {
            updates.Add(Update(0, ChatRole.Assistant, [new UsageContent(usage)], null));
        }
    }

    private static ChatRole ToRole(string? role) => role is null or "assistant" ? ChatRole.Assistant : new ChatRole(role);

    private void AddToolCalls(int choiceIndex, ref List<AIContent>? contents)
    {
        if (_toolCalls is not null && _toolCalls.TryGetValue(choiceIndex, out var accumulator) && accumulator.HasCalls)
        {
            foreach (var (id, name, arguments) in accumulator.Drain())
            {
                (contents ??= []).Add(FlockToMeai.ToFunctionCall(id, name, arguments));
            }
        }
    }

    private ChatResponseUpdate Update(int choiceIndex, ChatRole role, List<AIContent>? contents, ChatFinishReason? finishReason)
    {
        var update = new ChatResponseUpdate(role, contents)
        {
            ResponseId = _fold.Id,
            MessageId = _fold.Id,
            ModelId = _fold.Model,
            CreatedAt = _created,
            FinishReason = finishReason,
        };

        if (choiceIndex != 0)
        {
            (update.AdditionalProperties ??= [])[FlockPropertyNames.ChoiceIndex] = choiceIndex;
        }

        if (finishReason is not null && _fold.SystemFingerprint is { } fingerprint)
        {
            // Once per choice, on its finishing update: ToChatResponse carries it to the response, as without streaming.
            (update.AdditionalProperties ??= [])[FlockPropertyNames.SystemFingerprint] = fingerprint;
        }

        return update;
    }
}
