using System.Text;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Meai = Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Mapping;

/// <summary>
/// Turns one call's <see cref="Meai.ChatResponseUpdate"/>s into SK's <see cref="StreamingChatMessageContent"/>s: text as the
/// content, reasoning as <see cref="StreamingReasoningContent"/> beside it, each call as one complete
/// <see cref="StreamingFunctionCallUpdateContent"/>, the choice index, and metadata shared by the updates of one response
/// (a piece's own log probabilities get metadata of their own). Usage and cost are held back and reported once, on a final
/// update of their own, summed over every model call of the loop when functions were invoked (MEAI's function invocation
/// sums usage only without streaming).
/// </summary>
internal sealed class StreamingResults(string? modelId, Kernel? kernel)
{
    private Meai.UsageDetails? _usage;
    private string? _lastId;
    private FlockMetadata? _shared;
    private DateTimeOffset? _sharedCreated;
    private int _requestIndex;

    // What the proxy said of the latest model call: on the first update of each call, and again on the final one.
    private FlockResponseInfo? _info;

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
        var info = update.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.ResponseInfo) as FlockResponseInfo;
        _info = info ?? _info;
        if (usages > 0 && usages == contents.Count && update.FinishReason is null)
        {
            return null;
        }

        // The text item is added here rather than through the constructor's content argument: SK's Content setter builds the
        // same StreamingTextContent but first searches the items twice more (a LINQ OfType each, two allocations a search).
        var content = new StreamingChatMessageContent(
            update.Role is { } role ? MeaiToSk.ToRole(role) : AuthorRole.Assistant,
            null,
            null,
            MeaiToSk.ChoiceIndex(update.AdditionalProperties),
            update.ModelId ?? modelId,
            Encoding.UTF8,
            Metadata(update, info));
        if (text is not null)
        {
            content.Items.Add(new StreamingTextContent(text, content.ChoiceIndex, content.ModelId, null, Encoding.UTF8, content.Metadata));
        }

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

    /// <summary>
    /// After the last update: the usage and cost (summed over the loop's model calls) and the last model call's response info,
    /// on a final update of their own.
    /// </summary>
    public StreamingChatMessageContent? Complete()
    {
        var usage = MeaiToSk.ToUsage(_usage);
        var cost = MeaiToSk.Cost(_usage);
        if (usage is null && cost is null && _info is null)
        {
            return null;
        }

        var entries = new Dictionary<string, object?>(4) { [FlockMetadataKeys.Id] = _lastId };
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.Usage, usage);
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.Cost, cost);
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.ResponseInfo, _info);
        return new StreamingChatMessageContent(AuthorRole.Assistant, null, null, 0, modelId, Encoding.UTF8, new FlockMetadata(entries));
    }

    private FlockMetadata Metadata(Meai.ChatResponseUpdate update, FlockResponseInfo? info)
    {
        var properties = update.AdditionalProperties;
        var logprobs = properties?.GetValueOrDefault(FlockPropertyNames.Logprobs) as FlockLogprobs;
        var finishReason = update.FinishReason?.Value;
        if (finishReason is not null || logprobs is not null || info is not null)
        {
            // A finishing update, a piece with its own tokens, or a model call's first update (what the proxy said of it):
            // metadata of its own. The fingerprint comes with the finish reason.
            var fingerprint = finishReason is null ? null : properties?.GetValueOrDefault(FlockPropertyNames.SystemFingerprint) as string;
            var entries = new Dictionary<string, object?>(6) { [FlockMetadataKeys.Id] = update.ResponseId, [FlockMetadataKeys.Created] = update.CreatedAt };
            FlockMetadata.AddKnown(entries, FlockMetadataKeys.FinishReason, finishReason);
            FlockMetadata.AddKnown(entries, FlockMetadataKeys.SystemFingerprint, fingerprint);
            FlockMetadata.AddKnown(entries, FlockMetadataKeys.Logprobs, logprobs);
            FlockMetadata.AddKnown(entries, FlockMetadataKeys.ResponseInfo, info);
            return new FlockMetadata(entries);
        }

        // The same for every update of a response: one object, shared.
        if (_shared is null || !ReferenceEquals(_shared.Id, update.ResponseId) || _sharedCreated != update.CreatedAt)
        {
            _sharedCreated = update.CreatedAt;
            _shared = new FlockMetadata(new() { [FlockMetadataKeys.Id] = update.ResponseId, [FlockMetadataKeys.Created] = update.CreatedAt });
        }

        return _shared;
    }
}
