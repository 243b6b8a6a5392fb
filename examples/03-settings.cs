// 03 · Execution settings: every Flock parameter, typed, validated before anything is sent.
// Run: dotnet run examples/03-settings.cs
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);
var chat = new FlockChatCompletionService(flock.ModelId, flock.ApiKey, flock.Endpoint);
var history = new ChatHistory();
history.AddUserMessage("Suggest a name for a sailing boat.");

// Step 1: typed settings. Only what you set is sent; the server's defaults apply to the rest.
var settings = new FlockPromptExecutionSettings
{
    Temperature = 0.9,
    TopP = 0.95,
    MaxTokens = 60,
    ChoiceCount = 2,            // "n": two alternative answers
    Seed = 42,                  // same seed, same answer (where the server supports it)
    StopSequences = ["\n\n"],
    PresencePenalty = 0.5,
    User = "example-user",
};

var answers = await chat.GetChatMessageContentsAsync(history, settings);
for (var i = 0; i < answers.Count; i++)
{
    Console.WriteLine($"Choice {i}: {answers[i].Content} (finish: {answers[i].Metadata?[FlockMetadataKeys.FinishReason]})");
}

// Step 2: a max_tokens limit ends the answer early, and the finish reason says so.
var short_ = await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { MaxTokens = 5 });
Console.WriteLine($"With max_tokens = 5: \"{short_.Content}\" (finish: {short_.Metadata?[FlockMetadataKeys.FinishReason]})");

// Step 3: settings as prompt templates write them (plain PromptExecutionSettings with JSON names) work too.
var fromTemplate = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["temperature"] = 0.1, ["max_tokens"] = 40 } };
var flockSettings = FlockPromptExecutionSettings.FromExecutionSettings(fromTemplate);
Console.WriteLine($"From a template: temperature = {flockSettings.Temperature}, max_tokens = {flockSettings.MaxTokens}");

// Step 4: a value out of range fails at once, naming the parameter and its range; nothing is sent.
try
{
    await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { Temperature = 3 });
}
catch (ArgumentException ex)
{
    Console.WriteLine($"Rejected before sending: {ex.Message}");
}
