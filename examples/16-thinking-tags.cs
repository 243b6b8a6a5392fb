// 16 · Thinking inside the answer: a model served without a reasoning parser sends its thinking as text, between tags;
//      the connector splits it off as reasoning, in both tag forms.
// Run: dotnet run examples/16-thinking-tags.cs   (online, set FLOCK_MODEL to a thinking model served without a reasoning parser)
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

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Offline: a DeepSeek R1 distill answers "<think>…</think>answer"; a Qwen3 thinking model answers "…</think>answer".
var tagModel = flock.IsEmulator ? "deepseek-r1-distill-qwen-32b" : flock.ModelId;
var closingTagModel = flock.IsEmulator ? "qwen3-30b-a3b-thinking-2507" : flock.ModelId;
static string OneLine(string text) => text.ReplaceLineEndings(" ");

// Step 1: what the model sends, with the split off for this call.
IChatClient client = new FlockChatClient(tagModel, flock.ApiKey, flock.Endpoint);
var unsplit = await client.GetResponseAsync("Is 97 a prime number?", new ChatOptions { AdditionalProperties = new() { ["think_tags"] = FlockThinkTags.Off } });
Console.WriteLine($"As sent:   {OneLine(unsplit.Text)}");

// Step 2: by default (Auto) an answer that opens with <think> is split: TextReasoningContent, then the answer.
var split = await client.GetResponseAsync("Is 97 a prime number?");
var reasoning = split.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().FirstOrDefault();
Console.WriteLine($"Reasoning: {OneLine(reasoning?.Text ?? "(none)")}");
Console.WriteLine($"Answer:    {split.Text}");

// Step 3 (Semantic Kernel, streaming): a model that sends only the closing tag needs ClosingTagOnly, here the client's
// default; tags cut across chunks are still recognised, and the reasoning streams as StreamingReasoningContent.
var transport = new FlockClient(new FlockOptions { ApiKey = flock.ApiKey, Endpoint = flock.Endpoint, ThinkTags = FlockThinkTags.ClosingTagOnly });
var chat = new FlockChatCompletionService(transport, closingTagModel);
var history = new ChatHistory();
history.AddUserMessage("Is 91 a prime number?");
var streamedReasoning = new System.Text.StringBuilder();
var streamedAnswer = new System.Text.StringBuilder();
await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history))
{
    foreach (var piece in update.Items.OfType<StreamingReasoningContent>())
    {
        streamedReasoning.Append(piece.Text);
    }

    streamedAnswer.Append(update.Content);
}

Console.WriteLine($"SK streamed reasoning: {OneLine(streamedReasoning.ToString())}");
Console.WriteLine($"SK streamed answer:    {streamedAnswer}");

// Step 4: with thinking switched off (Qwen3's enable_thinking) the model sends no tags, and nothing is split.
var quick = await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { EnableThinking = false });
Console.WriteLine($"Thinking off: {quick.Items.OfType<ReasoningContent>().Count()} reasoning items, answer: {quick.Content}");
