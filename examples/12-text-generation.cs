// 12 · Text generation: SK's ITextGenerationService, and raw prompts in the API's other forms of "messages".
// Run: dotnet run examples/12-text-generation.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextGeneration;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1: the Flock chat service is also a text generation service; a prompt is sent as one user message.
var kernel = Kernel.CreateBuilder()
    .AddFlockChatCompletion(modelId: flock.ModelId, apiKey: flock.ApiKey, endpoint: flock.Endpoint)
    .Build();
var generator = kernel.GetRequiredService<ITextGenerationService>();
var text = await generator.GetTextContentAsync("Write one sentence about autumn.", new FlockPromptExecutionSettings { Temperature = 0.7, MaxTokens = 80 });
Console.WriteLine($"Text: {text.Text}");

// Step 2: streaming text.
Console.Write("Streamed: ");
await foreach (var piece in generator.GetStreamingTextContentsAsync("Now one about spring."))
{
    Console.Write(piece.Text);
}

Console.WriteLine();

// Step 3: raw prompts. The API document lets "messages" be a string, strings, token ids or token-id arrays
// ("<|endoftext|>" separates documents); FlockChatClient sends them in that form and answers as for a chat.
var client = new FlockChatClient(flock.ModelId, flock.ApiKey, flock.Endpoint);
var settings = new Microsoft.Extensions.AI.ChatOptions { MaxOutputTokens = 60 };
var fromText = await client.CompletePromptAsync(FlockPrompt.FromText("Once upon a time"), settings);
Console.WriteLine($"Raw text prompt:   {fromText.Text} (finish: {fromText.FinishReason}, {fromText.Usage?.TotalTokenCount} tokens)");
var fromTexts = await client.CompletePromptAsync(FlockPrompt.FromTexts("First document.", "Second document."), settings);
Console.WriteLine($"Raw strings:       {fromTexts.Text}");

// Token ids belong to the model's tokenizer; the emulator reads ids below 256 as UTF-8 bytes ("Hi!").
var fromTokens = await client.CompletePromptAsync(FlockPrompt.FromTokens(72, 105, 33), settings);
Console.WriteLine($"Raw tokens:        {fromTokens.Text}");
var fromArrays = await client.CompletePromptAsync(FlockPrompt.FromTokenArrays([72, 105], [79, 107]), settings);
Console.WriteLine($"Raw token arrays:  {fromArrays.Text}");

// Step 4: a raw prompt streamed, usage on the last update.
Console.Write("Raw streamed:      ");
await foreach (var update in client.StreamPromptAsync(FlockPrompt.FromText("The sea at night"), settings))
{
    var usage = update.Contents.OfType<Microsoft.Extensions.AI.UsageContent>().FirstOrDefault();
    Console.Write(usage is not null ? $" [{usage.Details.TotalTokenCount} tokens]" : update.Text);
}

Console.WriteLine();
