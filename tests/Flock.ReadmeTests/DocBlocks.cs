using System.Text.RegularExpressions;

namespace Flock.ReadmeTests;

/// <summary>One fenced code block of README.md: the heading it sits under, its info string and its text.</summary>
/// <param name="Heading">The nearest heading above the block, without its #s.</param>
/// <param name="Language">The info string's first word (csharp, bash, xml, …), lower case.</param>
/// <param name="IsFragment">True for <c>```csharp fragment</c>: an excerpt that is parsed but not compiled.</param>
/// <param name="Code">The block's text.</param>
/// <param name="Line">The README line of the block's first code line (1-based).</param>
public sealed record ReadmeBlock(string Heading, string Language, bool IsFragment, string Code, int Line)
{
    /// <summary>The first line of code that is not a using, pragma or blank: what a reader recognises the block by.</summary>
    public string FirstLine => Code.Split('\n')
        .Select(l => l.Trim())
        .FirstOrDefault(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith('#'))
        ?? Code.Split('\n')[0].Trim();

    /// <summary>How a test row names the block: "README.md:line Heading › first line" (the line first, as xUnit shortens long names).</summary>
    public string Name => $"README.md:{Line} {Heading} › {FirstLine}";
}

/// <summary>Reads the fenced code blocks of the repository's README.md.</summary>
public static partial class Readme
{
    [GeneratedRegex(@"^(?<fence>`{3,}|~{3,})\s*(?<info>.*)$")]
    private static partial Regex FenceOpen();

    /// <summary>The README's path, found above the test binaries.</summary>
    public static string Path { get; } = Find();

    /// <summary>Every fenced block, in order.</summary>
    public static IReadOnlyList<ReadmeBlock> Blocks { get; } = Parse(File.ReadAllLines(Path));

    /// <summary>The blocks that are C# (compiled or fragments).</summary>
    public static IEnumerable<ReadmeBlock> CSharp => Blocks.Where(b => b.Language == "csharp");

    /// <summary>Parses fenced blocks (CommonMark's ``` or ~~~ fences) and the ATX heading each one is under.</summary>
    public static IReadOnlyList<ReadmeBlock> Parse(IReadOnlyList<string> lines)
    {
        var blocks = new List<ReadmeBlock>();
        var heading = "(top)";
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var open = FenceOpen().Match(line);
            if (!open.Success)
            {
                if (line.StartsWith('#'))
                {
                    heading = line.TrimStart('#').Trim();
                }

                continue;
            }

            var fence = open.Groups["fence"].Value;
            var info = open.Groups["info"].Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var start = i + 1;
            var end = start;
            while (end < lines.Count && !(lines[end].TrimStart().StartsWith(fence, StringComparison.Ordinal) && lines[end].Trim().Trim(fence[0]).Length == 0))
            {
                end++;
            }

            var language = info.Length > 0 ? info[0].ToLowerInvariant() : "";
            var fragment = info.Skip(1).Any(w => w.Equals("fragment", StringComparison.OrdinalIgnoreCase));
            blocks.Add(new ReadmeBlock(heading, language, fragment, string.Join('\n', lines.Skip(start).Take(end - start)), start + 1));
            i = end;
        }

        return blocks;
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = System.IO.Path.Combine(dir.FullName, "README.md");
            if (File.Exists(candidate) && File.Exists(System.IO.Path.Combine(dir.FullName, "Flock.SemanticKernel.sln")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("README.md (beside Flock.SemanticKernel.sln) was not found above the test binaries.");
    }
}
