using System.Diagnostics;
using System.Globalization;

namespace Flock.Benchmarks;

/// <summary>
/// <c>-- --paired</c>: each Flock path and the OpenAI path it is compared with run in one process, interleaved, and each round's
/// ratio is taken from two measurements made seconds apart. BenchmarkDotNet measures one path after the other, so on a shared
/// VM whose speed shifts for seconds at a time its ratios move with the machine; paired rounds cancel most of that. This is a
/// cross-check of the BenchmarkDotNet table (the same workloads, through the benchmark classes), not a replacement for it.
/// </summary>
public static class Paired
{
    private const int Rounds = 60;
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(100);

    public static async Task RunAsync()
    {
        var text = new TextStreamBenchmarks();
        text.Setup();
        var tool = new ToolStreamBenchmarks();
        tool.Setup();
        var completion = new CompletionBenchmarks();
        completion.Setup();
        var request = new RequestBenchmarks();
        request.Setup();

        (string Workload, string Path, Func<Task<int>> Flock, Func<Task<int>> OpenAI, double Target, double? AllocTarget)[] pairs =
        [
            ("text stream", "SK", text.Flock_SK, text.OpenAI_SK, 0.45, 0.30),
            ("text stream", "MEAI", text.Flock_MEAI, text.OpenAI_MEAI, 0.30, 0.20),
            ("tool stream", "SK", tool.Flock_SK, tool.OpenAI_SK, 0.45, 0.30),
            ("tool stream", "MEAI", tool.Flock_MEAI, tool.OpenAI_MEAI, 0.30, 0.20),
            ("500-token reply", "SK", completion.Flock_SK, completion.OpenAI_SK, 0.60, null),
            ("500-token reply", "MEAI", completion.Flock_MEAI, completion.OpenAI_MEAI, 0.50, null),
            ("20 messages + 5 tools", "SK", request.Flock_SK, request.OpenAI_SK, 0.45, 0.35),
            ("20 messages + 5 tools", "MEAI", request.Flock_MEAI, request.OpenAI_MEAI, 0.35, 0.25),
        ];

        Console.WriteLine($"Paired ratios, Flock / OpenAI: CPU over {Rounds} interleaved rounds of {Slice.TotalMilliseconds} ms a path; bytes allocated per call.");
        Console.WriteLine("| workload | path | median CPU ratio | middle half of rounds | CPU target | alloc ratio | alloc target |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|");
        // Warm every path first (tiered JIT and its profile-guided recompile, pools): a path measured while the JIT is still
        // busy with the others reads slow.
        var calls = new (int Flock, int OpenAI)[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            calls[i] = (await CallsPerSliceAsync(pairs[i].Flock), await CallsPerSliceAsync(pairs[i].OpenAI));
            for (var warm = 0; warm < 10; warm++)
            {
                await TimeAsync(pairs[i].Flock, calls[i].Flock);
                await TimeAsync(pairs[i].OpenAI, calls[i].OpenAI);
            }
        }

        for (var i = 0; i < pairs.Length; i++)
        {
            var (workload, path, flock, openAI, target, allocTarget) = pairs[i];
            var ratios = new double[Rounds];
            for (var round = 0; round < Rounds; round++)
            {
                // Alternate which goes first, so neither always follows the other.
                double flockTime, openAITime;
                if (round % 2 == 0)
                {
                    flockTime = await TimeAsync(flock, calls[i].Flock);
                    openAITime = await TimeAsync(openAI, calls[i].OpenAI);
                }
                else
                {
                    openAITime = await TimeAsync(openAI, calls[i].OpenAI);
                    flockTime = await TimeAsync(flock, calls[i].Flock);
                }

                ratios[round] = flockTime / openAITime;
            }

            Array.Sort(ratios);
            var allocRatio = await AllocatedPerCallAsync(flock) / await AllocatedPerCallAsync(openAI);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {workload} | {path} | {ratios[Rounds / 2]:F2} | {ratios[Rounds / 4]:F2}–{ratios[3 * Rounds / 4]:F2} | ≤ {target:F2} " +
                $"| {allocRatio:F2} | {(allocTarget is { } a ? $"≤ {a:F2}" : "–")} |"));
        }
    }

    /// <summary>How many calls fill about one slice, found while warming up.</summary>
    private static async Task<int> CallsPerSliceAsync(Func<Task<int>> path)
    {
        var calls = 1;
        while (true)
        {
            var stopwatch = Stopwatch.StartNew();
            for (var i = 0; i < calls; i++)
            {
                await path().ConfigureAwait(false);
            }

            if (stopwatch.Elapsed >= Slice)
            {
                return calls;
            }

            calls *= 2;
        }
    }

    /// <summary>Bytes allocated per call, counted on every thread over 100 warm calls.</summary>
    private static async Task<double> AllocatedPerCallAsync(Func<Task<int>> path)
    {
        const int Calls = 100;
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await path().ConfigureAwait(false);
        }

        return (double)(GC.GetTotalAllocatedBytes(precise: true) - before) / Calls;
    }

    /// <summary>Time per call over <paramref name="calls"/> calls.</summary>
    private static async Task<double> TimeAsync(Func<Task<int>> path, int calls)
    {
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await path().ConfigureAwait(false);
        }

        return stopwatch.Elapsed.TotalNanoseconds / calls;
    }
}
