// 06 · Plugins: the model calls your C# functions, Semantic Kernel runs them, and the answer uses their results.
// Run: dotnet run examples/06-plugins.cs
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using System.ComponentModel;
using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1: a kernel with Flock and two plugins. Each [KernelFunction] becomes a tool with a JSON schema. SK offers it to the
// model as Plugin_function (Weather_get_weather, Clock_get_local_time), so the model, and the answer below, use those
// names; the calls in the history split them back into PluginName and FunctionName (step 4). An MEAI tool keeps the name
// it was given (examples 07 and 14).
var builder = Kernel.CreateBuilder().AddFlockChatCompletion(flock.ModelId, flock.ApiKey, flock.Endpoint);
builder.Plugins.AddFromType<WeatherPlugin>("Weather");
builder.Plugins.AddFromType<ClockPlugin>("Clock");
var kernel = builder.Build();

// Step 2: FunctionChoiceBehavior.Auto() offers the functions and lets SK invoke them until the model answers.
var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
var history = new ChatHistory("You answer travel questions using the tools you have.");
history.AddUserMessage("I land in Paris soon: use get_weather and get_local_time for Paris and tell me what to expect.");

// Step 3: stream the final answer; the tool round trips happen before it.
Console.Write("Assistant: ");
await foreach (var update in kernel.GetRequiredService<IChatCompletionService>().GetStreamingChatMessageContentsAsync(history, settings, kernel))
{
    Console.Write(update.Content);
}

Console.WriteLine();

// Step 4: the history now holds the calls the model made and what the functions returned.
foreach (var call in history.SelectMany(m => m.Items.OfType<FunctionCallContent>()))
{
    var arguments = string.Join(", ", (call.Arguments ?? []).Select(a => $"{a.Key}: {a.Value}"));
    Console.WriteLine($"Called {call.PluginName}.{call.FunctionName}({arguments})");
}

public sealed class WeatherPlugin
{
    [KernelFunction("get_weather"), Description("Gets the current weather for a city.")]
    public string GetWeather([Description("The city")] string city) => $"Sunny and 21°C in {city}.";
}

public sealed class ClockPlugin
{
    [KernelFunction("get_local_time"), Description("Gets the local time in a city.")]
    public string GetLocalTime([Description("The city")] string city) => $"It is 14:05 in {city}.";
}
