// 11 · Configuration: FlockOptions from a "Flock" configuration section into DI, validated at start-up.
// Run: dotnet run examples/11-configuration.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:package Microsoft.Extensions.Configuration
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.TextGeneration;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1: configuration as an app has it. appsettings.json would hold the non-secret part:
//   { "Flock": { "ModelId": "...", "RequestTimeout": "00:01:00", "MaxRetries": 1 } }
// and the key comes from the environment (FLOCK_API_KEY, FLOCK_ENDPOINT, FLOCK_MODEL mapped onto the "Flock" section;
// offline, FlockConnection stands in for them with the emulator's values).
var appSettings = new Dictionary<string, string?>
{
    ["Flock:ModelId"] = flock.ModelId,
    ["Flock:RequestTimeout"] = "00:01:00",
    ["Flock:MaxRetries"] = "1",
};
var environment = new Dictionary<string, string?>
{
    ["Flock:ApiKey"] = Environment.GetEnvironmentVariable("FLOCK_API_KEY") ?? flock.ApiKey,
    ["Flock:Endpoint"] = Environment.GetEnvironmentVariable("FLOCK_ENDPOINT") ?? flock.Endpoint.ToString(),
    ["Flock:ModelId"] = Environment.GetEnvironmentVariable("FLOCK_MODEL") ?? flock.ModelId,
};
IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(appSettings).AddInMemoryCollection(environment).Build();
var section = configuration.GetSection(FlockOptions.SectionName);

// Step 2: register from the section: the SK service (also an ITextGenerationService) and, keyed, an MEAI chat client.
var builder = Kernel.CreateBuilder();
builder.AddFlockChatCompletion(section);
builder.Services.AddFlockChatClient(section, serviceId: "meai");
var kernel = builder.Build();

// Step 3: validate at start-up, as a host does for ValidateOnStart; then use the services.
kernel.Services.GetRequiredService<IStartupValidator>().Validate();
Console.WriteLine($"Options: {kernel.Services.GetRequiredService<IOptions<FlockOptions>>().Value}");

var reply = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync("Configured from a section?");
Console.WriteLine($"SK: {reply.Content}");
var text = await kernel.GetRequiredService<ITextGenerationService>().GetTextContentAsync("And as a text generation service?");
Console.WriteLine($"Text generation: {text.Text}");
var response = await kernel.Services.GetRequiredKeyedService<IChatClient>("meai").GetResponseAsync("And as an IChatClient?");
Console.WriteLine($"MEAI: {response.Text}");

// Step 4: a section without a key fails at start-up, naming the setting, instead of at the first request.
var broken = new ServiceCollection();
broken.AddFlockChatCompletion(new ConfigurationBuilder().AddInMemoryCollection(appSettings).Build().GetSection(FlockOptions.SectionName));
using var provider = broken.BuildServiceProvider();
try
{
    provider.GetRequiredService<IStartupValidator>().Validate();
}
catch (OptionsValidationException ex)
{
    Console.WriteLine($"Start-up validation failed: {ex.Message}");
}
