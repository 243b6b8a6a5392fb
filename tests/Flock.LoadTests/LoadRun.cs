using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Flock.LoadTests;

/// <summary>How hard to push: concurrent streams, then sequential requests, through one bounded connection pool.</summary>
/// <param name="Concurrent">Streaming requests started at once.</param>
/// <param name="Sequential">Requests one after another (the leak check).</param>
/// <param name="MaxConnections">The pool's <see cref="SocketsHttpHandler.MaxConnectionsPerServer"/>.</param>
/// <param name="MaxGrowthBytes">Allowed growth of live managed memory over the sequential phase.</param>
public sealed record LoadProfile(string Name, int Concurrent, int Sequential, int MaxConnections, long MaxGrowthBytes)
{
    /// <summary>The figures: 1,000 concurrent streams, 10,000 sequential requests.</summary>
    public static LoadProfile Full { get; } = new("full", 1_000, 10_000, 100, 8 * 1024 * 1024);

    /// <summary>Reduced for CI (2 shared cores).</summary>
    public static LoadProfile Ci { get; } = new("ci", 200, 1_000, 32, 8 * 1024 * 1024);
}

/// <summary>What a run measured, and every check that failed.</summary>
public sealed class LoadReport
{
    public List<string> Failures { get; } = [];

    public bool Succeeded => Failures.Count == 0;

    public double ConcurrentRequestsPerSecond { get; set; }

    public double SequentialRequestsPerSecond { get; set; }

    public int Connections { get; set; }

    public TimeSpan P50 { get; set; }

    public TimeSpan P99 { get; set; }

    public TimeSpan RawP50 { get; set; }

    public TimeSpan RawP99 { get; set; }

    public long MemoryGrowthBytes { get; set; }

    public long PeakWorkingSetBytes { get; set; }
}

/// <summary>
/// Load against the in-process emulator through one DI-registered <see cref="IChatClient"/>: every stream must be complete
/// and correct (the built-in reply, then usage), connections stay within the pool's bound, and memory stays flat.
/// </summary>
public static class LoadRun
{
    private const string Model = "qwen3-30b-a3b-instruct-2507";
    private const string Prompt = "Tell me about load tests";

    public static async Task<LoadReport> RunAsync(LoadProfile profile, TextWriter output)
    {
        var report = new LoadReport();
        await using var emulator = await FlockEmulator.StartAsync();
        var services = new ServiceCollection();
        services.AddFlockChatClient(new FlockOptions
        {
            ApiKey = emulator.ApiKey,
            Endpoint = emulator.Endpoint,
            ModelId = Model,
            MaxRetries = 0, // an error must count, not be retried away
            RequestTimeout = TimeSpan.FromMinutes(5),
        });
        services.AddHttpClient(FlockChatClientServiceCollectionExtensions.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler((handler, _) => ((SocketsHttpHandler)handler).MaxConnectionsPerServer = profile.MaxConnections);
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();

        var expected = (await chat.GetResponseAsync(Prompt)).Text;
        if (string.IsNullOrEmpty(expected))
        {
            report.Failures.Add("The warm-up answer was empty.");
            return report;
        }

        output.WriteLine($"Flock load test ({profile.Name}): {profile.Concurrent} concurrent streams, {profile.Sequential} sequential, pool of {profile.MaxConnections} connections");

        // Phase 1: concurrent streams.
        emulator.ClearRequests();
        var watch = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, profile.Concurrent).Select(_ => Task.Run(() => StreamOnceAsync(chat, expected))));
        var elapsed = watch.Elapsed;
        report.ConcurrentRequestsPerSecond = profile.Concurrent / elapsed.TotalSeconds;
        report.Connections = emulator.Requests.Select(r => r.ConnectionId).Distinct().Count();
        var failures = results.Where(r => r.Error is not null).ToList();
        if (failures.Count > 0)
        {
            report.Failures.Add($"{failures.Count} of {profile.Concurrent} concurrent streams failed; first: {failures[0].Error}");
        }

        if (emulator.Requests.Count != profile.Concurrent)
        {
            report.Failures.Add($"The emulator saw {emulator.Requests.Count} requests for {profile.Concurrent} streams.");
        }

        if (report.Connections > profile.MaxConnections)
        {
            report.Failures.Add($"{report.Connections} connections were opened; the bound is {profile.MaxConnections}.");
        }

        var concurrentLatencies = results.Select(r => r.Latency).Order().ToList();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  concurrent: {elapsed.TotalSeconds:F1} s, {report.ConcurrentRequestsPerSecond:F0} streams/s, {report.Connections} connections, latency p50 {Percentile(concurrentLatencies, 0.5).TotalMilliseconds:F0} ms p99 {Percentile(concurrentLatencies, 0.99).TotalMilliseconds:F0} ms"));

        // Phase 2: sequential requests, alternating streaming and not; live memory measured after a warm-up.
        var warmUp = Math.Max(50, profile.Sequential / 20);
        for (var i = 0; i < warmUp; i++)
        {
            await StreamOnceAsync(chat, expected);
        }

