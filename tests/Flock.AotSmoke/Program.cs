// Native AOT smoke test for Flock.SemanticKernel: run the published binary against a Flock endpoint (the emulator on
// CI). Endpoint, key and model come from arguments (endpoint key model) or FLOCK_ENDPOINT / FLOCK_API_KEY /
// FLOCK_MODEL. Prints each check; exits 1 if any fails, 2 on bad usage.
using Flock.SemanticKernel;
using Flock.Extensions.AI;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

string? Arg(int i, string env) => args.Length > i && args[i].Length > 0 ? args[i] : Environment.GetEnvironmentVariable(env);

var endpointText = Arg(0, "FLOCK_ENDPOINT");
var apiKey = Arg(1, "FLOCK_API_KEY");
var model = Arg(2, "FLOCK_MODEL") is { Length: > 0 } m ? m : "qwen3-30b-a3b-instruct-2507";
if (endpointText is null || apiKey is null || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
{
    Console.Error.WriteLine("usage: Flock.AotSmoke <endpoint> <api-key> [model]  (or FLOCK_ENDPOINT, FLOCK_API_KEY, FLOCK_MODEL)");
    return 2;
}

var failures = 0;
async Task Check(string name, Func<Task<string>> body)
{
    try
    {
        var detail = await body();
        Console.WriteLine($"ok    {name}: {detail}");
    }
    catch (Exception e)
    {
        failures++;
        Console.WriteLine($"FAIL  {name}: {e.GetType().Name}: {e.Message}");
    }
}

static void Require(bool condition, string what)
{
    if (!condition)
    {
        throw new InvalidOperationException(what);
    }
}

static string Short(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");

// MEAI: IChatClient, streamed, usage on the last update.
await Check("IChatClient streaming", async () =>
{
    using IChatClient client = new FlockChatClient(model, apiKey, endpoint);
    var text = new System.Text.StringBuilder();
    UsageDetails? usage = null;
    var updates = 0;
    await foreach (var update in client.GetStreamingResponseAsync(
        [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Say hello from native AOT.")],
        new ChatOptions { Temperature = 0.2f, MaxOutputTokens = 200 }))
    {
        updates++;
        text.Append(update.Text);
        usage = update.Contents.OfType<UsageContent>().LastOrDefault()?.Details ?? usage;
    }

    Require(text.Length > 0, "no text streamed");
    Require(usage is { TotalTokenCount: > 0 }, "no usage on the stream");
    return $"{updates} updates, {usage!.TotalTokenCount} tokens, \"{Short(text.ToString())}\"";
});

// MEAI: non-streaming, with ChatOptions and an AdditionalProperties setting.
await Check("IChatClient response", async () =>
{
    using IChatClient client = new FlockChatClient(model, apiKey, endpoint);
    var response = await client.GetResponseAsync("One word for the sea.", new ChatOptions
    {
        Seed = 7,
        TopP = 0.9f,
        AdditionalProperties = new() { ["user"] = "aot-smoke" },
    });
    Require(response.Text.Length > 0, "empty text");
    Require(response.Usage is { TotalTokenCount: > 0 }, "no usage");
    Require(client.GetService<ChatClientMetadata>()?.ProviderName == "flock", "metadata provider is not flock");
    return $"{response.FinishReason}, {response.Usage!.TotalTokenCount} tokens, \"{Short(response.Text)}\"";
});

// SK: IChatCompletionService, streamed, through a kernel.
await Check("IChatCompletionService streaming", async () =>
{
    var kernel = Kernel.CreateBuilder().AddFlockChatCompletion(modelId: model, apiKey: apiKey, endpoint: endpoint).Build();
    var chat = kernel.GetRequiredService<IChatCompletionService>();
    var history = new ChatHistory("You are a helpful assistant.");
    history.AddUserMessage("Stream a short greeting.");
    var text = new System.Text.StringBuilder();
    FlockUsage? usage = null;
    var chunks = 0;
    await foreach (var chunk in chat.GetStreamingChatMessageContentsAsync(history, new FlockPromptExecutionSettings { Temperature = 0.2, MaxTokens = 200 }, kernel))
    {
        chunks++;
        text.Append(chunk.Content);
        if (chunk.Metadata?.TryGetValue(FlockMetadataKeys.Usage, out var u) == true && u is FlockUsage fu)
        {
            usage = fu;
        }
    }

    Require(text.Length > 0, "no text streamed");
    Require(usage is { TotalTokens: > 0 }, "no usage on the stream");
    return $"{chunks} chunks, {usage!.TotalTokens} tokens, \"{Short(text.ToString())}\"";
});

// SK: non-streaming with several settings, n = 2.
await Check("IChatCompletionService with settings", async () =>
{
    var chat = new FlockChatCompletionService(model, apiKey, endpoint);
    var history = new ChatHistory();
    history.AddUserMessage("Name a colour.");
    var settings = new FlockPromptExecutionSettings
    {
        Temperature = 0.5,
        TopP = 0.9,
        MaxTokens = 100,
        ChoiceCount = 2,
        Seed = 42,
        PresencePenalty = 0.1,
        FrequencyPenalty = 0.1,
        StopSequences = ["\n\n"],
        User = "aot-smoke",
    };
    var results = await chat.GetChatMessageContentsAsync(history, settings);
    Require(results.Count == 2, $"expected 2 choices, got {results.Count}");
    Require(results.All(r => !string.IsNullOrEmpty(r.Content)), "an empty choice");
    Require(results[0].Metadata?[FlockMetadataKeys.Usage] is FlockUsage { TotalTokens: > 0 }, "no usage");
    var usage = (FlockUsage)results[0].Metadata![FlockMetadataKeys.Usage]!;
    return $"{results.Count} choices, {usage.TotalTokens} tokens, \"{Short(results[0].Content!)}\"";
});

// Settings from a prompt template's execution_settings (ExtensionData by JSON name).
await Check("FromExecutionSettings", () =>
{
    var generic = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["temperature"] = 0.3, ["max_tokens"] = 50 } };
    var flock = FlockPromptExecutionSettings.FromExecutionSettings(generic);
    Require(flock.Temperature is 0.3 && flock.MaxTokens == 50, $"read temperature {flock.Temperature}, max_tokens {flock.MaxTokens}");

    // Another connector's settings are read by their JSON names, which needs reflection-based JSON: refused by name here.
    try
    {
        FlockPromptExecutionSettings.FromExecutionSettings(new OtherSettings { Temperature = 0.3 });
        throw new InvalidOperationException("another connector's settings were read without reflection");
    }
    catch (NotSupportedException e) when (e.Message.Contains(nameof(OtherSettings), StringComparison.Ordinal))
    {
    }

    return Task.FromResult("temperature and max_tokens read by JSON name, another connector's settings refused");
});

// DI: a "Flock" configuration section bound by the configuration binder's source generator, validated at start-up.
await Check("DI from configuration", async () =>
{
    var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Flock:ApiKey"] = apiKey,
        ["Flock:Endpoint"] = endpoint.ToString(),
        ["Flock:ModelId"] = model,
        ["Flock:MaxRetries"] = "1",
        ["Flock:RequestTimeout"] = "00:01:00",
    }).Build();
    var services = new ServiceCollection();
    services.AddFlockChatClient(configuration.GetSection(FlockOptions.SectionName));
    services.AddFlockChatCompletion(configuration.GetSection(FlockOptions.SectionName), serviceId: "sk");
    await using var provider = services.BuildServiceProvider();
    provider.GetRequiredService<IStartupValidator>().Validate();
    var response = await provider.GetRequiredService<IChatClient>().GetResponseAsync("Hello through DI.");
    var sk = await provider.GetRequiredKeyedService<IChatCompletionService>("sk").GetChatMessageContentAsync("Hello through keyed SK.");
    Require(response.Text.Length > 0 && !string.IsNullOrEmpty(sk.Content), "empty text");
    return $"MEAI \"{Short(response.Text)}\", SK \"{Short(sk.Content!)}\"";
});

