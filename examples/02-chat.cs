// 02 · Chat: ask Flock a question through Semantic Kernel and print the answer.
// Run: dotnet run examples/02-chat.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

// Step 1: decide where to talk to. With FLOCK_API_KEY set this is api.flock.io; without it (allowEmulator), a local emulator.
await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 2: build a kernel with Flock as its chat completion service.
var kernel = Kernel.CreateBuilder()
    .AddFlockChatCompletion(modelId: flock.ModelId, apiKey: flock.ApiKey, endpoint: flock.Endpoint)
    .Build();
var chat = kernel.GetRequiredService<IChatCompletionService>();

// Step 3: a conversation is a ChatHistory: a system prompt, then the user's question.
var history = new ChatHistory("You are a concise travel guide.");
history.AddUserMessage("What is one thing I must see in Lisbon?");

// Step 4: ask, and print the answer with the token usage Flock reports.
var answer = await chat.GetChatMessageContentAsync(history);
Print(answer);

// Step 5: keep the answer in the history, so a follow-up question has context (the whole history is sent again, so the
// second turn counts more input tokens).
history.Add(answer);
history.AddUserMessage("And where should I eat nearby?");
var followUp = await chat.GetChatMessageContentAsync(history);
Print(followUp);

static void Print(ChatMessageContent answer)
{
    Console.WriteLine($"Assistant: {answer.Content}");
    Console.WriteLine(answer.Metadata?[FlockMetadataKeys.Usage] is FlockUsage usage
        ? $"Tokens: {usage.PromptTokens} in, {usage.CompletionTokens} out."
        : "(no usage reported)");
}
