using System.Text;
using System.Text.RegularExpressions;

namespace Flock.ReadmeTests;

/// <summary>One fenced code block of a Markdown file: the file, the heading it sits under, its info string and its text.</summary>
/// <param name="File">The file's path from the repository root, with forward slashes (README.md, docs/aot.md, …).</param>
/// <param name="Heading">The nearest heading above the block, without its #s.</param>
/// <param name="Language">The info string's first word (csharp, bash, xml, …), lower case.</param>
/// <param name="IsFragment">True for <c>```csharp fragment</c>: an excerpt that is parsed but not compiled.</param>
/// <param name="Code">The block's text.</param>
/// <param name="Line">The file's line of the block's first code line (1-based).</param>
public sealed record DocBlock(string File, string Heading, string Language, bool IsFragment, string Code, int Line)
{
    /// <summary>The first line of code that is not a using, pragma or blank: what a reader recognises the block by.</summary>
    public string FirstLine => Code.Split('\n')
        .Select(l => l.Trim())
        .FirstOrDefault(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith('#'))
        ?? Code.Split('\n')[0].Trim();

    /// <summary>How a test row names the block: "file:line Heading › first line" (the place first, as xUnit shortens long names).</summary>
    public string Name => $"{File}:{Line} {Heading} › {FirstLine}";
}

/// <summary>A link written in a Markdown file (outside code), with the line it is on.</summary>
/// <param name="File">The file's path from the repository root.</param>
/// <param name="Target">The link's destination as written (a path, a path with #anchor, #anchor, or a URL).</param>
/// <param name="Line">The line it is on (1-based).</param>
public sealed record DocLink(string File, string Target, int Line)
{
    /// <summary>True for a destination with a scheme (https:, mailto:): it is not resolved against the repository.</summary>
    public bool IsAbsolute => Regex.IsMatch(Target, "^[A-Za-z][A-Za-z0-9+.-]*:");

    /// <inheritdoc/>
    public override string ToString() => $"{File}:{Line} ({Target})";
}

/// <summary>
/// The repository's documentation: README.md, CONTRIBUTING.md, every page in docs/ and every package README
/// (src/*/README.md). Their C# blocks compile; the links of the first three kinds resolve; package READMEs link nowhere
/// relative, because a package page has no repository to resolve a path against.
/// </summary>
public static class Docs
{
    /// <summary>The repository root, found above the test binaries (the folder holding Flock.SemanticKernel.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The files whose relative links must resolve: the README, CONTRIBUTING.md and docs/*.md.</summary>
    public static IReadOnlyList<string> LinkedFiles { get; } =
        [.. new[] { "README.md", "CONTRIBUTING.md" }.Where(f => File.Exists(Full(f))), .. Under("docs", "*.md")];