// Tool calls and results in the history: arguments and results are written as JSON without reflection.
await Check("tool history", async () =>
{
    using IChatClient client = new FlockChatClient(model, apiKey, endpoint);
    ChatMessage[] history =
    [
        new(ChatRole.User, "Weather in Paris?"),
        new(ChatRole.Assistant, [new Microsoft.Extensions.AI.FunctionCallContent("call_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris", ["days"] = 2, ["at"] = DateTimeOffset.UnixEpoch })]),
        new(ChatRole.Tool, [new Microsoft.Extensions.AI.FunctionResultContent("call_1", new Dictionary<string, object?> { ["sky"] = "sunny", ["temps"] = new[] { 18, 21 }, ["id"] = Guid.Empty })]),
    ];
    var response = await client.GetResponseAsync(history);
    Require(response.Text.Length > 0, "empty text");

    var sk = new FlockChatCompletionService(model, apiKey, endpoint);
    var skHistory = new ChatHistory();
    skHistory.AddUserMessage("Weather in Paris?");
    skHistory.Add(new ChatMessageContent(AuthorRole.Assistant, [new Microsoft.SemanticKernel.FunctionCallContent("get_weather", "weather", "call_1", new KernelArguments { ["city"] = "Paris" })]));
    skHistory.Add(new ChatMessageContent(AuthorRole.Tool, [new Microsoft.SemanticKernel.FunctionResultContent("get_weather", "weather", "call_1", "18C, sunny")]));
    var skAnswer = await sk.GetChatMessageContentAsync(skHistory);
    Require(!string.IsNullOrEmpty(skAnswer.Content), "empty SK text");

    // A type with no JSON metadata cannot be serialized without reflection: a clear error before anything is sent.
    try
    {
        await client.GetResponseAsync([new ChatMessage(ChatRole.Tool, [new Microsoft.Extensions.AI.FunctionResultContent("call_2", new Opaque(1))])]);
        throw new InvalidOperationException("an unserializable tool result was sent");
    }
    catch (NotSupportedException e) when (e.Message.Contains(nameof(Opaque), StringComparison.Ordinal))
    {
    }

    return $"MEAI \"{Short(response.Text)}\", SK \"{Short(skAnswer.Content!)}\", unknown result type refused";
});

