// 08 · Reasoning: thinking models (qwen3 thinking, deepseek) reason before they answer; the reasoning comes apart from the answer.
// Run: dotnet run examples/08-reasoning.cs   (online, set FLOCK_MODEL to a thinking model)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#pragma warning disable SKEXP0110 // SK marks its reasoning content types experimental

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

await using var flock = await FlockConnection.FromEnvironmentAsync();
var model = flock.IsEmulator ? "qwen3-235b-a22b-thinking-2507" : flock.ModelId;

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
