// 10 · Telemetry: OpenTelemetry traces and metrics (GenAI semantic conventions) from both adapters, on the console.
// Run: dotnet run examples/10-telemetry.cs   (offline on the built-in emulator unless FLOCK_API_KEY is set)
#:project ../src/Flock.SemanticKernel/Flock.SemanticKernel.csproj
#:project ../src/Flock.Emulator/Flock.Emulator.csproj
#:package OpenTelemetry.Exporter.Console
#:property PublishAot=false

using Flock.Extensions.AI;
using Flock.SemanticKernel;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

await using var flock = await FlockConnection.FromEnvironmentAsync(allowEmulator: true);

// Step 1: listen to Flock's ActivitySource and Meter; both are named FlockTelemetry.SourceName. The console exporters
// keep what they get until they are flushed at the end (a batch processor with a long delay, a reader that exports only
// when asked), so the spans and metrics print after the answers instead of in the middle of them.
using var tracing = Sdk.CreateTracerProviderBuilder()
    .AddSource(FlockTelemetry.SourceName)
    .AddProcessor(new BatchActivityExportProcessor(new ConsoleActivityExporter(new ConsoleExporterOptions()), scheduledDelayMilliseconds: 600_000))
    .Build();
using var metrics = Sdk.CreateMeterProviderBuilder()
    .AddMeter(FlockTelemetry.SourceName)
    .AddReader(new BaseExportingMetricReader(new ConsoleMetricExporter(new ConsoleExporterOptions())))
    .Build();

// Step 2: the SK service emits a "chat <model>" span by itself whenever someone listens: model, parameters, response id,
// finish reasons and token usage. Message content only because this example opts in (EnableSensitiveTelemetryData).
var options = new FlockOptions { ApiKey = flock.ApiKey, Endpoint = flock.Endpoint, ModelId = flock.ModelId, EnableSensitiveTelemetryData = true };
IChatCompletionService chat = new FlockChatCompletionService(new FlockClient(options), flock.ModelId);
var reply = await chat.GetChatMessageContentAsync("Name one famous bridge.", new FlockPromptExecutionSettings { Temperature = 0.2, MaxTokens = 60 });
Console.WriteLine($"SK answered: {reply.Content}");

// Step 3: streaming adds the time to the first chunk, as a span attribute and a metric.
Console.Write("SK streamed: ");
await foreach (var update in chat.GetStreamingChatMessageContentsAsync("And one famous tower?"))
{
    Console.Write(update.Content);
}

Console.WriteLine();

// Step 4: for the IChatClient, MEAI's own OpenTelemetry middleware, under the same source name, gives the same spans.
IChatClient client = new FlockChatClient(flock.ModelId, flock.ApiKey, flock.Endpoint)
    .AsBuilder()
    .UseOpenTelemetry(sourceName: FlockTelemetry.SourceName, configure: c => c.EnableSensitiveData = false)
    .Build();
var response = await client.GetResponseAsync("Name one famous canal.");
Console.WriteLine($"MEAI answered: {response.Text}");

// Step 5: flush: the console exporter prints the spans (tags such as gen_ai.provider.name: flock) and the metrics
// (gen_ai.client.operation.duration, gen_ai.client.token.usage).
Console.WriteLine();
Console.WriteLine("Spans and metrics, as the console exporter prints them:");
tracing.ForceFlush();
metrics.ForceFlush();
