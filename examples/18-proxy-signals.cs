// 18 · What the proxy says of each call, and what a call can tell it: the call id to quote to support, the rate limits
//      left, the key's spend and the call's cost, read from the answer's headers through both stacks; tags, spend-logs
//      metadata and the end user sent with the calls, and the key's own account (GET /key/info).
// Run: dotnet run examples/18-proxy-signals.cs
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using System.Globalization;
using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Offline, the connection's emulator plays a key without limits or budget. This example wants a key that has them, as a
// Flock key may, so it starts an emulator of its own that plays one: 60 requests and 100,000 tokens a minute, a 5 USD budget.
await using var limitedKey = flock.IsEmulator
    ? await FlockEmulator.StartAsync(new FlockEmulatorOptions { RateLimitRequests = 60, RateLimitTokens = 100_000, KeyMaxBudget = 5m, KeyAlias = "example-18" })
    : null;
var transport = new FlockClient(new FlockOptions
{
    ApiKey = limitedKey?.ApiKey ?? flock.ApiKey,
    Endpoint = limitedKey?.Endpoint ?? flock.Endpoint,
    ModelId = flock.ModelId,
});

static string Usd(decimal? value) => value is { } v ? v.ToString("0.#########", CultureInfo.InvariantCulture) + " USD" : "?";
static string Left(FlockRateLimit? limit) => limit is null ? "not reported" : $"{limit.Remaining?.ToString(CultureInfo.InvariantCulture) ?? "?"} of {limit.Limit?.ToString(CultureInfo.InvariantCulture) ?? "?"}";

// Step 1 (Microsoft.Extensions.AI): three calls, each tagged for the proxy's spend tracking and carrying spend-logs metadata
// (FlockParameters keys in AdditionalProperties). Each answer carries what the proxy said, a FlockResponseInfo, under
// FlockPropertyNames.ResponseInfo; what it holds depends on the proxy's version and settings, and anything absent is null.
IChatClient client = new FlockChatClient(transport);
for (var i = 1; i <= 3; i++)
{
    var options = new ChatOptions
    {
        AdditionalProperties = new()
        {
            [FlockParameters.Tags] = new[] { "example-18", "meai" },
            [FlockParameters.SpendLogsMetadata] = new Dictionary<string, object?> { ["step"] = i },
        },
    };
    var response = await client.GetResponseAsync($"Name one sight in Lisbon, number {i}.", options);
    var info = response.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.ResponseInfo) as FlockResponseInfo;
    Console.WriteLine($"MEAI call {i}: id {info?.CallId}, model group {info?.ModelGroup}, proxy {info?.ProxyVersion}, took {info?.ResponseDuration?.TotalMilliseconds:0.#} ms");
    Console.WriteLine($"  requests left {Left(info?.GetRateLimit("api_key", "requests"))}, tokens left {Left(info?.GetRateLimit("api_key", "tokens"))}");
    Console.WriteLine($"  cost {Usd(info?.Cost?.Total)} (input {Usd(info?.Cost?.Input)}, output {Usd(info?.Cost?.Output)}), key spend {Usd(info?.KeySpend)} of {Usd(info?.KeyMaxBudget)}");
}

// Step 2 (Semantic Kernel, streaming): the controls are FlockPromptExecutionSettings properties; the stream's first and
// final updates carry the same FlockResponseInfo in their metadata (FlockMetadataKeys.ResponseInfo). A stream's headers
// leave the proxy before its answer is priced: their key spend is the one before this call, and the call's cost comes
// with the final usage (usage.cost, where the proxy adds it), under FlockMetadataKeys.Cost.
var chat = new FlockChatCompletionService(transport);
var history = new ChatHistory();
history.AddUserMessage("And one place to eat nearby?");
var settings = new FlockPromptExecutionSettings { Tags = ["example-18", "sk"], EndUserId = "customer-42", MaxTokens = 100 };
FlockResponseInfo? streamed = null;
decimal? streamedCost = null;
await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, settings))
{
    streamed = (update.Metadata as FlockMetadata)?.ResponseInfo ?? streamed;
    streamedCost = (update.Metadata as FlockMetadata)?.Cost ?? streamedCost;
}

Console.WriteLine($"SK streamed call: id {streamed?.CallId}, requests left {Left(streamed?.GetRateLimit("api_key", "requests"))}, cost {Usd(streamedCost)}, key spend before it {Usd(streamed?.KeySpend)}");

// Step 3: what the tags, metadata and end user are for. The proxy books each call's cost under them, so its spend logs
// can be filtered by tag or customer (in its admin UI or /spend/logs, which an ordinary key cannot read). Offline, the
// emulator shows what it received and booked.
if (limitedKey is not null)
{
    foreach (var request in limitedKey.ChatRequests)
    {
        Console.WriteLine($"The proxy received: tags [{string.Join(", ", request.Tags)}], spend-logs metadata {request.SpendLogsMetadata?.ToJsonString() ?? "none"}, end user {request.EndUserId ?? "none"}");
    }
}

// Step 4: the key's own account, GET /key/info (FlockClient, FlockChatClient and the SK service all reach it): the spend
// grows with each call's cost.
var key = await chat.GetKeyInfoAsync();
Console.WriteLine($"Key {key.KeyAlias ?? "(no alias)"}: spent {Usd(key.Spend)}, budget {Usd(key.MaxBudget)}, left {Usd(key.RemainingBudget)}, limits {key.RpmLimit?.ToString(CultureInfo.InvariantCulture) ?? "none"} rpm, {key.TpmLimit?.ToString(CultureInfo.InvariantCulture) ?? "none"} tpm.");
