using System.Text;
using Flock.SemanticKernel.Wire;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Services;

/// <summary>
/// Turns the chunks of one stream into <see cref="StreamingChatMessageContent"/>s: one per chunk and choice that carries
/// something, reasoning as <see cref="StreamingReasoningContent"/> beside (never inside) the text, and usage once at the end.
/// </summary>
internal sealed class StreamingContents(string? modelId)
{
    private Usage? _usage;
    private string? _id;
    private string? _model = modelId;

    public void Add(ChatCompletionChunk chunk, List<StreamingChatMessageContent> results)
    {
        _id ??= chunk.Id;
        _model = chunk.Model ?? _model;
        _usage = chunk.Usage ?? _usage;
        if (chunk.Choices is not { Count: > 0 } choices)
        {
            return;
        }

        foreach (var choice in choices)
        {
            var delta = choice.Delta;
            var text = delta?.Content is { Length: > 0 } t ? t : null;
            var reasoning = delta?.ReasoningText is { Length: > 0 } r ? r : null;
            var fragments = delta?.ToolCalls is { Count: > 0 } f ? f : null;
            var finishReason = choice.FinishReason is { Length: > 0 } fr ? fr : null;
            var role = delta?.Role is { Length: > 0 } roleName ? new AuthorRole(roleName) : (AuthorRole?)null;
            if (text is null && reasoning is null && fragments is null && finishReason is null && role is null)
            {
                // e.g. the proxy's usage chunk, whose "choices":[{"index":0,"delta":{}}] is no choice at all.
                continue;
            }

            var content = new StreamingChatMessageContent(role ?? AuthorRole.Assistant, text, chunk, choice.Index, _model, Encoding.UTF8, Metadata(chunk, finishReason));
            if (reasoning is not null)
            {
                content.Items.Add(new StreamingReasoningContent(reasoning));
            }

            if (fragments is not null)
            {
                foreach (var fragment in fragments)
                {
                    content.Items.Add(new StreamingFunctionCallUpdateContent(fragment.Id, fragment.Function?.Name, fragment.Function?.Arguments, fragment.Index ?? 0));
                }
            }

            results.Add(content);
        }
    }

    /// <summary>After <c>[DONE]</c>: the usage, on a final update of its own.</summary>
    public void Complete(List<StreamingChatMessageContent> results)
    {
        if (FlockToSk.ToUsage(_usage) is { } usage)
        {
            var metadata = new Dictionary<string, object?> { [FlockMetadataKeys.Id] = _id, [FlockMetadataKeys.Usage] = usage };
            results.Add(new StreamingChatMessageContent(AuthorRole.Assistant, null, null, 0, _model, Encoding.UTF8, metadata));
        }
    }

    private static Dictionary<string, object?> Metadata(ChatCompletionChunk chunk, string? finishReason)
    {
        var metadata = new Dictionary<string, object?>(4)
        {
            [FlockMetadataKeys.Id] = chunk.Id,
            [FlockMetadataKeys.Created] = ChatClient.FlockToMeai.ToDate(chunk.Created),
        };

        if (finishReason is not null)
        {
            metadata[FlockMetadataKeys.FinishReason] = finishReason;
        }

        if (chunk.SystemFingerprint is not null)
        {
            metadata[FlockMetadataKeys.SystemFingerprint] = chunk.SystemFingerprint;
        }

        return metadata;
    }
}
