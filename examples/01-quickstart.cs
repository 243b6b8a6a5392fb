// 01 · Quick start: stream an answer from Flock through Semantic Kernel, token by token.
// Run: dotnet run examples/01-quickstart.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
// File-based programs default to PublishAot=true, and restore then fetches the Native AOT compiler and runtime packs
// (about 300 MB) that `dotnet run` never uses. Every example opts out; publish with -p:PublishAot=true when you want AOT.
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

// Where to talk to: Flock when FLOCK_API_KEY is set (FLOCK_ENDPOINT for another server, such as a standalone emulator);
// with no key, allowEmulator starts an emulator right here. Without allowEmulator a missing key is an error, as an app wants.
await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// One line registers Flock as the kernel's chat completion service.
var kernel = Kernel.CreateBuilder()
    .AddFlockChatCompletion(modelId: flock.ModelId, apiKey: flock.ApiKey, endpoint: flock.Endpoint)
    .Build();
var chat = kernel.GetRequiredService<IChatCompletionService>();

var history = new ChatHistory("You are a helpful assistant.");
history.AddUserMessage("Hello, can you help me plan a weekend in Lisbon?");

// Stream the reply: each update carries the next piece of text; the last one carries the token usage.
var settings = new FlockPromptExecutionSettings { Temperature = 0.2, MaxTokens = 400 };
FlockUsage? usage = null;
Console.Write("Assistant: ");
await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, settings))
{
    Console.Write(update.Content);
    usage = update.Metadata?.TryGetValue(FlockMetadataKeys.Usage, out var u) == true ? u as FlockUsage ?? usage : usage;
}

Console.WriteLine();
Console.WriteLine(usage is null ? "(no usage reported)" : $"Tokens: {usage.PromptTokens} in, {usage.CompletionTokens} out.");
