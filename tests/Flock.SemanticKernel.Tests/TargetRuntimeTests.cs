using System.Runtime.Versioning;
using Xunit.Abstractions;

namespace Flock.SemanticKernel.Tests;

/// <summary>
/// The build under test runs on the runtime its target framework names: CI's net8.0 run is on .NET 8 itself (self-contained),
/// not the net8.0 build rolled forward onto .NET 10.
/// </summary>
public sealed class TargetRuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void The_runtime_is_the_one_the_target_framework_names()
    {
        // The test assembly's own target (AppContext.TargetFrameworkName would be the test host's).
        var target = new FrameworkName(typeof(TargetRuntimeTests).Assembly.GetCustomAttributes(typeof(TargetFrameworkAttribute), false).Cast<TargetFrameworkAttribute>().Single().FrameworkName);
        output.WriteLine($"target {target}, runtime .NET {Environment.Version} ({System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription})");

        Assert.Equal(".NETCoreApp", target.Identifier);
        Assert.Equal(target.Version.Major, Environment.Version.Major);
    }
}
