// 05 · Models: list what Flock serves (GET /models).
// Run: dotnet run examples/05-models.cs
#:project ../src/Flock.Extensions.AI/Flock.Extensions.AI.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.Emulator;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// The transport, FlockClient, is what both adapters share; it lists models too.
var client = new FlockClient(flock.ApiKey, flock.Endpoint);
var models = await client.ListModelsAsync();

Console.WriteLine($"{models.Count} models:");
foreach (var model in models)
{
    Console.WriteLine($"  {model.Id}");
}

// The proxy (LiteLLM) lists every model with the same owner ("openai") and the same creation date: placeholders, not
// facts about the model. Print them once, and per model only where a server reports something else.
var placeholders = models.Select(m => (m.OwnedBy, m.CreatedAt)).Distinct().ToList();
if (placeholders is [var only])
{
    Console.WriteLine($"Every model is listed as owned by \"{only.OwnedBy}\", created {only.CreatedAt:yyyy-MM-dd}: the proxy's placeholders.");
}
else
{
    foreach (var model in models)
    {
        Console.WriteLine($"  {model.Id}: owned by {model.OwnedBy ?? "(not reported)"}, created {model.CreatedAt?.ToString("yyyy-MM-dd") ?? "(not reported)"}");
    }
}
