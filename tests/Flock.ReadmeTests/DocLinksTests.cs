namespace Flock.ReadmeTests;

/// <summary>
/// The documentation's links lead somewhere: every relative link in README.md, CONTRIBUTING.md and docs/*.md names a file
/// or folder of the repository (and, for a Markdown file, a heading's anchor when it gives one), and the package READMEs
/// (src/*/README.md), which ship on package pages where no repository path resolves, link only to absolute addresses.
/// </summary>
public sealed class DocLinksTests
{
    /// <summary>One row per file whose relative links must resolve.</summary>
    public static TheoryData<string> LinkedFiles => new(Docs.LinkedFiles);

    /// <summary>One row per package README.</summary>
    public static TheoryData<string> PackageReadmes => new(Docs.PackageReadmes);

    [Theory]
    [MemberData(nameof(LinkedFiles))]
    public void Every_relative_link_resolves_to_a_file_and_heading(string file)
    {
        var broken = Markdown.ParseLinks(file, Docs.Lines(file))
            .Where(l => !l.IsAbsolute)
            .Select(l => (Link: l, Problem: Resolve(l)))
            .Where(r => r.Problem is not null)
            .Select(r => $"{r.Link}: {r.Problem}")
            .ToList();

        Assert.True(broken.Count == 0, $"{file} has links that lead nowhere:\n  " + string.Join("\n  ", broken));
    }

    [Theory]
    [MemberData(nameof(PackageReadmes))]
    public void A_package_readme_has_no_relative_link(string file)
    {
        // A package page shows the README alone: a path (or a heading anchor, which package pages need not generate)
        // resolves to nothing there. Name the other package, or link to an absolute address.
        var relative = Markdown.ParseLinks(file, Docs.Lines(file)).Where(l => !l.IsAbsolute).Select(l => l.ToString()).ToList();

        Assert.True(relative.Count == 0, $"{file} ships on a package page, where relative links do not resolve:\n  " + string.Join("\n  ", relative));
    }

    [Fact]
    public void The_docs_index_links_to_every_page()
    {
        var index = Markdown.ParseLinks("docs/README.md", Docs.Lines("docs/README.md")).Select(l => l.Target.Split('#')[0]).ToHashSet(StringComparer.Ordinal);

        var unlisted = Docs.LinkedFiles.Where(f => f.StartsWith("docs/", StringComparison.Ordinal) && f != "docs/README.md")
            .Select(f => f["docs/".Length..])
            .Where(page => !index.Contains(page))
            .ToList();

        Assert.True(unlisted.Count == 0, "docs/README.md does not link to: " + string.Join(", ", unlisted));
    }

    [Fact]
    public void Links_are_read_outside_code_and_anchors_as_github_makes_them()
    {
        // Guards the harness: links in code spans and fences are not links; titles, <…> targets and references are.
        var links = Markdown.ParseLinks("docs/x.md", [
            "See [a](a.md) and `[b](b.md)` and ![c](img/c.png \"title\").",
            "```md", "[d](d.md)", "```",
            "[e](<e f.md#g>) [h][ref] [i](https://example.org/i)",
            "[ref]: ref.md#top"]);
        Assert.Equal(["a.md", "img/c.png", "e f.md#g", "https://example.org/i", "ref.md#top"], links.Select(l => l.Target));
        Assert.Equal([1, 1, 5, 5, 6], links.Select(l => l.Line));
        Assert.Equal([false, false, false, true, false], links.Select(l => l.IsAbsolute));

        Assert.Equal("microsoftextensionsai-chatoptions", Markdown.Slug("Microsoft.Extensions.AI `ChatOptions`"));
        Assert.Equal("record-once-replay-offline", Markdown.Slug("Record once, replay offline"));
        Assert.Equal("sk--meai", Markdown.Slug("SK ⇄ MEAI"));
        Assert.Equal("see-the-page", Markdown.Slug("See [the page](page.md)"));
        var anchors = Markdown.Anchors(["# A", "```", "# not a heading", "```", "## B", "#hashtag", "### A"]);
        Assert.True(anchors.SetEquals(["a", "b", "a-1"]), string.Join(", ", anchors));
    }

    /// <summary>Null when the link resolves; otherwise what is wrong with it.</summary>
    private static string? Resolve(DocLink link)
    {
        var hash = link.Target.IndexOf('#', StringComparison.Ordinal);
        var path = Uri.UnescapeDataString(hash < 0 ? link.Target : link.Target[..hash]);
        var anchor = hash < 0 ? null : link.Target[(hash + 1)..];

        var from = Path.GetDirectoryName(Docs.Full(link.File))!;
        var target = path.Length == 0 ? Docs.Full(link.File) : Path.GetFullPath(Path.Combine(from, path));
        if (!target.StartsWith(Docs.Root, StringComparison.Ordinal))
        {
            return "it leaves the repository";
        }

        if (!File.Exists(target) && !Directory.Exists(target))
        {
            return $"no file or folder {Path.GetRelativePath(Docs.Root, target).Replace('\\', '/')}";
        }

        if (anchor is null)
        {
            return null;
        }

        if (!target.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || !File.Exists(target))
        {
            return "an anchor into something that is not a Markdown file";
        }

        return Markdown.Anchors(File.ReadAllLines(target)).Contains(anchor) ? null : $"no heading with the anchor #{anchor}";
    }
}
