using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Services;

/// <summary>
/// Keeps SK's function-call content usable on SK's own MEAI bridge. The bridge offers kernel functions to the model as
/// <c>Plugin_function</c> and hands calls back under that single name, so <c>FunctionCallContent.InvokeAsync(kernel)</c>
/// could not find them; and SK's history conversion drops the plugin name on the way out, so the model would see
/// calls to tools it was never offered. Here calls going out are qualified, and calls coming back are split again.
/// </summary>
internal static class KernelFunctionNames
{
    private const char Separator = '_';

    /// <summary>A copy of <paramref name="history"/> whose function calls and results carry the qualified names.</summary>
    public static ChatHistory Qualified(ChatHistory history)
    {
        var copy = new ChatHistory();
        foreach (var message in history)
        {
            copy.Add(message.Items.Any(static i => i is FunctionCallContent { PluginName.Length: > 0 } or FunctionResultContent { PluginName.Length: > 0 })
                ? QualifiedCopy(message)
                : message);
        }

        return copy;
    }

    /// <summary>Splits qualified names back into plugin and function wherever the kernel has that function; in place.</summary>
    public static ChatMessageContent Split(ChatMessageContent message, Kernel? kernel)
    {
        if (kernel is null)
        {
            return message;
        }

        for (var i = 0; i < message.Items.Count; i++)
        {
            switch (message.Items[i])
            {
                case FunctionCallContent { PluginName: null or "" } call when TrySplit(call.FunctionName, kernel, out var plugin, out var function):
                    message.Items[i] = new FunctionCallContent(function, plugin, call.Id, call.Arguments)
                    {
                        InnerContent = call.InnerContent,
                        Metadata = call.Metadata,
                        Exception = call.Exception,
                    };
                    break;
                case FunctionResultContent { PluginName: null or "", FunctionName: { } name } result when TrySplit(name, kernel, out var plugin, out var function):
                    message.Items[i] = new FunctionResultContent(function, plugin, result.CallId, result.Result)
                    {
                        InnerContent = result.InnerContent,
                        Metadata = result.Metadata,
                    };
                    break;
            }
        }

        return message;
    }

    private static ChatMessageContent QualifiedCopy(ChatMessageContent message)
    {
        var items = new ChatMessageContentItemCollection();
        foreach (var item in message.Items)
        {
            items.Add(item switch
            {
                FunctionCallContent { PluginName.Length: > 0 } call => new FunctionCallContent(Qualify(call.PluginName, call.FunctionName), null, call.Id, call.Arguments)
                {
                    InnerContent = call.InnerContent,
                    Metadata = call.Metadata,
                },
                FunctionResultContent { PluginName.Length: > 0 } result => new FunctionResultContent(Qualify(result.PluginName, result.FunctionName ?? ""), null, result.CallId, result.Result)
                {
                    InnerContent = result.InnerContent,
                    Metadata = result.Metadata,
                },
                _ => item,
            });
        }

        return new ChatMessageContent(message.Role, items, message.ModelId, message.InnerContent, message.Encoding, message.Metadata)
        {
            AuthorName = message.AuthorName,
        };
    }

    /// <summary><c>plugin{separator}function</c>, or the function alone when it has no plugin.</summary>
    public static string Qualify(string? plugin, string function, char separator = Separator) =>
        plugin is { Length: > 0 } ? string.Concat(plugin, new ReadOnlySpan<char>(in separator), function) : function;

    private static bool TrySplit(string name, Kernel kernel, out string plugin, out string function)
    {
        // Names come as Plugin-function (the direct path, like SK's OpenAI connector) or Plugin_function (SK's MEAI bridge).
        // Either character may also occur inside a name, so only a split the kernel confirms is taken.
        for (var at = name.IndexOfAny(['-', '_']); at > 0 && at < name.Length - 1; at = name.IndexOfAny(['-', '_'], at + 1))
        {
            if (kernel.Plugins.TryGetFunction(name[..at], name[(at + 1)..], out _))
            {
                plugin = name[..at];
                function = name[(at + 1)..];
                return true;
            }
        }

        plugin = function = "";
        return false;
    }
}
