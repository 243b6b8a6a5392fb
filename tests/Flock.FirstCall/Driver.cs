using System.Diagnostics;
using System.Globalization;

namespace Flock.FirstCall;

/// <summary>Starts one fresh process per measurement, clients interleaved, and reports medians and the issue's ratios.</summary>
public static class Driver
{
    public static async Task<int> RunAsync(int runs, string[] names)
    {
        var unknown = names.Select(ClientOf).Except(Clients.Names).Except(Clients.Variants).ToList();
        if (unknown.Count > 0 || runs < 1)
        {
            Console.Error.WriteLine($"Clients are {string.Join(", ", Clients.Names.Concat(Clients.Variants))}; runs at least 1.");
            return 2;
        }

        await using var server = new CannedServer();
        var results = names.ToDictionary(n => n, _ => new List<Sample>());

        // One round first, not counted: it brings the files from disk into the page cache and warms the server.
        Console.WriteLine($"{runs} runs of {string.Join(", ", names.Select(Label))}, interleaved, after one uncounted round; server {server.Endpoint}");
        for (var round = -1; round < runs; round++)
        {
            // Each round starts one client further on, so no client always follows the same one.
            var start = Math.Max(round, 0) % names.Length;
            foreach (var name in names.Skip(start).Concat(names.Take(start)))
            {
                var sample = await MeasureAsync(name, server);
                if (round >= 0)
                {
                    results[name].Add(sample);
                }
            }

            if (round >= 0)
            {
                Console.WriteLine($"round {round + 1}: " + string.Join("  ", names.Select(n => $"{Label(n)} {results[n][^1].FirstToken:F0}")));
            }
        }

        if (server.Refused > 0)
        {
            Console.Error.WriteLine($"The server refused {server.Refused} request(s): a client did not send a streaming chat completion.");
            return 1;
        }

        Console.WriteLine();
        Console.WriteLine("                 first token (wall ms) | at the first token (medians) | medians (wall ms) from the start to:");
        Console.WriteLine("client           median    min    max  | CPU ms | JIT ms | methods    |   Main | request sent | exit");
        var medians = new Dictionary<string, double>();
        var cpuMedians = new Dictionary<string, double>();
        foreach (var name in names)
        {
            var samples = results[name];
            medians[name] = Median(samples.Select(s => s.FirstToken));
            cpuMedians[name] = Median(samples.Select(s => s.Cpu));
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "{0,-16} {1,6:F0} {2,6:F0} {3,6:F0}  | {4,6:F0} | {5,6} | {6,7}    | {7,6:F0} | {8,12:F0} | {9,4:F0}",
                Label(name), medians[name], samples.Min(s => s.FirstToken), samples.Max(s => s.FirstToken), cpuMedians[name],
                Whole(Median(samples.Select(s => s.Jit))), Whole(Median(samples.Select(s => s.Methods))),
                Median(samples.Select(s => s.Main)), Median(samples.Select(s => s.Request)), Median(samples.Select(s => s.Exit))));
        }

        Console.WriteLine();
        Console.WriteLine("Wall time to the first token (the issue's measure):");
        Ratios(medians, names);
        Console.WriteLine("CPU time at the first token (the same ratios; less moved by other work on the machine):");
        Ratios(cpuMedians, names);
        return 0;
    }

    /// <summary>The issue's two ratios, for this build's Flock clients and for any other build's (<c>NAME@DIR</c>).</summary>
    private static void Ratios(Dictionary<string, double> medians, string[] names)
    {
        foreach (var name in names.Where(n => ClientOf(n) is "flock-meai" or "flock-sk" or "sk-floor"))
        {
            var meai = ClientOf(name) == "flock-meai";
            Ratio(medians, name, meai ? "meai-openai" : "sk-openai", meai ? 0.40 : 0.35);
        }
    }

    /// <summary>(ours − raw) / (theirs − raw): our first-call overhead as a share of the OpenAI client's.</summary>
    private static void Ratio(Dictionary<string, double> medians, string ours, string theirs, double target)
    {
        if (!medians.TryGetValue("raw", out var raw) || !medians.TryGetValue(ours, out var o) || !medians.TryGetValue(theirs, out var t))
        {
            return;
        }

        var ratio = (o - raw) / (t - raw);
        // The floor is no Flock client: its share is what SK's own start-up takes of the target, not a result.
        var verdict = ClientOf(ours) == "sk-floor" ? "SK's own part of the target" : ratio <= target ? "met" : "NOT met";
        Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "  ({0} - raw) / ({1} - raw) = {2:F0} / {3:F0} = {4:F2}  (target <= {5:F2}: {6})",
            Label(ours), theirs, o - raw, t - raw, ratio, target, verdict));
    }

    private static string Whole(double value) => double.IsNaN(value) ? "-" : value.ToString("F0", CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The client of a name; <c>NAME@DIR</c> runs NAME from another build of this program in DIR (a before/after pair).</summary>
    private static string ClientOf(string name) => name.Split('@')[0];

    /// <summary>How a client is shown: <c>NAME@DIR</c> as NAME@ and the directory's last part.</summary>
    private static string Label(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        return at < 0 ? name : name[..(at + 1)] + Path.GetFileName(name[(at + 1)..].TrimEnd('/'));
    }

    private static string ExecutableOf(string name)
    {
        var at = name.IndexOf('@', StringComparison.Ordinal);
        var directory = at < 0 ? AppContext.BaseDirectory : name[(at + 1)..];
        return Path.Combine(directory, OperatingSystem.IsWindows() ? "Flock.FirstCall.exe" : "Flock.FirstCall");
    }

    private static async Task<Sample> MeasureAsync(string name, CannedServer server)
    {
        var endpoint = server.Endpoint;
        var info = new ProcessStartInfo(ExecutableOf(name))
        {
            ArgumentList = { "--client", ClientOf(name), "--endpoint", endpoint.AbsoluteUri },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("The measured process did not start.");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var exited = Stopwatch.GetTimestamp();

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
        if (process.ExitCode != 0 || !lines.TryGetValue("done", out var done) || done != CannedServer.Text.Length.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"{name} failed (exit {process.ExitCode}); it wrote:\n{output}");
        }

        double Since(string key) => Stopwatch.GetElapsedTime(started, long.Parse(lines[key], CultureInfo.InvariantCulture)).TotalMilliseconds;
        // A build of this program from before it reported the JIT's figures has none: NaN, shown as "-".
        double Milliseconds(string key) =>
            lines.TryGetValue(key, out var ticks) ? TimeSpan.FromTicks(long.Parse(ticks, CultureInfo.InvariantCulture)).TotalMilliseconds : double.NaN;
        var methods = lines.TryGetValue("methods", out var count) ? double.Parse(count, CultureInfo.InvariantCulture) : double.NaN;
        return new Sample(Since("main"), Stopwatch.GetElapsedTime(started, server.LastRequestAt).TotalMilliseconds, Since("first"), Milliseconds("cpu"),
            Milliseconds("jit"), methods, Stopwatch.GetElapsedTime(started, exited).TotalMilliseconds);
    }

    /// <summary>
    /// Milliseconds from starting the process to its Main, to its request's arrival at the server, to its first token, and
    /// to its exit; at the first token, its CPU time, the JIT's time and the methods it compiled.
    /// </summary>
    private readonly record struct Sample(double Main, double Request, double FirstToken, double Cpu, double Jit, double Methods, double Exit);
}
