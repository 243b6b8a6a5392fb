// 04 · IChatClient: Flock as a Microsoft.Extensions.AI chat client, with MEAI middleware on top.
// Run: dotnet run examples/04-chat-client.cs
#:project ../src/Flock.Extensions.AI/Flock.Extensions.AI.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.Emulator;
using Microsoft.Extensions.AI;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1: anywhere an IChatClient is expected, a FlockChatClient fits.
IChatClient client = new FlockChatClient(flock.ModelId, flock.ApiKey, flock.Endpoint);

// Step 2: a single question.
var response = await client.GetResponseAsync("Give me a one-line haiku about the sea.");
Console.WriteLine($"Answer: {response.Text}");
Console.WriteLine($"Model {response.ModelId}, finish {response.FinishReason}, tokens {response.Usage?.TotalTokenCount}.");

// Step 3: streaming, with MEAI's ChatOptions; usage arrives as the last update's UsageContent.
Console.Write("Streamed: ");
await foreach (var update in client.GetStreamingResponseAsync("Now one about mountains.", new ChatOptions { Temperature = 0.3f, MaxOutputTokens = 100 }))
{
    Console.Write(update.Text);
    foreach (var usage in update.Contents.OfType<UsageContent>())
    {
        Console.Write($" [{usage.Details.TotalTokenCount} tokens]");
    }
}

Console.WriteLine();

// Step 4: the builder adds middleware, e.g. a cache or logging; here a tiny one that counts calls.
var calls = 0;
IChatClient pipeline = client.AsBuilder()
    .Use((messages, options, next, cancellationToken) => { calls++; return next(messages, options, cancellationToken); })
    .Build();
await pipeline.GetResponseAsync("Hello through the pipeline.");
Console.WriteLine($"Middleware saw {calls} call(s). Provider: {pipeline.GetService<ChatClientMetadata>()?.ProviderName}.");
