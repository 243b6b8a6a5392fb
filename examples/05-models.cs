// 05 · Models: list what Flock serves (GET /models).
// Run: dotnet run examples/05-models.cs
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;

await using var flock = await FlockConnection.FromEnvironmentAsync();

// The transport, FlockClient, is what both adapters share; it lists models too.
var client = new FlockClient(flock.ApiKey, flock.Endpoint);
var models = await client.ListModelsAsync();

Console.WriteLine($"{models.Count} models:");
foreach (var model in models)
{
    Console.WriteLine($"  {model.Id,-40} owned by {model.OwnedBy}, created {model.CreatedAt:yyyy-MM-dd}");
}
