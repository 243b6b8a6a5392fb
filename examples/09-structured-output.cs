// 09 · Structured output: ask for JSON that matches a C# record's schema, and get the record back.
// Run: dotnet run examples/09-structured-output.cs
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using System.Text.Json;
using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1 (Microsoft.Extensions.AI): GetResponseAsync<T> sends the record's JSON schema and parses the answer.
IChatClient client = new FlockChatClient(flock.ModelId, flock.ApiKey, flock.Endpoint);
var trip = await client.GetResponseAsync<TripPlan>("Plan a two-day trip to Porto.");
Console.WriteLine($"MEAI: {trip.Result.City}, {trip.Result.Days} days, highlights: {string.Join(", ", trip.Result.Highlights)}");

// Step 2 (Semantic Kernel): ResponseFormat takes the type; the answer is JSON text you deserialize.
var chat = new FlockChatCompletionService(flock.ModelId, flock.ApiKey, flock.Endpoint);
var history = new ChatHistory();
history.AddUserMessage("Plan a three-day trip to Seville.");
var answer = await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { ResponseFormat = typeof(TripPlan) });
var plan = JsonSerializer.Deserialize<TripPlan>(answer.Content!, JsonSerializerOptions.Web)!;
Console.WriteLine($"SK:   {plan.City}, {plan.Days} days, highlights: {string.Join(", ", plan.Highlights)}");

// Step 3: "json_object" asks for any JSON object, without a schema.
var any = await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { ResponseFormat = "json_object" });
Console.WriteLine($"JSON object: {any.Content}");

public sealed record TripPlan(string City, int Days, string[] Highlights);
