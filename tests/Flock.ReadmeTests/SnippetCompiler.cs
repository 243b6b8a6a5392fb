using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Flock.ReadmeTests;

/// <summary>
/// Compiles a documentation block as a program of its own, the way a reader would paste it into a new console project: the
/// SDK's implicit usings, nullable on, top-level statements, and the documentation's one stated preamble line
/// (<see cref="Preamble"/>) unless the block declares <c>key</c> itself. A block of declarations only (a test class, say) is
/// compiled as a class library, without the preamble.
/// </summary>
public static class SnippetCompiler
{
    /// <summary>The line the documentation says every block is given: the API key.</summary>
    public const string Preamble = """string key = Environment.GetEnvironmentVariable("FLOCK_API_KEY")!;""";

    /// <summary>The console SDK's implicit usings (ImplicitUsings=enable).</summary>
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>What the SDK silences in every project (its default NoWarn): assembly version unification notes.</summary>
    private static readonly Dictionary<string, ReportDiagnostic> SdkNoWarn = new()
    {
        ["CS1701"] = ReportDiagnostic.Suppress,
        ["CS1702"] = ReportDiagnostic.Suppress,
    };

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    /// <summary>Compiles <paramref name="code"/> and returns its errors and warnings, with lines counted within the block (1-based).</summary>
    public static IReadOnlyList<string> Compile(string code)
    {
        var program = CSharpSyntaxTree.ParseText(code, ParseOptions).GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var tree = CSharpSyntaxTree.ParseText(program ? WithPreamble(code) : code, ParseOptions, path: "block.cs");
        var compilation = CSharpCompilation.Create(
            "DocBlock",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, ParseOptions, path: "implicit-usings.cs"), tree],
            References.Value,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                .WithSpecificDiagnosticOptions(SdkNoWarn));
        return Describe(compilation.GetDiagnostics());
    }

    /// <summary>Parses <paramref name="code"/> only, as a fragment is checked: its syntax errors.</summary>
    public static IReadOnlyList<string> Parse(string code) =>
        Describe(CSharpSyntaxTree.ParseText(code, ParseOptions, path: "block.cs").GetDiagnostics());

    /// <summary>
    /// Puts the preamble in front of the block's first statement or declaration, on the same line, so the diagnostics'
    /// line numbers stay those of the block.
    /// </summary>
    private static string WithPreamble(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code, ParseOptions).GetCompilationUnitRoot();
        var declaresKey = root.Members.OfType<GlobalStatementSyntax>()
            .SelectMany(s => s.DescendantNodes().OfType<VariableDeclaratorSyntax>())
            .Any(v => v.Identifier.Text == "key");
        if (declaresKey || root.Members.Count == 0)
        {
            return code;
        }

        var at = root.Members[0].SpanStart;
        return code[..at] + Preamble + " " + code[at..];
    }

    private static IReadOnlyList<string> Describe(IEnumerable<Diagnostic> diagnostics) => diagnostics
        .Where(d => d.Severity == DiagnosticSeverity.Error || (d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed))
        .Where(d => d.Location.SourceTree?.FilePath != "implicit-usings.cs" || d.Severity == DiagnosticSeverity.Error)
        .Select(d => $"line {d.Location.GetLineSpan().StartLinePosition.Line + 1}: {d.Severity.ToString().ToLowerInvariant()} {d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")
        .ToList();

    /// <summary>
    /// The assemblies this test runs with (the framework, ASP.NET Core, the libraries and the packages the project
    /// references): the same set a reader's project referencing those packages compiles against.
    /// </summary>
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string?)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return [.. paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }
}
