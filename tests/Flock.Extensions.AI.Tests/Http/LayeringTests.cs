using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>
/// The transport knows no adapter: no type in the core's <c>Http/</c> folder refers to a Microsoft.Extensions.AI or Semantic
/// Kernel type, however it is spelt (a using, an alias, a full name, <c>var</c>, a lambda's inferred type), which only the
/// compiler's semantic model sees.
/// </summary>
public sealed class LayeringTests
{
    private static readonly string[] AdapterNamespaces = ["Microsoft.Extensions.AI", "Microsoft.SemanticKernel"];

    [Fact]
    public void Nothing_in_Http_refers_to_an_MEAI_or_SK_type()
    {
        var compilation = CoreCompilation();
        var http = compilation.SyntaxTrees.Where(t => t.FilePath.Contains($"{Path.DirectorySeparatorChar}Http{Path.DirectorySeparatorChar}", StringComparison.Ordinal)).ToList();
        Assert.True(http.Count > 10, $"only {http.Count} files found in Http/");

        var found = new List<string>();
        foreach (var tree in http)
        {
            var model = compilation.GetSemanticModel(tree);
            foreach (var node in tree.GetRoot().DescendantNodesAndSelf())
            {
                foreach (var symbol in SymbolsOf(model, node))
                {
                    if (AdapterType(symbol) is { } type)
                    {
                        found.Add($"{Path.GetFileName(tree.FilePath)}:{node.GetLocation().GetLineSpan().StartLinePosition.Line + 1} {type}");
                    }
                }
            }
        }

        Assert.True(found.Count == 0, "Http/ refers to adapter types:\n" + string.Join("\n", found.Distinct()));
    }

    [Fact]
    public void The_check_sees_an_adapter_type_however_it_is_spelt()
    {
        // The same walk over code that reaches MEAI by an alias, a full name and an inferred type finds each.
        var source = """
            using Options = Microsoft.Extensions.AI.ChatOptions;
            static class Probe
            {
                static object A() => new Options();
                static object B() => new global::Microsoft.Extensions.AI.ChatMessage();
                static void C(System.Func<Microsoft.Extensions.AI.ChatRole> f) { var role = f(); }
            }
            """;
        var tree = CSharpSyntaxTree.ParseText(source, path: "Probe.cs");
        var compilation = CSharpCompilation.Create("Probe", [tree], References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var model = compilation.GetSemanticModel(tree);

        var types = tree.GetRoot().DescendantNodesAndSelf().SelectMany(n => SymbolsOf(model, n)).Select(AdapterType).OfType<string>().Distinct().Order().ToList();

        Assert.Equal(["Microsoft.Extensions.AI.ChatMessage", "Microsoft.Extensions.AI.ChatOptions", "Microsoft.Extensions.AI.ChatRole"], types);
    }

    private static IEnumerable<ISymbol> SymbolsOf(SemanticModel model, SyntaxNode node)
    {
        if (model.GetSymbolInfo(node).Symbol is { } symbol)
        {
            yield return symbol;
        }

        if (model.GetTypeInfo(node).Type is { } type)
        {
            yield return type;
        }

        if (model.GetDeclaredSymbol(node) is { } declared)
        {
            yield return declared;
        }
    }

    /// <summary>The adapter type a symbol is or involves (its type, containing type, type arguments, element type), or null.</summary>
    private static string? AdapterType(ISymbol symbol)
    {
        foreach (var type in TypesOf(symbol))
        {
            var name = type.ContainingNamespace?.ToDisplayString() ?? "";
            if (AdapterNamespaces.Any(ns => name == ns || name.StartsWith(ns + ".", StringComparison.Ordinal)))
            {
                return type.ToDisplayString();
            }
        }

        return null;
    }

    private static IEnumerable<ITypeSymbol> TypesOf(ISymbol symbol)
    {
        switch (symbol)
        {
            case IArrayTypeSymbol array:
                foreach (var t in TypesOf(array.ElementType))
                {
                    yield return t;
                }

                break;
            case INamedTypeSymbol named:
                yield return named;
                foreach (var argument in named.TypeArguments)
                {
                    foreach (var t in TypesOf(argument))
                    {
                        yield return t;
                    }
                }

                break;
            case ITypeSymbol type:
                yield return type;
                break;
            case IMethodSymbol method:
                foreach (var t in TypesOf(method.ContainingType).Concat(TypesOf(method.ReturnType)).Concat(method.Parameters.SelectMany(p => TypesOf(p.Type))))
                {
                    yield return t;
                }

                break;
            case IPropertySymbol property:
                foreach (var t in TypesOf(property.ContainingType).Concat(TypesOf(property.Type)))
                {
                    yield return t;
                }

                break;
            case IFieldSymbol field:
                foreach (var t in TypesOf(field.ContainingType).Concat(TypesOf(field.Type)))
                {
                    yield return t;
                }

                break;
            case ILocalSymbol local:
                foreach (var t in TypesOf(local.Type))
                {
                    yield return t;
                }

                break;
            case IParameterSymbol parameter:
                foreach (var t in TypesOf(parameter.Type))
                {
                    yield return t;
                }

                break;
            case IAliasSymbol alias:
                foreach (var t in TypesOf(alias.Target))
                {
                    yield return t;
                }

                break;
            case IEventSymbol e:
                foreach (var t in TypesOf(e.Type))
                {
                    yield return t;
                }

                break;
        }
    }

    /// <summary>The core's sources (without its generated code, which does not matter here) over the assemblies it builds against.</summary>
    private static CSharpCompilation CoreCompilation()
    {
        var directory = CoreProjectDirectory();
        var parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);
        var trees = Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, path: f))
            .ToList();

        // The project's implicit and global usings.
        var usings = CSharpSyntaxTree.ParseText("""
            global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq;
            global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;
            global using Flock.Extensions.AI.Wire; global using Flock.Extensions.AI.Http; global using Flock.Extensions.AI.ChatClient;
            """, parse, path: "GlobalUsings.cs");
        return CSharpCompilation.Create("Core", trees.Append(usings), References(), new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }

    private static IEnumerable<MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("Flock.", StringComparison.Ordinal));
        return platform.Concat(local).DistinctBy(Path.GetFileName).Select(f => MetadataReference.CreateFromFile(f));
    }

    private static string CoreProjectDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Flock.Extensions.AI");
            if (File.Exists(Path.Combine(candidate, "Flock.Extensions.AI.csproj")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("src/Flock.Extensions.AI was not found above the test binaries.");
    }
}
