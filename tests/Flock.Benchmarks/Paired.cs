using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

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
        await MeasureAsync(pairs);
        Console.WriteLine();
        await RunProxyHeadersAsync(text);
    }

    /// <summary>
    /// <c>-- --paired-headers</c>: what reading a LiteLLM proxy's response headers costs a text stream (issue 22's target: at
    /// most 2% of its CPU). The MEAI text stream answered with <see cref="CannedBodies.ProxyHeaders"/> is compared with the same
    /// stream answered with as many headers the client does not read (the handler's cost of adding headers is then the same on
    /// both sides, so the difference is the reading), and with none at all (that cost included).
    /// </summary>
    /// <remarks>
    /// The difference sought is a few microseconds of a call of about half a millisecond, well inside what a busy machine
    /// moves a 100 ms slice by. So the two paths alternate call by call, each call timed on the process's CPU clock (where
    /// the OS has one: a busy machine's other processes do not advance it), and a block's ratio is that of its two sums;
    /// the median and middle half are over the blocks.
    /// <para>
    /// <c>dotnet run -c Release --project tests/Flock.Benchmarks -- --paired-headers</c>, three runs on the 2-core VM on
    /// 2026-12-07 (load average 4 to 7): 1.004, 1.012 and 1.007 against headers it does not read; 1.017, 1.015 and 1.016
    /// against none. Reading the headers alone (<see cref="ResponseHeaderBenchmarks"/>) is about 1.6 us and 0.9 KB an answer.
    /// </para>
    /// </remarks>
    public static async Task RunProxyHeadersAsync(TextStreamBenchmarks? text = null)
    {
        if (text is null)
        {
            text = new TextStreamBenchmarks();
            text.Setup();
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Paired ratio, MEAI text stream (1,000 chunks) with {CannedBodies.ProxyHeaders.Length} LiteLLM response headers / without: " +
            $"{(ProcessCpu.IsAvailable ? "process CPU time" : "wall time")}, the two paths alternating call by call, {HeaderBlocks} blocks of {CallsPerBlock} calls each."));
        Console.WriteLine("| compared with | median CPU ratio | middle half of blocks | CPU target | alloc ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var (name, baseline) in new (string, Func<Task<int>>)[] { ("as many headers it does not read", text.Flock_MEAI_OtherHeaders), ("no headers", text.Flock_MEAI) })
        {
            var ratios = await AlternateAsync(text.Flock_MEAI_ProxyHeaders, baseline);
            var allocRatio = await AllocatedPerCallAsync(text.Flock_MEAI_ProxyHeaders) / await AllocatedPerCallAsync(baseline);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {ratios[HeaderBlocks / 2]:F4} | {ratios[HeaderBlocks / 4]:F4}–{ratios[3 * HeaderBlocks / 4]:F4} | ≤ 1.02 | {allocRatio:F4} |"));
        }
    }

    private const int HeaderBlocks = 100;
    private const int CallsPerBlock = 100;

    /// <summary>The sorted per-block ratios of <paramref name="measured"/> to <paramref name="baseline"/>, the two called in turn.</summary>
    private static async Task<double[]> AlternateAsync(Func<Task<int>> measured, Func<Task<int>> baseline)
    {
        for (var warm = 0; warm < 200; warm++)
        {
            await measured().ConfigureAwait(false);
            await baseline().ConfigureAwait(false);
        }

        var ratios = new double[HeaderBlocks];
        for (var block = 0; block < HeaderBlocks; block++)
        {
            double measuredTime = 0, baselineTime = 0;
            for (var call = 0; call < CallsPerBlock; call++)
            {
                // Alternate which goes first, so neither always follows the other.
                if (call % 2 == 0)
                {
                    measuredTime += await TimeAsync(measured, 1, ProcessCpu.IsAvailable);
                    baselineTime += await TimeAsync(baseline, 1, ProcessCpu.IsAvailable);
                }
                else
                {
                    baselineTime += await TimeAsync(baseline, 1, ProcessCpu.IsAvailable);
                    measuredTime += await TimeAsync(measured, 1, ProcessCpu.IsAvailable);
                }
            }

            ratios[block] = measuredTime / baselineTime;
        }

        Array.Sort(ratios);
        return ratios;
    }

    private static async Task MeasureAsync((string Workload, string Path, Func<Task<int>> Flock, Func<Task<int>> OpenAI, double Target, double? AllocTarget)[] pairs)
    {
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
        // Compiled first: a first call that JIT-compiles can fill a slice alone, and every round would then time one call.
        for (var i = 0; i < 20; i++)
        {
            await path().ConfigureAwait(false);
        }

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

    /// <summary>Time per call over <paramref name="calls"/> calls, in nanoseconds of wall time or of the process's CPU time.</summary>
    private static async Task<double> TimeAsync(Func<Task<int>> path, int calls, bool cpuTime = false)
    {
        var cpuBefore = cpuTime ? ProcessCpu.Nanoseconds() : 0;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < calls; i++)
        {
            await path().ConfigureAwait(false);
        }

        return (cpuTime ? ProcessCpu.Nanoseconds() - cpuBefore : stopwatch.Elapsed.TotalNanoseconds) / calls;
    }

    /// <summary>The process's CPU time at nanosecond resolution (<c>clock_gettime(CLOCK_PROCESS_CPUTIME_ID)</c>, Linux only).</summary>
    private static class ProcessCpu
    {
        private const int ProcessCpuTimeClock = 2;

        public static bool IsAvailable { get; } = OperatingSystem.IsLinux() && Environment.Is64BitProcess && ClockGetTime(ProcessCpuTimeClock, out _) == 0;

        public static double Nanoseconds()
        {
            ClockGetTime(ProcessCpuTimeClock, out var time);
            return (time.Seconds * 1e9) + time.Nanoseconds;
        }

        [DllImport("libc", EntryPoint = "clock_gettime")]
        private static extern int ClockGetTime(int clock, out TimeSpec time);

        [StructLayout(LayoutKind.Sequential)]
        private struct TimeSpec
        {
            public long Seconds;
            public long Nanoseconds;
        }
    }
}