        emulator.ClearRequests();
        var before = LiveBytes();
        var latencies = new List<TimeSpan>(profile.Sequential);
        var sequentialErrors = 0;
        string? firstError = null;
        watch.Restart();
        for (var i = 0; i < profile.Sequential; i++)
        {
            var result = i % 2 == 0 ? await StreamOnceAsync(chat, expected) : await CompleteOnceAsync(chat, expected);
            latencies.Add(result.Latency);
            if (result.Error is not null)
            {
                sequentialErrors++;
                firstError ??= result.Error;
            }

            if (i % 500 == 499)
            {
                emulator.ClearRequests(); // the emulator's own log would otherwise grow in this process
            }
        }

        elapsed = watch.Elapsed;
        emulator.ClearRequests();
        var after = LiveBytes();
        report.SequentialRequestsPerSecond = profile.Sequential / elapsed.TotalSeconds;
        report.MemoryGrowthBytes = after - before;
        if (sequentialErrors > 0)
        {
            report.Failures.Add($"{sequentialErrors} of {profile.Sequential} sequential requests failed; first: {firstError}");
        }

        if (report.MemoryGrowthBytes > profile.MaxGrowthBytes)
        {
            report.Failures.Add($"Live memory grew by {report.MemoryGrowthBytes / 1024} KB over {profile.Sequential} requests (allowed {profile.MaxGrowthBytes / 1024} KB).");
        }

        latencies.Sort();
        report.P50 = Percentile(latencies, 0.5);
        report.P99 = Percentile(latencies, 0.99);

        // Baseline: the same streaming request with a bare HttpClient, to show what the library adds.
        var raw = await RawLatenciesAsync(emulator, Math.Max(100, profile.Sequential / 10));
        report.RawP50 = Percentile(raw, 0.5);
        report.RawP99 = Percentile(raw, 0.99);
        report.PeakWorkingSetBytes = Process.GetCurrentProcess().PeakWorkingSet64;

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  sequential: {elapsed.TotalSeconds:F1} s, {report.SequentialRequestsPerSecond:F0} requests/s, latency p50 {report.P50.TotalMilliseconds:F2} ms p99 {report.P99.TotalMilliseconds:F2} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  bare HttpClient: p50 {report.RawP50.TotalMilliseconds:F2} ms p99 {report.RawP99.TotalMilliseconds:F2} ms; library overhead p50 {(report.P50 - report.RawP50).TotalMilliseconds:F2} ms p99 {(report.P99 - report.RawP99).TotalMilliseconds:F2} ms"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  memory: live managed {before / 1024} KB -> {after / 1024} KB ({report.MemoryGrowthBytes / 1024:+#;-#;0} KB), peak working set {report.PeakWorkingSetBytes / (1024 * 1024)} MB (emulator included)"));
        output.WriteLine(report.Succeeded ? "  PASS" : "  FAIL:\n    " + string.Join("\n    ", report.Failures));
        return report;
    }

    private sealed record Result(TimeSpan Latency, string? Error);

    private static async Task<Result> StreamOnceAsync(IChatClient chat, string expected)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var text = new StringBuilder();
            var usage = false;
            ChatFinishReason? finish = null;
            await foreach (var update in chat.GetStreamingResponseAsync(Prompt))
            {
                text.Append(update.Text);
                usage |= update.Contents.OfType<UsageContent>().Any(u => u.Details.OutputTokenCount > 0);
                finish ??= update.FinishReason;
            }

            var error = text.ToString() != expected ? $"stream text differs: '{text}'"
                : !usage ? "stream ended without usage"
                : finish != ChatFinishReason.Stop ? $"finish reason {finish}"
                : null;
            return new(Stopwatch.GetElapsedTime(start), error);
        }
        catch (Exception ex)
        {
            return new(Stopwatch.GetElapsedTime(start), ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static async Task<Result> CompleteOnceAsync(IChatClient chat, string expected)
    {
        var start = Stopwatch.GetTimestamp();
        try
        {
            var response = await chat.GetResponseAsync(Prompt);
            var error = response.Text != expected ? $"text differs: '{response.Text}'" : response.Usage is null ? "no usage" : null;
            return new(Stopwatch.GetElapsedTime(start), error);
        }
        catch (Exception ex)
        {
            return new(Stopwatch.GetElapsedTime(start), ex.GetType().Name + ": " + ex.Message);
        }
    }

    private static async Task<List<TimeSpan>> RawLatenciesAsync(FlockEmulator emulator, int count)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });
        var uri = new Uri(emulator.Endpoint + "/chat/completions");
        var body = "{\"model\":\"" + Model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + Prompt + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
        var latencies = new List<TimeSpan>(count);
        var buffer = new byte[16 * 1024];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("x-litellm-api-key", emulator.ApiKey);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var stream = await response.Content.ReadAsStreamAsync();
            while (await stream.ReadAsync(buffer) > 0)
            {
            }

            latencies.Add(Stopwatch.GetElapsedTime(start));
        }

        emulator.ClearRequests();
        latencies.Sort();
        return latencies;
    }

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) =>
        sorted.Count == 0 ? TimeSpan.Zero : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static long LiveBytes()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
