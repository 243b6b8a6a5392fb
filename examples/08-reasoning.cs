// 08 · Reasoning: thinking models (qwen3 thinking, deepseek) reason before they answer; the reasoning comes apart from the answer.
// Run: dotnet run examples/08-reasoning.cs   (offline on the built-in emulator, which plays a thinking model, unless
//      FLOCK_API_KEY is set; online it asks FLOCK_MODEL, or qwen3-235b-a22b-thinking-2507 when that is not set)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false
#pragma warning disable SKEXP0110 // SK marks its reasoning content types experimental

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

// This example needs a thinking model: unless FLOCK_MODEL names one, ask qwen3-235b-a22b-thinking-2507 (online or offline).
if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FLOCK_MODEL")))
{
    Environment.SetEnvironmentVariable("FLOCK_MODEL", "qwen3-235b-a22b-thinking-2507");
}

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);
var model = flock.ModelId;

// Step 1 (Semantic Kernel): the reasoning is a ReasoningContent item; Content is only the answer.
var chat = new FlockChatCompletionService(model, flock.ApiKey, flock.Endpoint);
var history = new ChatHistory();
history.AddUserMessage("Is 97 a prime number?");
var answer = await chat.GetChatMessageContentAsync(history);
Console.WriteLine($"Reasoning: {answer.Items.OfType<ReasoningContent>().FirstOrDefault()?.Text}");
Console.WriteLine($"Answer:    {answer.Content}");

// Step 2 (streaming): reasoning arrives as StreamingReasoningContent items, before the answer's text.
Console.Write("Streamed reasoning: ");
var streamedAnswer = new System.Text.StringBuilder();
await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history))
{
    foreach (var reasoning in update.Items.OfType<StreamingReasoningContent>())
    {
        Console.Write(reasoning.Text);
    }

    streamedAnswer.Append(update.Content);
}

Console.WriteLine();
Console.WriteLine($"Streamed answer:    {streamedAnswer}");

// Step 3 (Microsoft.Extensions.AI): the same split, as TextReasoningContent.
IChatClient client = new FlockChatClient(model, flock.ApiKey, flock.Endpoint);
var response = await client.GetResponseAsync("Is 91 a prime number?");
var thinking = response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().FirstOrDefault();
Console.WriteLine($"MEAI reasoning: {thinking?.Text}");
Console.WriteLine($"MEAI answer:    {response.Text}");
