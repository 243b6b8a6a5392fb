using System.Text;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Meai = Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Mapping;

/// <summary>
/// Turns one call's <see cref="Meai.ChatResponseUpdate"/>s into SK's <see cref="StreamingChatMessageContent"/>s: text as the
/// content, reasoning as <see cref="StreamingReasoningContent"/> beside it, each call as one complete
/// <see cref="StreamingFunctionCallUpdateContent"/>, the choice index, and metadata shared by the updates of one response.
/// Usage is held back and reported once, on a final update of its own, summed over every model call of the loop when
/// functions were invoked (MEAI's function invocation sums usage only without streaming).
/// </summary>
internal sealed class StreamingResults(string? modelId, Kernel? kernel)
{
    private Meai.UsageDetails? _usage;
    private string? _lastId;
    private FlockMetadata? _shared;
    private DateTimeOffset? _sharedCreated;
    private int _requestIndex;

    /// <summary>The update as SK content, or null when it carries nothing for SK (the usage, held for <see cref="Complete"/>).</summary>
    public StreamingChatMessageContent? ToContent(Meai.ChatResponseUpdate update)
    {
        // First the text and usage, then (rarely) reasoning and calls as items: no list for a plain text update.
        string? text = null;
        var contents = update.Contents;
        var usages = 0;
        var others = false;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case Meai.TextReasoningContent:
                case Meai.FunctionCallContent:
                    others = true;
                    break;
                case Meai.TextContent t:
                    text = text is null ? t.Text : string.Concat(text, t.Text);
                    break;
                case Meai.UsageContent usage:
                    (_usage ??= new()).Add(usage.Details);
                    usages++;
                    break;
            }
        }

        _lastId = update.ResponseId ?? _lastId;
        if (usages > 0 && usages == contents.Count && update.FinishReason is null)
        {
            return null;
        }

        var content = new StreamingChatMessageContent(
            update.Role is { } role ? MeaiToSk.ToRole(role) : AuthorRole.Assistant,
            text,
            null,
            MeaiToSk.ChoiceIndex(update.AdditionalProperties),
            update.ModelId ?? modelId,
            Encoding.UTF8,
            Metadata(update));

        if (others)
        {
            var calls = 0;
            for (var i = 0; i < contents.Count; i++)
            {
                switch (contents[i])
                {
                    case Meai.TextReasoningContent reasoning:
                        content.Items.Add(new StreamingReasoningContent(reasoning.Text));
                        break;
                    case Meai.FunctionCallContent call:
                        content.Items.Add(MeaiToSk.ToStreamingFunctionCall(call, calls++, _requestIndex, kernel));
                        break;
                }
            }
        }

        return content;
    }

    /// <summary>A model call of the function-invocation loop ended; the next one's calls get a new request index.</summary>
    public void NextRequest() => _requestIndex++;

    /// <summary>After the last update: the usage, on a final update of its own.</summary>
    public StreamingChatMessageContent? Complete() =>
        MeaiToSk.ToUsage(_usage) is { } usage
            ? new StreamingChatMessageContent(AuthorRole.Assistant, null, null, 0, modelId, Encoding.UTF8,
                new FlockMetadata(FlockMetadata.Entries.Id | FlockMetadata.Entries.Usage, _lastId, null, null, usage, null, null))
            : null;

    private FlockMetadata Metadata(Meai.ChatResponseUpdate update)
    {
        var fingerprint = update.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.SystemFingerprint) as string;
        if (update.FinishReason is { } finishReason)
        {
            return new FlockMetadata(
                FlockMetadata.Entries.Id | FlockMetadata.Entries.Created | FlockMetadata.Entries.FinishReason
                    | (fingerprint is null ? FlockMetadata.Entries.None : FlockMetadata.Entries.SystemFingerprint),
                update.ResponseId, update.CreatedAt, finishReason.Value, null, fingerprint, null);
        }

        // The same for every update of a response: one object, shared.
        if (_shared is null || !ReferenceEquals(_shared.Id, update.ResponseId) || _sharedCreated != update.CreatedAt)
        {
            _sharedCreated = update.CreatedAt;
            _shared = new FlockMetadata(FlockMetadata.Entries.Id | FlockMetadata.Entries.Created, update.ResponseId, update.CreatedAt, null, null, null, null);
        }

        return _shared;
    }
}
