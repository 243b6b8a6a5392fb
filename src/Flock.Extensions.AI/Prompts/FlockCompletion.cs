namespace Flock.Extensions.AI;

/// <summary>The answer to a raw prompt (<see cref="FlockClient.CompletePromptAsync"/>).</summary>
/// <param name="Id">The completion id.</param>
/// <param name="ModelId">The model that answered.</param>
/// <param name="Choices">One entry per choice (more than one with <c>n</c> &gt; 1).</param>
/// <param name="Usage">Token usage, when the server reports it.</param>
public sealed record FlockCompletion(string? Id, string? ModelId, IReadOnlyList<FlockCompletionChoice> Choices, FlockUsage? Usage)
{
    /// <summary>The first choice's text, or <c>""</c>.</summary>
    public string Text => Choices.Count > 0 ? Choices[0].Text : "";

    /// <summary>The first choice's finish reason (<c>stop</c>, <c>length</c>…).</summary>
    public string? FinishReason => Choices.Count > 0 ? Choices[0].FinishReason : null;
}

/// <summary>One choice of a <see cref="FlockCompletion"/>.</summary>
/// <param name="Index">The choice index.</param>
/// <param name="Text">The generated text.</param>
/// <param name="FinishReason">Why generation stopped (<c>stop</c>, <c>length</c>…).</param>
public sealed record FlockCompletionChoice(int Index, string Text, string? FinishReason);

/// <summary>A piece of a streamed raw-prompt answer (<see cref="FlockClient.StreamPromptAsync"/>).</summary>
/// <param name="ChoiceIndex">The choice the piece belongs to.</param>
/// <param name="Text">The new text, or <c>""</c>.</param>
/// <param name="FinishReason">Set on the choice's last piece.</param>
/// <param name="Usage">Set only on the final update, when the server reports usage.</param>
/// <param name="Id">The completion id.</param>
/// <param name="ModelId">The model that answered.</param>
public sealed record FlockCompletionUpdate(int ChoiceIndex, string Text, string? FinishReason, FlockUsage? Usage, string? Id, string? ModelId);
