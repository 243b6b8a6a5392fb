// 19 · Rate-limit-aware sending: 60 calls at once against a key allowed 20 requests a window. The client keeps what the
//      proxy last said of the key's limits, shared by all its calls, and holds back the calls that would be refused until
//      the window ends: no 429. For contrast, the same burst with FlockOptions.RespectRateLimits = false.
// Run: dotnet run examples/19-rate-limit-aware.cs
#:project ../src/Flock.Extensions.AI/Flock.Extensions.AI.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using System.Diagnostics;
using System.Net;
using Flock.Extensions.AI;
using Flock.Emulator;
using Microsoft.Extensions.AI;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Offline, the connection's emulator plays a key without limits. This example starts one of its own that plays a key
// allowed 20 requests a 1-second window (a short window, so the example is quick), behind a proxy that forwards its
// upstream's OpenAI-form headers, so every answer says when the window ends (llm_provider-x-ratelimit-reset-requests).
const int Calls = 60;
var window = TimeSpan.FromSeconds(1);
await using var limitedKey = flock.IsEmulator
    ? await FlockEmulator.StartAsync(new FlockEmulatorOptions { RateLimitRequests = 20, RateLimitWindow = window, UpstreamRateLimitHeaders = true })
    : null;

// One client for all the calls: the gate is the client's. MaxRetries = 0, so a refusal is not hidden by a retry: it fails
// the call, and is counted.
FlockChatClient Client(bool respectRateLimits) => new(new FlockClient(new FlockOptions
{
    ApiKey = limitedKey?.ApiKey ?? flock.ApiKey,
    Endpoint = limitedKey?.Endpoint ?? flock.Endpoint,
    ModelId = flock.ModelId,
    RespectRateLimits = respectRateLimits,
    MaxRetries = 0,
}));

async Task BurstAsync(string name, FlockChatClient client)
{
    // The first answer tells the client the key's limits; before it, the client knows nothing to hold calls back with.
    var first = await client.GetResponseAsync("Hi");
    var limit = (first.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.ResponseInfo) as FlockResponseInfo)?.GetRateLimit("api_key", "requests");
    var watch = Stopwatch.StartNew();
    var outcomes = await Task.WhenAll(Enumerable.Range(1, Calls).Select(async i =>
    {
        try
        {
            await client.GetResponseAsync($"Question {i}", new ChatOptions { MaxOutputTokens = 16 });
            return "answered";
        }
        catch (FlockException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
        {
            // A FlockRateLimitException (also 429) would mean the gate gave up waiting: the window ends after MaxRetryAfter.
            return ex is FlockRateLimitException ? "not sent" : "refused";
        }
    }));
    Console.WriteLine($"{name}: {outcomes.Count(o => o == "answered")} answered, {outcomes.Count(o => o == "refused")} refused (429), " +
        $"{outcomes.Count(o => o == "not sent")} not sent, in {watch.Elapsed.TotalSeconds:0.0} s (limit: {limit?.Limit?.ToString() ?? "not reported"} requests a window).");
}

// Step 1: with the gate (the default). The calls that find nothing left wait for the window's end, then go.
await BurstAsync("With the gate (RespectRateLimits = true)", Client(respectRateLimits: true));

// Step 2: without it, the burst goes out at once and the proxy refuses what is over the limit. A fresh window first.
await Task.Delay(window);
await BurstAsync("Without the gate (RespectRateLimits = false)", Client(respectRateLimits: false));
