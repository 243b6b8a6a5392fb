using System.Diagnostics;
using System.Globalization;
using System.Net;
using Flock.Emulator;
using Microsoft.Extensions.AI;

namespace Flock.LoadTests;

/// <summary>One rate-limit scenario's outcome.</summary>
public sealed record RateLimitOutcome(string Name, int Succeeded, int Lost, int Refusals, TimeSpan Elapsed, int Windows, int MaxRefusalsInAWindow);

/// <summary>
/// Rate-limit-aware sending under load: 1,000 calls from 50 concurrent tasks against the emulator, with a per-key limit of
/// 200 requests a 1 s window. With the upstream's reset (OpenAI-form headers) no call may be refused and the run should take
/// within 15% of the limit's ideal time (5 s); with LiteLLM's own limiter (no reset) at most one call a window may be refused,
/// and every refused call must be sent again and answered; without the gate, the refusals are counted.
/// </summary>
public static class RateLimitRun
{
    private const string Model = "qwen3-30b-a3b-instruct-2507";
    private const int Calls = 1_000;
    private const int Tasks = 50;
    private const int Limit = 200;
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    public static async Task<bool> RunAsync(TextWriter output)
    {
        output.WriteLine($"Rate-limit-aware sending: {Calls} calls from {Tasks} tasks, {Limit} requests a {Window.TotalSeconds:F0} s window");
        var upstream = await ScenarioAsync("with a reset (upstream headers), gate on", upstreamHeaders: true, respect: true);
        var litellm = await ScenarioAsync("without a reset (LiteLLM's limiter), gate on", upstreamHeaders: false, respect: true);
        var off = await ScenarioAsync("without a reset, gate off (retries only)", upstreamHeaders: false, respect: false);
        foreach (var outcome in new[] { upstream, litellm, off })
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {outcome.Name}: {outcome.Succeeded} answered, {outcome.Lost} lost, {outcome.Refusals} refused (429), {outcome.Elapsed.TotalSeconds:F2} s, {outcome.Windows} windows, at most {outcome.MaxRefusalsInAWindow} refused in one"));
        }

        var ideal = TimeSpan.FromSeconds((double)Calls / Limit);
        var failures = new List<string>();
        if (upstream.Refusals != 0 || upstream.Lost != 0)
        {
            failures.Add($"with a reset: {upstream.Refusals} refused and {upstream.Lost} lost (expected none)");
        }

        if (upstream.Elapsed > ideal * 1.15)
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"with a reset: {upstream.Elapsed.TotalSeconds:F2} s, more than 15% over the ideal {ideal.TotalSeconds:F1} s"));
        }

        if (litellm.Lost != 0 || litellm.MaxRefusalsInAWindow > 1)
        {
            failures.Add($"without a reset: {litellm.Lost} lost, up to {litellm.MaxRefusalsInAWindow} refused in one window (expected none lost, at most one a window)");
        }

        foreach (var failure in failures)
        {
            output.WriteLine("  FAILED: " + failure);
        }

        return failures.Count == 0;
    }

    private static async Task<RateLimitOutcome> ScenarioAsync(string name, bool upstreamHeaders, bool respect)
    {
        await using var emulator = await FlockEmulator.StartAsync(new FlockEmulatorOptions
        {
            RateLimitRequests = Limit,
            RateLimitWindow = Window,
            UpstreamRateLimitHeaders = upstreamHeaders,
        });
        // Every attempt's answer passes this handler (the library's stages sit around the HttpClient): refusals are timed here.
        var observer = new RefusalObserver(new SocketsHttpHandler { MaxConnectionsPerServer = Tasks });
        var client = new FlockChatClient(new FlockClient(
            new FlockOptions
            {
                ApiKey = emulator.ApiKey,
                Endpoint = emulator.Endpoint,
                ModelId = Model,
                RespectRateLimits = respect,
                MaxRetries = 10,
            },
            new HttpClient(observer)));

        var next = -1;
        var lost = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < Calls)
            {
                try
                {
                    await client.GetResponseAsync("Hi", new ChatOptions { MaxOutputTokens = 8 });
                }
                catch (FlockException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Interlocked.Increment(ref lost);
                }
            }
        })));
        var elapsed = watch.Elapsed;

        // The proxy's windows, as its answers show them: a window begins with the answer whose count says one call of the
        // limit is used (the proxy opens a window with the first call after the last one ended); a refusal belongs to the
        // window it was answered in.
        var perWindow = new List<int>();
        foreach (var answer in observer.Answers)
        {
            if (answer == Limit - 1 || perWindow.Count == 0)
            {
                perWindow.Add(0);
            }

            if (answer < 0)
            {
                perWindow[^1]++;
            }
        }

        return new RateLimitOutcome(name, Calls - lost, lost, observer.Answers.Count(a => a < 0), elapsed, perWindow.Count, perWindow.DefaultIfEmpty(0).Max());
    }

    /// <summary>Notes every answer in the order they come back: the requests left after a success (-1 for a refusal).</summary>
    private sealed class RefusalObserver(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private readonly object _lock = new();

        public List<long> Answers { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var left = response.StatusCode == HttpStatusCode.TooManyRequests ? -1
                : response.Headers.TryGetValues("x-ratelimit-api_key-remaining-requests", out var values) && long.TryParse(values.First(), CultureInfo.InvariantCulture, out var n) ? n
                : long.MaxValue;
            lock (_lock)
            {
                Answers.Add(left);
            }

            return response;
        }
    }
}
