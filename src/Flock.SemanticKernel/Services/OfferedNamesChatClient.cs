using System.Runtime.CompilerServices;
using Flock.SemanticKernel.Mapping;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Services;

/// <summary>
/// Below SK's function invocation: a call that comes back as <c>Plugin-function</c> for a tool offered as
/// <c>Plugin_function</c> is renamed to the offered name, so the invoking client finds the function. The kernel functions are
/// offered as <see cref="OfferedTools"/> declarations from here, where they no longer need to be kernel functions.
/// </summary>
internal sealed class OfferedNamesChatClient(IChatClient inner) : DelegatingChatClient(inner)
{
    public override async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var response = await base.GetResponseAsync(messages, OfferedTools.Apply(options), cancellationToken).ConfigureAwait(false);
        foreach (var message in response.Messages)
        {
            Rename(message.Contents, options?.Tools);
        }

        return response;
    }

    public override async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var update in base.GetStreamingResponseAsync(messages, OfferedTools.Apply(options), cancellationToken).ConfigureAwait(false))
        {
            Rename(update.Contents, options?.Tools);
            yield return update;
        }
    }

    private static void Rename(IList<AIContent> contents, IList<AITool>? tools)
    {
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is FunctionCallContent call && KernelFunctionNames.OfferedName(call.Name, tools) is { } offered)
            {
                contents[i] = new FunctionCallContent(call.CallId, offered, call.Arguments)
                {
                    Exception = call.Exception,
                    RawRepresentation = call.RawRepresentation,
                    AdditionalProperties = call.AdditionalProperties,
                };
            }
        }
    }
}
