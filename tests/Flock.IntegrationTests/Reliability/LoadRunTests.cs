using Flock.LoadTests;
using Xunit.Abstractions;

namespace Flock.IntegrationTests.Reliability;

/// <summary>Runs alone, so its timings and memory figures are not mixed with other tests'.</summary>
[CollectionDefinition(nameof(LoadCollection), DisableParallelization = true)]
public sealed class LoadCollection;

/// <summary>The load test app in its reduced CI form, in-process: zero errors, complete streams, bounded connections, flat memory.</summary>
[Collection(nameof(LoadCollection))]
public sealed class LoadRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Reduced_load_run_passes_every_check()
    {
        using var writer = new StringWriter();

        var report = await LoadRun.RunAsync(LoadProfile.Ci, writer).WaitAsync(TimeSpan.FromMinutes(3));

        output.WriteLine(writer.ToString());
        Assert.True(report.Succeeded, string.Join("\n", report.Failures));
        Assert.InRange(report.Connections, 1, LoadProfile.Ci.MaxConnections);
        Assert.True(report.P50 > TimeSpan.Zero && report.PeakWorkingSetBytes > 0);
    }
}