    /// <summary>The package READMEs (src/*/README.md), which ship on package pages.</summary>
    public static IReadOnlyList<string> PackageReadmes { get; } =
        [.. Directory.GetDirectories(Full("src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists).Select(Relative).Order(StringComparer.Ordinal)];

    /// <summary>Every documentation file whose C# blocks compile.</summary>
    public static IReadOnlyList<string> Files { get; } = [.. LinkedFiles, .. PackageReadmes];

    /// <summary>Every fenced block of every file, in order.</summary>
    public static IReadOnlyList<DocBlock> Blocks { get; } = [.. Files.SelectMany(f => Markdown.ParseBlocks(f, Lines(f)))];

    /// <summary>The blocks that are C# (compiled or fragments).</summary>
    public static IEnumerable<DocBlock> CSharp => Blocks.Where(b => b.Language == "csharp");

    /// <summary>A file's lines, by its path from the root.</summary>
    public static string[] Lines(string file) => File.ReadAllLines(Full(file));

    /// <summary>A path from the root made absolute.</summary>
    public static string Full(string file) => Path.GetFullPath(Path.Combine(Root, file));

    private static IEnumerable<string> Under(string folder, string pattern) =>
        Directory.Exists(Full(folder))
            ? Directory.GetFiles(Full(folder), pattern).Select(Relative).Order(StringComparer.Ordinal)
            : [];

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "Flock.SemanticKernel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("README.md (beside Flock.SemanticKernel.sln) was not found above the test binaries.");
    }
}

/// <summary>The little of CommonMark the documentation tests need: fenced blocks, ATX headings, links and GitHub's heading anchors.</summary>
public static partial class Markdown
{
    [GeneratedRegex(@"^(?<fence>`{3,}|~{3,})\s*(?<info>.*)$")]
    private static partial Regex FenceOpen();

    // [text](target) and ![alt](target), the target optionally in <…> and followed by a "title"; text may hold one level of [].
    [GeneratedRegex(@"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(?:<(?<target>[^>]*)>|(?<target>[^)\s]*))(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex InlineLink();

    // A link reference definition: [label]: target
    [GeneratedRegex(@"^ {0,3}\[[^\]]+\]:\s*<?(?<target>[^>\s]+)>?")]
    private static partial Regex ReferenceDefinition();

    // A code span: a run of backticks, then anything, then a run of the same length.
    [GeneratedRegex(@"(?<ticks>`+)[^`].*?(?<!`)\k<ticks>(?!`)")]
    private static partial Regex CodeSpan();

    /// <summary>Parses fenced blocks (CommonMark's ``` or ~~~ fences) and the ATX heading each one is under.</summary>
    public static IReadOnlyList<DocBlock> ParseBlocks(string file, IReadOnlyList<string> lines)
    {
        var blocks = new List<DocBlock>();
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
            var end = FenceEnd(lines, start, fence);
            var language = info.Length > 0 ? info[0].ToLowerInvariant() : "";
            var fragment = info.Skip(1).Any(w => w.Equals("fragment", StringComparison.OrdinalIgnoreCase));
            blocks.Add(new DocBlock(file, heading, language, fragment, string.Join('\n', lines.Skip(start).Take(end - start)), start + 1));
            i = end;
        }

        return blocks;
    }

    /// <summary>The links outside fenced blocks and code spans: inline links, images and reference definitions.</summary>
    public static IReadOnlyList<DocLink> ParseLinks(string file, IReadOnlyList<string> lines)
    {
        var links = new List<DocLink>();
        foreach (var (line, number) in Prose(lines))
        {
            var text = CodeSpan().Replace(line, "");
            links.AddRange(InlineLink().Matches(text).Select(m => new DocLink(file, m.Groups["target"].Value, number)));
            if (ReferenceDefinition().Match(text) is { Success: true } definition)
            {
                links.Add(new DocLink(file, definition.Groups["target"].Value, number));
            }
        }

        return links;
    }

    /// <summary>The anchors GitHub gives the file's ATX headings, in order (a repeated one gets -1, -2, …).</summary>
    public static IReadOnlySet<string> Anchors(IReadOnlyList<string> lines)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var (line, _) in Prose(lines))
        {
            if (!Regex.IsMatch(line, "^ {0,3}#{1,6}( |$)"))
            {
                continue;
            }

            var slug = Slug(Regex.Replace(line.Trim().TrimStart('#'), " #+ *$", ""));
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : $"{slug}-{count}");
        }

        return anchors;
    }

    /// <summary>GitHub's heading anchor: the rendered text lower-cased, punctuation dropped, spaces made hyphens.</summary>
    public static string Slug(string heading)
    {
        var text = InlineLink().Replace(heading, m => m.Value[(m.Value.IndexOf('[') + 1)..m.Value.LastIndexOf("](", StringComparison.Ordinal)]).Trim();
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            var category = char.GetUnicodeCategory(c);
            if (char.IsLetterOrDigit(c) || c == '-' || category is System.Globalization.UnicodeCategory.NonSpacingMark
                    or System.Globalization.UnicodeCategory.SpacingCombiningMark or System.Globalization.UnicodeCategory.ConnectorPunctuation)
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    /// <summary>The lines outside fenced blocks, with their 1-based numbers.</summary>
    private static IEnumerable<(string Line, int Number)> Prose(IReadOnlyList<string> lines)
    {
        for (var i = 0; i < lines.Count; i++)
        {
            var open = FenceOpen().Match(lines[i]);
            if (open.Success)
            {
                i = FenceEnd(lines, i + 1, open.Groups["fence"].Value);
                continue;
            }

            yield return (lines[i], i + 1);
        }
    }

    /// <summary>The index of the line closing a fence opened with <paramref name="fence"/> (or the end of the file).</summary>
    private static int FenceEnd(IReadOnlyList<string> lines, int start, string fence)
    {
        var end = start;
        while (end < lines.Count && !(lines[end].TrimStart().StartsWith(fence, StringComparison.Ordinal) && lines[end].Trim().Trim(fence[0]).Length == 0))
        {
            end++;
        }

        return end;
    }
}
