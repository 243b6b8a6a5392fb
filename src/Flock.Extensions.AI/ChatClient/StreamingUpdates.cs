using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>
/// Turns the chunks of one stream into <see cref="ChatResponseUpdate"/>s: one per chunk and choice that carries something,
/// thinking text inside the answer split from it (one <see cref="ThinkTagSplitter"/> per choice), tool calls assembled and
/// surfaced whole when their choice finishes, and usage and cost once at the end (from the stream's
/// <see cref="StreamFold"/>: the last report wins, never a sum, and a usage-only chunk never becomes an empty choice).
/// Per chunk of a plain answer it allocates only the update itself.
/// </summary>
internal sealed class StreamingUpdates(FlockThinkTags thinkTags = FlockThinkTags.Auto)
{
    private readonly StreamFold _fold = new();
    private Dictionary<int, ToolCallAccumulator>? _toolCalls;
    private DateTimeOffset? _created;

    // One splitter per choice, made on the choice's first text; the first choice's in a field, so n = 1 needs no lookup.
    private ThinkTagSplitter? _firstSplitter;
    private Dictionary<int, ThinkTagSplitter>? _splitters;

    // Whether the stream's first update went out (it carries the proxy's response info).
    private bool _started;

    /// <summary>What the chunks so far add up to (id, model, usage, the proxy's cost).</summary>
    public StreamFold Fold => _fold;

    public void Add(StreamChunk chunk, List<ChatResponseUpdate> updates)
    {
        _fold.Add(chunk);
        _created ??= FlockToMeai.ToDate(_fold.Created);
        var before = updates.Count;
        AddChoices(chunk, updates);
        if (!_started && updates.Count > before)
        {
            _started = true;
            if (_fold.ResponseInfo is { } info)
            {
                (updates[before].AdditionalProperties ??= [])[FlockPropertyNames.ResponseInfo] = info;
            }
        }
    }

    private void AddChoices(StreamChunk chunk, List<ChatResponseUpdate> updates)
    {
        foreach (ref readonly var choice in chunk.Choices)
        {
            if (choice.IsEmpty)
            {
                // e.g. the proxy's usage chunk, whose "choices":[{"index":0,"delta":{}}] is no choice at all.
                continue;
            }

            var reasoning = choice.Reasoning;
            var text = choice.Content;
            if (thinkTags != FlockThinkTags.Off && (text is not null || reasoning is not null || (choice.FinishReason is not null && HasSplitter(choice.Index))))
            {
                Split(choice.Index, choice.FinishReason is not null, ref reasoning, ref text);
            }

            // Sized for the usual one item: a chunk's update is the one allocation per chunk worth trimming.
            List<AIContent>? contents = null;
            if (reasoning is not null)
            {
                (contents ??= new(1)).Add(new TextReasoningContent(reasoning));
            }

            if (text is not null)
            {
                (contents ??= new(1)).Add(new TextContent(text));
            }

            if (choice.ToolCallCount > 0)
            {
                AddFragments(chunk, choice);
            }

            var finishReason = FlockToMeai.ToFinishReason(choice.FinishReason);
            if (finishReason is not null)
            {
                AddToolCalls(choice.Index, ref contents);
            }

            if (contents is null && finishReason is null && choice.Role is null && choice.Logprobs is null)
            {
                // A tool-call fragment, or text held back as a possible tag: nothing to surface yet.
                continue;
            }

            var update = Update(choice.Index, ToRole(choice.Role), contents, finishReason);
            if (choice.Logprobs is { } logprobs)
            {
                (update.AdditionalProperties ??= [])[FlockPropertyNames.Logprobs] = logprobs;
            }

            updates.Add(update);
        }
    }

    /// <summary>
    /// After <c>[DONE]</c>: text still held back by a choice that never finished, calls whose choice never finished, then the
    /// usage and the call's <paramref name="cost"/>.
    /// </summary>
    public void Complete(List<ChatResponseUpdate> updates, CallCost cost = default)
    {
        if (_firstSplitter is not null)
        {
            Release(0, _firstSplitter, updates);
        }

        if (_splitters is not null)
        {
            foreach (var (index, splitter) in _splitters.OrderBy(static s => s.Key))
            {
                Release(index, splitter, updates);
            }
        }

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

        var usage = FlockToMeai.ToUsage(_fold.Usage, cost);
        if (usage is not null || _fold.ResponseInfo is not null)
        {
            // The last update: the usage (its cost in the counts), and the proxy's response info again.
            var update = Update(0, ChatRole.Assistant, usage is null ? [] : [new UsageContent(usage)], null);

            // No message id: combined into a response (ToChatResponse), the last update's properties are the response's, as without streaming.
            update.MessageId = null;
            if (_fold.ResponseInfo is { } info)
            {
                (update.AdditionalProperties ??= [])[FlockPropertyNames.ResponseInfo] = info;
            }

            updates.Add(update);
        }
    }

    /// <summary>Passes a choice's text through its splitter; reasoning the server sent in its own field means there is no tag to split.</summary>
    private void Split(int index, bool finished, ref string? reasoning, ref string? text)
    {
        var splitter = index == 0 ? (_firstSplitter ??= new ThinkTagSplitter(thinkTags)) : SplitterOf(index);
        if (reasoning is not null)
        {
            splitter.ServerSentReasoning();
        }

        if (text is not null)
        {
            splitter.Add(text, out var thought, out text);
            if (thought is not null)
            {
                reasoning = reasoning is null ? thought : reasoning + thought;
            }
        }

        if (finished)
        {
            // The choice is over: what was held as a possible tag is released now, in its finishing update.
            splitter.Complete(out var lastThought, out var lastText);
            if (lastThought is not null)
            {
                reasoning = reasoning is null ? lastThought : reasoning + lastThought;
            }

            if (lastText is not null)
            {
                text = text is null ? lastText : text + lastText;
            }
        }
    }

    private ThinkTagSplitter SplitterOf(int index)
    {
        _splitters ??= [];
        if (!_splitters.TryGetValue(index, out var splitter))
        {
            _splitters[index] = splitter = new ThinkTagSplitter(thinkTags);
        }

        return splitter;
    }

    private bool HasSplitter(int index) => index == 0 ? _firstSplitter is not null : _splitters?.ContainsKey(index) is true;

    /// <summary>Text a choice that never finished still holds back, as an update of its own.</summary>
    private void Release(int index, ThinkTagSplitter splitter, List<ChatResponseUpdate> updates)
    {
        splitter.Complete(out var reasoning, out var text);
        if (reasoning is null && text is null)
        {
            return;
        }

        List<AIContent> contents = [];
        if (reasoning is not null)
        {
            contents.Add(new TextReasoningContent(reasoning));
        }

        if (text is not null)
        {
            contents.Add(new TextContent(text));
        }

        updates.Add(Update(index, ChatRole.Assistant, contents, null));
    }

    private static ChatRole ToRole(string? role) => role is null or "assistant" ? ChatRole.Assistant : new ChatRole(role);

    /// <summary>A choice's tool-call fragments, into its accumulator (in a method of its own: a text stream loads none of its types).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void AddFragments(StreamChunk chunk, in ChoiceDelta choice)
    {
        _toolCalls ??= [];
        if (!_toolCalls.TryGetValue(choice.Index, out var accumulator))
        {
            _toolCalls[choice.Index] = accumulator = new ToolCallAccumulator();
        }

        accumulator.Add(chunk.ToolCallsOf(choice));
    }

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
