using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Connectors.OpenAI;
using Meai = Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>
/// Keeps the "What each setting becomes" section of docs/settings-mapping.md and the code in step: every settable member and
/// every content type a caller can use is named in its table, every row names something real, and every key the binding
/// understands is named.
/// </summary>
public sealed partial class SettingsMappingPageTests
{
    private const string Page = "docs/settings-mapping.md";

    private const string Section = "## What each setting becomes";

    /// <summary>The tables, by the start of their heading: the type whose members (or subclasses) they list.</summary>
    public static TheoryData<string> Tables => new(
        "### Microsoft.Extensions.AI `ChatOptions`",
        "### Semantic Kernel `PromptExecutionSettings`",
        "### Another connector's settings: `OpenAIPromptExecutionSettings`",
        "### `FlockPromptExecutionSettings`",
        "### Message content: Microsoft.Extensions.AI",
        "### Message content: Semantic Kernel");

    [Theory]
    [MemberData(nameof(Tables))]
    public void Every_member_or_content_type_is_named_in_its_table(string table)
    {
        var rows = Rows(table);

        var missing = Expected(table).Where(name => !rows.Contains(name)).ToList();

        Assert.True(missing.Count == 0, $"{Page}, {table}: no row for {string.Join(", ", missing)}.");
    }

    [Theory]
    [MemberData(nameof(Tables))]
    public void Every_row_names_a_real_member_or_content_type(string table)
    {
        var expected = Expected(table).ToHashSet(StringComparer.Ordinal);

        var unknown = Rows(table).Where(name => !expected.Contains(name)).ToList();

        Assert.True(unknown.Count == 0, $"{Page}, {table}: rows that name nothing real: {string.Join(", ", unknown)}.");
    }

    [Fact]
    public void Every_key_binding_understands_is_named_in_the_section()
    {
        var section = SectionText();

        var missing = ChatParameters.Names.Where(name => !section.Contains($"`{name}`", StringComparison.Ordinal)).ToList();

        Assert.True(missing.Count == 0, $"{Page}, {Section}: keys not named: {string.Join(", ", missing)}.");
    }

    /// <summary>What a table must name: settable public properties (nested ones as Owner.Member), or content types.</summary>
    private static IEnumerable<string> Expected(string table) => table switch
    {
        _ when table.Contains("`ChatOptions`", StringComparison.Ordinal) =>
            Settable(typeof(Meai.ChatOptions)).Where(p => p.Name != nameof(Meai.ChatOptions.Reasoning)).Select(p => p.Name)
                .Concat(Settable(typeof(Meai.ReasoningOptions)).Select(p => $"{nameof(Meai.ChatOptions.Reasoning)}.{p.Name}")),
        _ when table.Contains("`PromptExecutionSettings`", StringComparison.Ordinal) =>
            Settable(typeof(PromptExecutionSettings)).Select(p => p.Name)
                .Concat(Settable(typeof(FunctionChoiceBehaviorOptions)).Select(p => $"{nameof(FunctionChoiceBehaviorOptions)}.{p.Name}")),
        _ when table.Contains("`OpenAIPromptExecutionSettings`", StringComparison.Ordinal) => Declared(typeof(OpenAIPromptExecutionSettings)),
        _ when table.Contains("`FlockPromptExecutionSettings`", StringComparison.Ordinal) => Declared(typeof(FlockPromptExecutionSettings)),
        _ when table.EndsWith("Microsoft.Extensions.AI", StringComparison.Ordinal) => ContentTypes(typeof(Meai.AIContent)),
        _ => ContentTypes(typeof(KernelContent)),
    };

    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true });

    private static IEnumerable<string> Declared(Type type) => Settable(type).Where(p => p.DeclaringType == type).Select(p => p.Name);

    /// <summary>The concrete public content types of the assembly that defines <paramref name="root"/>, the root included if it is concrete.</summary>
    private static IEnumerable<string> ContentTypes(Type root) =>
        root.Assembly.GetExportedTypes().Where(t => root.IsAssignableFrom(t) && !t.IsAbstract).Select(t => t.Name);

    /// <summary>The first cell of each row of a table (a name in backticks), under its heading and before the next.</summary>
    private static HashSet<string> Rows(string heading)
    {
        var lines = SectionText().Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd().StartsWith(heading, StringComparison.Ordinal));
        Assert.True(start >= 0, $"{Page} has no '{heading}' under '{Section}'.");
        var rows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith('#')))
        {
            if (FirstCell().Match(line) is { Success: true } match)
            {
                rows.Add(match.Groups["name"].Value);
            }
        }

        Assert.NotEmpty(rows);
        return rows;
    }

    private static string SectionText()
    {
        var text = File.ReadAllText(PagePath()).ReplaceLineEndings("\n");
        var start = text.IndexOf(Section + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{Page} has no '{Section}'.");
        var end = text.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        return end < 0 ? text[start..] : text[start..end];
    }

    private static string PagePath()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Flock.SemanticKernel.sln")))
            {
                return Path.Combine(dir.FullName, Page);
            }
        }

        throw new FileNotFoundException($"{Page} not found above the test binaries (no Flock.SemanticKernel.sln).");
    }

    [GeneratedRegex(@"^\|\s*`(?<name>[A-Za-z][A-Za-z0-9_.]*)`\s*\|")]
    private static partial Regex FirstCell();
}
