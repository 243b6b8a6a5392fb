using System.Text.Json;
using System.Xml.Linq;

namespace Flock.Extensions.AI.Tests;

/// <summary>The core package stands alone: MEAI and Agent Framework users never take Semantic Kernel with it.</summary>
public sealed class PackageBoundaryTests
{
    [Fact]
    public void Core_assembly_references_no_Semantic_Kernel_assembly()
    {
        var references = typeof(FlockChatClient).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.Contains("Microsoft.Extensions.AI.Abstractions", references);
        Assert.DoesNotContain(references, name => name.StartsWith("Microsoft.SemanticKernel", StringComparison.Ordinal));
    }

    [Fact]
    public void Core_project_takes_no_Semantic_Kernel_package_or_project_even_one_it_does_not_use()
    {
        // The compiled references above drop a package the code never touches; the project file and its restore graph do not.
        var project = XDocument.Load(Path.Combine(CoreProjectDirectory(), "Flock.Extensions.AI.csproj"));
        var references = project.Descendants()
            .Where(e => e.Name.LocalName is "PackageReference" or "ProjectReference" or "Reference" or "FrameworkReference")
            .Select(e => (string?)e.Attribute("Include") ?? "")
            .ToList();
        Assert.Contains("Microsoft.Extensions.AI", references);
        Assert.DoesNotContain(references, r => r.Contains("SemanticKernel", StringComparison.OrdinalIgnoreCase));

        // Everything restore brought in for it, transitive packages included: the core builds where no SK package exists.
        using var assets = JsonDocument.Parse(File.ReadAllText(CoreRestoreGraph()));
        var libraries = assets.RootElement.GetProperty("libraries").EnumerateObject().Select(l => l.Name).ToList();
        Assert.Contains(libraries, l => l.StartsWith("Microsoft.Extensions.AI.Abstractions/", StringComparison.Ordinal));
        Assert.DoesNotContain(libraries, l => l.StartsWith("Microsoft.SemanticKernel", StringComparison.OrdinalIgnoreCase));
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

    /// <summary>The restore graph the core was built from: beside the test binaries in an artifacts layout (CI's run on the newest MEAI), else in the project's obj.</summary>
    private static string CoreRestoreGraph()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[]
                     {
                         Path.Combine(dir.FullName, "obj", "Flock.Extensions.AI", "project.assets.json"),
                         Path.Combine(dir.FullName, "src", "Flock.Extensions.AI", "obj", "project.assets.json"),
                     })
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new InvalidOperationException("The core's project.assets.json was not found above the test binaries.");
    }

    [Fact]
    public void Core_public_types_live_in_one_namespace()
    {
        var namespaces = typeof(FlockChatClient).Assembly.GetExportedTypes().Select(t => t.Namespace).Distinct().Order().ToList();

        Assert.Equal(["Flock.Extensions.AI", "Microsoft.Extensions.DependencyInjection"], namespaces);
    }
}
