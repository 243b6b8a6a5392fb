using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI;

/// <summary>Raw prompts: <c>messages</c> as a string, strings, token ids or token-id arrays, as the API document allows.</summary>
public sealed partial class FlockClient
{
    /// <summary>Sends a raw prompt (non-streaming) and returns the text of each choice, finish reasons, usage and cost.</summary>
    /// <param name="prompt">The prompt, e.g. <c>FlockPrompt.FromText("Once upon a time")</c>.</param>
    /// <param name="options">Sampling options (as for <see cref="FlockChatClient"/>); tools and instructions do not apply to raw prompts.</param>
    /// <param name="modelId">The model; default the options' <see cref="ChatOptions.ModelId"/>, then <see cref="DefaultModelId"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">A setting is out of its documented range, or no model is known.</exception>
    /// <exception cref="FlockException">Flock answered with an error.</exception>
    public async Task<FlockCompletion> CompletePromptAsync(
        FlockPrompt prompt, ChatOptions? options = null, string? modelId = null, CancellationToken cancellationToken = default)
    {
        var request = PromptRequest(prompt, options, modelId, streaming: false);
        var completion = await CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        var choices = new List<FlockCompletionChoice>(completion.Choices?.Count ?? 0);
        foreach (var choice in completion.Choices ?? [])
        {
            choices.Add(new FlockCompletionChoice(choice.Index, choice.Message?.Content ?? "", choice.FinishReason is { Length: > 0 } r ? r : null));
        }

        var cost = CostOf(request.Model, completion.Model, completion.Usage, completion.ResponseCost);
        CostTelemetry.Record(cost, request.Model, completion.Model);
        return new FlockCompletion(completion.Id, completion.Model ?? request.Model, choices, FlockUsage.FromWire(completion.Usage, cost));
    }

    /// <summary>Streams the answer to a raw prompt: text pieces per choice, then usage on a final update.</summary>
    /// <param name="prompt">The prompt, e.g. <c>FlockPrompt.FromTokens(…)</c>.</param>
    /// <param name="options">Sampling options; usage is requested unless <c>stream_options</c> says otherwise.</param>
    /// <param name="modelId">The model; default the options' <see cref="ChatOptions.ModelId"/>, then <see cref="DefaultModelId"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">A setting is out of its documented range, or no model is known.</exception>
    /// <exception cref="FlockException">Flock answered with an error, or the stream failed (<see cref="FlockException.DuringStream"/>).</exception>
    public async IAsyncEnumerable<FlockCompletionUpdate> StreamPromptAsync(
        FlockPrompt prompt, ChatOptions? options = null, string? modelId = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = PromptRequest(prompt, options, modelId, streaming: true);
        var fold = new StreamFold();
        var pending = new List<FlockCompletionUpdate>(1);
        await foreach (var chunk in StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            fold.Add(chunk);
            AddUpdates(chunk, fold.Id, fold.Model ?? request.Model, pending);
            foreach (var update in pending)
            {
                yield return update;
            }

            pending.Clear();
        }

        var cost = CostOf(request.Model, fold.Model, fold.Usage, fold.ResponseCost);
        CostTelemetry.Record(cost, request.Model, fold.Model);
        if (FlockUsage.FromWire(fold.Usage, cost) is { } total)
        {
            yield return new FlockCompletionUpdate(0, "", null, total, fold.Id, fold.Model ?? request.Model);
        }
    }

    /// <summary>One update per choice that brought text or its finish reason (the chunk is reused, so read it now).</summary>
    private static void AddUpdates(StreamChunk chunk, string? id, string model, List<FlockCompletionUpdate> updates)
    {
        foreach (ref readonly var choice in chunk.Choices)
        {
            var text = choice.Content ?? "";
            var finishReason = choice.FinishReason is { Length: > 0 } r ? r : null;
            if (text.Length > 0 || finishReason is not null)
            {
                updates.Add(new FlockCompletionUpdate(choice.Index, text, finishReason, null, chunk.Id ?? id, chunk.Model ?? model));
            }
        }
    }

    private static ChatRequest PromptRequest(FlockPrompt prompt, ChatOptions? options, string? modelId, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (options is { Tools.Count: > 0 } or { Instructions: not null })
        {
            throw new ArgumentException("A raw prompt is not a conversation: ChatOptions.Tools and Instructions cannot be sent with it.", nameof(options));
        }

        var request = new ChatRequest { Model = modelId ?? options?.ModelId ?? "" };
        MeaiToFlock.ToParameters(options).WriteTo(request, streaming);

        // The raw forms are not chat messages: they travel as they are under "messages", which the wire record leaves null.
        request.Messages = null;
        request.Extra ??= [];
        request.Extra["messages"] = prompt.Json;
        return request;
    }
}
