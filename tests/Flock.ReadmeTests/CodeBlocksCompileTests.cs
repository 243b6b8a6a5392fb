namespace Flock.ReadmeTests;

/// <summary>
/// Every ```csharp block in README.md, CONTRIBUTING.md, docs/*.md and src/*/README.md compiles as a program of its own (see
/// <see cref="SnippetCompiler"/>); a ```csharp fragment block is an excerpt and only has to parse. A failure names the
/// block by file, line, heading and first line.
/// </summary>
public sealed class CodeBlocksCompileTests
{
    /// <summary>One row per C# block, named by file, line, heading and first line.</summary>
    public static TheoryData<string> CSharpBlocks => new(Docs.CSharp.Select(b => b.Name));

    [Theory]
    [MemberData(nameof(CSharpBlocks))]
    public void Csharp_block_compiles(string block)
    {
        var found = Docs.CSharp.Where(b => b.Name == block).ToList();
        Assert.True(found.Count == 1, $"The documentation no longer has exactly one block named \"{block}\" (found {found.Count}); rerun the tests.");
        var snippet = found[0];

        var problems = snippet.IsFragment ? SnippetCompiler.Parse(snippet.Code) : SnippetCompiler.Compile(snippet.Code);

        Assert.True(
            problems.Count == 0,
            $"The block of {snippet.File} under \"{snippet.Heading}\" starting \"{snippet.FirstLine}\" (line {snippet.Line}) " +
            $"does not {(snippet.IsFragment ? "parse" : "compile")}; lines are counted within the block:\n  " + string.Join("\n  ", problems));
    }

    [Fact]
    public void The_documentation_is_found_and_the_readme_has_compiled_csharp_blocks()
    {
        Assert.Contains("README.md", Docs.Files);
        Assert.Contains(Docs.Files, f => f.StartsWith("docs/", StringComparison.Ordinal));
        Assert.Contains(Docs.Files, f => f.StartsWith("src/", StringComparison.Ordinal));
        Assert.Contains(Docs.CSharp, b => b.File == "README.md" && !b.IsFragment);
    }

    [Fact]
    public void No_csharp_block_hides_under_another_name()
    {
        // A block fenced as cs, c#, C# or C-sharp would escape the test: C# goes in ```csharp (or ```csharp fragment).
        var misnamed = Docs.Blocks.Where(b => b.Language is "cs" or "c#" or "c-sharp" or "dotnet").Select(b => b.Name).ToList();
        Assert.True(misnamed.Count == 0, "C# blocks must be fenced as ```csharp: " + string.Join("; ", misnamed));
    }

    [Fact]
    public void Block_names_are_unique_so_a_failure_points_at_one_block()
    {
        var duplicates = Docs.CSharp.GroupBy(b => b.Name).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.Empty(duplicates);
    }

    [Fact]
    public void The_compiler_reports_what_a_reader_would_hit()
    {
        // Guards the harness itself: an ambiguous name, a missing using and an experimental API must each fail.
        Assert.Contains(SnippetCompiler.Compile("using Microsoft.SemanticKernel;\nusing Microsoft.Extensions.AI;\nvar t = new TextContent(\"x\");"), p => p.Contains("CS0104", StringComparison.Ordinal));
        Assert.Contains(SnippetCompiler.Compile("var client = new FlockClient(key);"), p => p.Contains("CS0246", StringComparison.Ordinal));
        Assert.Contains(SnippetCompiler.Compile("using Microsoft.Extensions.AI;\nIImageGenerator? g = null;"), p => p.Contains("MEAI001", StringComparison.Ordinal));
        Assert.Empty(SnippetCompiler.Compile("using Flock.Extensions.AI;\nvar client = new FlockClient(key);\nawait client.ListModelsAsync();"));
        Assert.Contains(SnippetCompiler.Parse("var x = ;"), p => p.Contains("error", StringComparison.Ordinal));

        // A block of declarations only (a test class) compiles as a library, without the key line; a missing using still fails.
        Assert.Empty(SnippetCompiler.Compile("using Xunit;\npublic sealed class T { [Fact] public void F() => Assert.True(true); }"));
        Assert.Contains(SnippetCompiler.Compile("public sealed class T { [Fact] public void F() { } }"), p => p.Contains("CS0246", StringComparison.Ordinal));
    }

    [Fact]
    public void Fences_and_headings_are_read_as_commonmark_writes_them()
    {
        var blocks = Markdown.ParseBlocks("docs/x.md", [
            "# Title", "## Part one", "```csharp", "using A;", "", "var x = 1;", "```", "text", "### Part two",
            "```csharp fragment", "x++;", "```", "````bash", "echo ```", "````"]);

        Assert.Collection(
            blocks,
            b => Assert.Equal(("Part one", "csharp", false, "using A;\n\nvar x = 1;", 4, "var x = 1;"), (b.Heading, b.Language, b.IsFragment, b.Code, b.Line, b.FirstLine)),
            b => Assert.Equal(("Part two", "csharp", true, "x++;", 11), (b.Heading, b.Language, b.IsFragment, b.Code, b.Line)),
            b => Assert.Equal(("bash", "echo ```"), (b.Language, b.Code)));
        Assert.Equal("docs/x.md:4 Part one › var x = 1;", blocks[0].Name);
    }
}
