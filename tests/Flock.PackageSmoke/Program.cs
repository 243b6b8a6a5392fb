// Package smoke test: a streamed chat through the packed Flock.SemanticKernel against the packed emulator, then the
// packed core's IChatClient, health check and xUnit adapter (OtherPackages.cs), and the packages' ReadyToRun images
// (ReadyToRunImages.cs).
// Prints "package smoke: OK …" and exits 0, or prints what went wrong and exits 1.
using System.Reflection;
using System.Text;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using static OtherPackages;

try
{
    await using var emulator = await FlockEmulator.StartAsync();
    emulator.Enqueue(ScriptedReply.Text("Hello from the packed emulator.") with { ChunkSize = 5 });

    var kernel = Kernel.CreateBuilder()
        .AddFlockChatCompletion("qwen3-30b-a3b-instruct-2507", emulator.ApiKey, emulator.Endpoint)
        .Build();
    var chat = kernel.GetRequiredService<IChatCompletionService>();

    var history = new ChatHistory("You are terse.");
    history.AddUserMessage("Say hello.");
    var reply = new StringBuilder();
    var updates = 0;
    await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history))
    {
        reply.Append(update.Content);
        updates++;
    }

    Require(reply.ToString() == "Hello from the packed emulator.", $"unexpected reply '{reply}'");
    Require(updates > 1, $"the reply was not streamed ({updates} update)");
    Require(emulator.Requests.Single().Header("x-litellm-api-key") == emulator.ApiKey, "the API key header was not sent");
    var others = await OtherPackages.RunAsync(emulator);
    var images = ReadyToRunImages.Check();

    // The assemblies must be the packed ones, restored from the local feed into this project's private folder.
    var library = typeof(FlockChatCompletionService).Assembly;
    var emulatorAssembly = typeof(FlockEmulator).Assembly;
    Console.WriteLine($"package smoke: reply '{reply}' in {updates} updates");
    Console.WriteLine($"package smoke: {others}");
    Console.WriteLine($"package smoke: {images}");
    Console.WriteLine($"package smoke: {Describe(library)}; {Describe(emulatorAssembly)}");
    Console.WriteLine("package smoke: OK");
    return 0;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"package smoke: FAILED: {ex}");
    return 1;
}

static string Describe(Assembly assembly) =>
    $"{assembly.GetName().Name} {assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}";
