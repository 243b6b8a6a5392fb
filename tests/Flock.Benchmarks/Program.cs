using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Flock.Benchmarks;

// --verify: run each workload once on every path and check they agree (CI smoke mode, no timing).
// --smoke: a few BenchmarkDotNet iterations of everything, so the harness never rots.
// --paired: interleaved Flock/OpenAI ratios; otherwise: the full comparison (pass BenchmarkDotNet arguments such as --filter *TextStream*).
if (args.Contains("--alloc")) { AllocProbe.Run(); return; }

// --paired: the Flock and OpenAI paths interleaved in one process, for ratios that hold on a noisy machine (see Paired).
if (args.Contains("--paired")) { await Paired.RunAsync(); return; }

// --paired-headers: what reading a LiteLLM proxy's 28 response headers costs the MEAI text stream, paired against the same
// stream with as many headers it does not read and with none (issue 22: at most 2%; --paired prints it too).
// Run: dotnet run -c Release --project tests/Flock.Benchmarks -- --paired-headers
if (args.Contains("--paired-headers")) { await Paired.RunProxyHeadersAsync(); return; }

if (args.Contains("--verify"))
{
    await Workloads.VerifyAsync();
    return;
}

var config = DefaultConfig.Instance;
if (args.Contains("--smoke"))
{
    config = config.AddJob(Job.Dry.WithWarmupCount(1).WithIterationCount(3));
    args = [.. args.Where(a => a != "--smoke"), "--filter", "*"];
}

BenchmarkSwitcher.FromAssembly(typeof(TextStreamBenchmarks).Assembly).Run(args, config);
