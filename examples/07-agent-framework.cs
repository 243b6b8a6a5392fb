// 07 · Agent: a Microsoft Agent Framework ChatClientAgent running on FlockChatClient, with tools and a conversation thread.
// Run: dotnet run examples/07-agent-framework.cs
#:project ../src/Flock.Extensions.AI/Flock.Extensions.AI.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:package Microsoft.Agents.AI
#:property PublishAot=false

using System.ComponentModel;
using Flock.Extensions.AI;
using Flock.Emulator;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1: any IChatClient can drive an agent; FlockChatClient is one.
IChatClient chatClient = new FlockChatClient(flock.ModelId, flock.ApiKey, flock.Endpoint);

// Step 2: the agent has instructions and tools (plain .NET methods); it invokes them itself.
AIAgent agent = new ChatClientAgent(
    chatClient,
    instructions: "You are a travel assistant. Use your tools.",
    name: "TravelAgent",
    tools: [AIFunctionFactory.Create(GetWeather, "get_weather"), AIFunctionFactory.Create(GetLocalTime, "get_local_time")]);

// Step 3: a session keeps the conversation across turns.
var session = await agent.CreateSessionAsync();
var first = await agent.RunAsync("Use get_weather and get_local_time for Rome, please.", session);
Console.WriteLine($"Agent: {first.Text}");

// Step 4: a follow-up in the same session, streamed.
Console.Write("Agent (streamed): ");
await foreach (var update in agent.RunStreamingAsync("Thanks! Anything to pack?", session))
{
    Console.Write(update.Text);
}

Console.WriteLine();

[Description("Gets the current weather for a city.")]
static string GetWeather([Description("The city")] string city) => $"Sunny and 21°C in {city}.";

[Description("Gets the local time in a city.")]
static string GetLocalTime([Description("The city")] string city) => $"It is 14:05 in {city}.";
