using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Mapping;

/// <summary>
/// One wire name per kernel function, whatever the <see cref="FunctionChoiceBehavior"/>: <c>Plugin_function</c>, the name
/// SK gives a kernel function as an MEAI <c>AIFunction</c> (so SK's function invocation finds it). Calls coming back are
/// split into plugin and function wherever the kernel has that function, under either separator: <c>_</c>, or the
/// <c>-</c> SK's OpenAI connector uses, which a model that saw that name before may still send.
/// </summary>
internal static class KernelFunctionNames
{
    /// <summary>Between plugin and function on the wire.</summary>
    public const char Separator = '_';

    /// <summary>Between plugin and function in SK's streamed call updates, which SK's <c>FunctionCallContentBuilder</c> splits.</summary>
    public const char StreamingSeparator = '-';

    private static readonly char[] Separators = ['_', '-'];

    /// <summary><c>plugin{separator}function</c>, or the function alone when it has no plugin.</summary>
    public static string Qualify(string? plugin, string function, char separator = Separator) =>
        plugin is { Length: > 0 } ? string.Concat(plugin, new ReadOnlySpan<char>(in separator), function) : function;

    /// <summary>Splits a name the kernel confirms (either separator may also occur inside a name, so only such a split is taken).</summary>
    public static bool TrySplit(string name, Kernel? kernel, out string plugin, out string function)
    {
        if (kernel is not null)
        {
            for (var at = name.IndexOfAny(Separators); at > 0 && at < name.Length - 1; at = name.IndexOfAny(Separators, at + 1))
            {
                if (kernel.Plugins.TryGetFunction(name[..at], name[(at + 1)..], out _))
                {
                    plugin = name[..at];
                    function = name[(at + 1)..];
                    return true;
                }
            }
        }

        plugin = function = "";
        return false;
    }

    /// <summary>
    /// The offered tool a call's name means, when it is not the offered name itself but that name under the other separator;
    /// otherwise null.
    /// </summary>
    public static string? OfferedName(string name, IList<Microsoft.Extensions.AI.AITool>? tools)
    {
        if (tools is null || name.IndexOf(StreamingSeparator) < 0)
        {
            return null;
        }

        string? match = null;
        foreach (var tool in tools)
        {
            if (tool.Name == name)
            {
                return null;
            }

            if (match is null && tool.Name.Length == name.Length && SameUpToSeparator(tool.Name, name))
            {
                match = tool.Name;
            }
        }

        return match;
    }

    /// <summary>Equal except that, at exactly one position, <paramref name="offered"/> has <c>_</c> where <paramref name="sent"/> has <c>-</c>.</summary>
    private static bool SameUpToSeparator(string offered, string sent)
    {
        var swapped = false;
        for (var i = 0; i < offered.Length; i++)
        {
            if (offered[i] == sent[i])
            {
                continue;
            }

            if (swapped || offered[i] != Separator || sent[i] != StreamingSeparator)
            {
                return false;
            }

            swapped = true;
        }

        return swapped;
    }
}