// Structured output: a schema from a source-generated context works under AOT; a bare type is refused clearly.
await Check("response_format", async () =>
{
    var format = ChatResponseFormat.ForJsonSchema<Forecast>(SmokeJson.Default.Options);
    using IChatClient client = new FlockChatClient(model, apiKey, endpoint);
    var meai = await client.GetResponseAsync("Forecast for Paris as JSON.", new ChatOptions { ResponseFormat = format });
    var meaiForecast = JsonSerializer.Deserialize(meai.Text, SmokeJson.Default.Forecast);
    Require(meaiForecast is { City.Length: > 0 }, $"MEAI answer is not a Forecast: {meai.Text}");

    var chat = new FlockChatCompletionService(model, apiKey, endpoint);
    var history = new ChatHistory();
    history.AddUserMessage("Forecast for Rome as JSON.");
    var sk = await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { ResponseFormat = format });
    var skForecast = JsonSerializer.Deserialize(sk.Content!, SmokeJson.Default.Forecast);
    Require(skForecast is { City.Length: > 0 }, $"SK answer is not a Forecast: {sk.Content}");

    try
    {
        await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { ResponseFormat = typeof(Opaque) });
        throw new InvalidOperationException("a response_format type with no JSON metadata was sent");
    }
    catch (NotSupportedException e) when (e.Message.Contains("ForJsonSchema", StringComparison.Ordinal))
    {
    }

    return $"MEAI {meaiForecast!.City}, SK {skForecast!.City}, bare type refused";
});

await Check("list models", async () =>
{
    var models = await new FlockClient(apiKey, endpoint).ListModelsAsync();
    Require(models.Count > 0, "no models");
    Require(models.Any(x => x.Id == model), $"{model} not listed");
    return $"{models.Count} models, first {models[0].Id}";
});

await Check("out-of-range temperature", async () =>
{
    var chat = new FlockChatCompletionService(model, apiKey, endpoint);
    try
    {
        await chat.GetChatMessageContentsAsync(new ChatHistory("hi"), new FlockPromptExecutionSettings { Temperature = 3 });
    }
    catch (ArgumentException e) when (e.ParamName == "temperature")
    {
        return "ArgumentException(temperature)";
    }

    throw new InvalidOperationException("no ArgumentException for temperature = 3");
});

await Check("wrong key", async () =>
{
    using IChatClient client = new FlockChatClient(model, apiKey + "-wrong", endpoint);
    try
    {
        await foreach (var _ in client.GetStreamingResponseAsync("hi"))
        {
        }
    }
    catch (FlockException e) when ((int?)e.StatusCode == 401 && !e.DuringStream)
    {
        Require(!e.Message.Contains(apiKey, StringComparison.Ordinal), "the key appears in the message");
        return $"FlockException 401: {Short(e.Message)}";
    }

    throw new InvalidOperationException("no FlockException 401 for a wrong key");
});

// Flock.HealthChecks: AddFlock() from DI options, run by the host's HealthCheckService.
await Check("health check", async () =>
{
    var services = new ServiceCollection().AddLogging();
    services.AddFlockOptions().Configure(o => { o.ApiKey = apiKey; o.Endpoint = endpoint; });
    services.AddHealthChecks().AddFlock();
    await using var provider = services.BuildServiceProvider();
    var report = await provider.GetRequiredService<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckService>().CheckHealthAsync();
    var entry = report.Entries["flock"];
    Require(entry.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy, $"{entry.Status}: {entry.Description}");
    return entry.Description ?? "";
});

Console.WriteLine(failures == 0 ? "aot smoke: OK" : $"aot smoke: {failures} check(s) failed");
return failures == 0 ? 0 : 1;

internal sealed record Opaque(int Value);

internal sealed class OtherSettings : PromptExecutionSettings
{
    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }
}

internal sealed record Forecast(string City, double TemperatureC, string Sky);

[JsonSerializable(typeof(Forecast))]
internal sealed partial class SmokeJson : JsonSerializerContext;
