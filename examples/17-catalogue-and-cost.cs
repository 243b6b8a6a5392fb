// 17 · The model catalogue and cost per answer: limits, prices and capabilities of each model, a request refused before
//      it is sent, and what each answer cost, through both stacks.
// Run: dotnet run examples/17-catalogue-and-cost.cs
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

// One transport for both stacks; it checks each request against the catalogue before sending.
var transport = new FlockClient(new FlockOptions
{
    ApiKey = flock.ApiKey,
    Endpoint = flock.Endpoint,
    ModelId = flock.ModelId,
    ValidateAgainstModelInfo = true,
});

// Step 1: the catalogue (GET /model/info), cached on the transport. Null means the proxy did not say.
static string Known<T>(T? value) where T : struct => value is { } v ? Convert.ToString(v, CultureInfo.InvariantCulture)! : "?";
static string Flag(bool? value) => value switch { true => "yes", false => "no", null => "?" };
static string PerMillion(decimal? perToken) => perToken is { } p ? (p * 1_000_000m).ToString("0.####", CultureInfo.InvariantCulture) : "?";
var catalogue = await transport.ListModelInfoAsync();
Console.WriteLine($"{catalogue.Count} models in the catalogue:");
foreach (var model in catalogue)
{
    Console.WriteLine($"  {model.Id,-32} context {Known(model.ContextWindow),7}, output {Known(model.MaxOutputTokens),6}, " +
        $"USD/M in {PerMillion(model.InputCostPerToken)} out {PerMillion(model.OutputCostPerToken)}, " +
        $"tools {Flag(model.SupportsFunctionCalling)}, vision {Flag(model.SupportsVision)}, reasoning {Flag(model.SupportsReasoning)}");
}

// Step 2: the adapters reach it too; GetService gives the default model's cached entry without fetching.
var client = new FlockChatClient(transport);
var info = client.GetService<FlockModelInfo>();
Console.WriteLine($"Default model: {flock.ModelId}, at most {Known(info?.MaxOutputTokens)} output tokens.");

// Step 3: a pre-flight refusal: more output tokens than the catalogue allows the model is refused before anything is sent.
if (info?.MaxOutputTokens is { } limit)
{
    try
    {
        await client.GetResponseAsync("Write a novel.", new ChatOptions { MaxOutputTokens = limit + 1 });
    }
    catch (ArgumentOutOfRangeException ex)
    {
        Console.WriteLine($"Refused before sending: {ex.Message.Split(" (Parameter")[0]}");
    }
}

// Step 4 (Microsoft.Extensions.AI): the cost of an answer, in nano-USD in the usage counts (which MEAI's middleware sums),
// read back in USD with FlockUsage.FromUsageDetails.
var response = await client.GetResponseAsync("Give me a one-line haiku about the sea.");
var usd = FlockUsage.FromUsageDetails(response.Usage)?.TotalCost;
var nanoUsd = response.Usage?.AdditionalCounts?.GetValueOrDefault(FlockPropertyNames.TotalCostNanoUsd);
Console.WriteLine($"MEAI answer cost: {usd} USD ({nanoUsd} nano-USD) for {response.Usage?.TotalTokenCount} tokens.");

// Step 5 (Semantic Kernel, streaming): the final update's metadata carries the usage with its costs.
var chat = new FlockChatCompletionService(transport);
var history = new ChatHistory();
history.AddUserMessage("Now one about mountains.");
FlockUsage? usage = null;
await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history))
{
    usage = (update.Metadata as FlockMetadata)?.Usage ?? usage;
}

Console.WriteLine($"SK answer cost: {usage?.TotalCost} USD (input {usage?.InputCost}, output {usage?.OutputCost}) for {usage?.TotalTokens} tokens.");
