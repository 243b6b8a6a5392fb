using System.Text;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Services;

/// <summary>
/// Turns the chunks of one stream into <see cref="StreamingChatMessageContent"/>s: one per chunk and choice that carries
/// something, reasoning as <see cref="StreamingReasoningContent"/> beside (never inside) the text, and usage once at the
/// end. Metadata that is the same for every chunk (id, created, fingerprint) is one dictionary shared by the stream's updates.
/// </summary>
internal sealed class StreamingContents(string? modelId)
{
    private Usage? _usage;
    private string? _id;
    private string? _model = modelId;
    private IReadOnlyDictionary<string, object?>? _shared;

    public void Add(StreamChunk chunk, List<StreamingChatMessageContent> results)
    {
        _model = chunk.Model ?? _model;
        _usage = chunk.Usage ?? _usage;
        if (_shared is null || !ReferenceEquals(_id, chunk.Id))
        {
            _id = chunk.Id;
            _shared = Metadata(chunk, null);
        }

        foreach (ref readonly var choice in chunk.Choices)
        {
            if (choice.IsEmpty)
            {
                // e.g. the proxy's usage chunk, whose "choices":[{"index":0,"delta":{}}] is no choice at all.
                continue;
            }

            var role = choice.Role is null or "assistant" ? AuthorRole.Assistant : new AuthorRole(choice.Role);
            var metadata = choice.FinishReason is null ? _shared : Metadata(chunk, choice.FinishReason);
            var content = new StreamingChatMessageContent(role, choice.Content, null, choice.Index, _model, Encoding.UTF8, metadata);
            if (choice.Reasoning is { } reasoning)
            {
                content.Items.Add(new StreamingReasoningContent(reasoning));
            }

            if (choice.ToolCallCount > 0)
            {
                foreach (var fragment in chunk.ToolCallsOf(choice))
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
            var metadata = new FlockMetadata(FlockMetadata.Entries.Id | FlockMetadata.Entries.Usage, _id, null, null, usage, null, null);
            results.Add(new StreamingChatMessageContent(AuthorRole.Assistant, null, null, 0, _model, Encoding.UTF8, metadata));
        }
    }

    private static FlockMetadata Metadata(StreamChunk chunk, string? finishReason) => new(
        FlockMetadata.Entries.Id | FlockMetadata.Entries.Created
            | (finishReason is null ? FlockMetadata.Entries.None : FlockMetadata.Entries.FinishReason)
            | (chunk.SystemFingerprint is null ? FlockMetadata.Entries.None : FlockMetadata.Entries.SystemFingerprint),
        chunk.Id, FlockToMeai.ToDate(chunk.Created), finishReason, null, chunk.SystemFingerprint, null);
}
