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
    public void Core_public_types_live_in_one_namespace()
    {
        var namespaces = typeof(FlockChatClient).Assembly.GetExportedTypes().Select(t => t.Namespace).Distinct().Order().ToList();

        Assert.Equal(["Flock.Extensions.AI", "Microsoft.Extensions.DependencyInjection"], namespaces);
    }
}
