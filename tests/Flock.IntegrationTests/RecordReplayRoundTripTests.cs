using System.Net;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using MeaiFunctionCallContent = Microsoft.Extensions.AI.FunctionCallContent;
using SkFunctionCallContent = Microsoft.SemanticKernel.FunctionCallContent;

namespace Flock.IntegrationTests;

/// <summary>
/// Record/replay through both stacks: calls recorded from an emulator standing in for Flock replay offline into the same
/// answers for the SK service and the chat client, streaming or not, and a request never recorded is the library's typed error.
/// </summary>
public sealed class RecordReplayRoundTripTests : IDisposable
{
    private const string UpstreamKey = "sk-upstream-roundtrip-secret-7731";
    private const string Thinking = "The user wants a greeting; keep it short.";
    private const string Answer = "Hello from the recording.";
    private const string Greeting = "Greet me, briefly.";
    private const string WeatherQuestion = "What is the weather in Paris?";

    /// <summary>Every call made while recording and again while replaying, in this order: both stacks, both modes, reasoning and a tool call.</summary>
    private static readonly Call[] Plan =
        [.. from stack in new[] { "sk", "meai" } from streaming in new[] { false, true } from tool in new[] { false, true } select new Call(stack, streaming, tool)];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "flock-roundtrip-" + Guid.NewGuid().ToString("N"));

    private sealed record Call(string Stack, bool Streaming, bool Tool);

    /// <summary>What a call gave back, in a shape both stacks fill, so a recorded and a replayed answer compare whole.</summary>
    private sealed record Outcome(string Text, string Reasoning, string ToolCalls, string? FinishReason, string? Usage, string? Id, DateTimeOffset? Created);

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public async Task Calls_recorded_through_both_stacks_replay_offline_into_the_same_answers()
    {
        var recorded = new List<Outcome>();
        string clientKey;
        int exchanges;
        await using (var upstream = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = UpstreamKey }))
        await using (var recorder = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Record = new RecordOptions(_directory, upstream.Endpoint, UpstreamKey) }))
        {
            foreach (var call in Plan)
            {
                upstream.Enqueue(call.Tool
                    ? ScriptedReply.ToolCalls(new ScriptedToolCall(call.Stack == "sk" ? "Weather_get_weather" : "get_weather", """{"city":"Paris"}""")) with { ChunkSize = 5 }
                    : ScriptedReply.Reasoning(Thinking, Answer) with { ChunkSize = 6 });
            }

            foreach (var call in Plan)
            {
                recorded.Add(await RunAsync(recorder, call));
            }

            upstream.AssertAllRepliesServed();
            Assert.Equal(Plan.Length, upstream.ChatRequests.Count);
            Assert.All(upstream.Requests, r => Assert.Equal(UpstreamKey, r.Header("x-litellm-api-key")));
            clientKey = recorder.ApiKey;
            exchanges = recorder.Requests.Count;
        }

        // What was recorded is what the stand-in answered, so the comparison below is not between two empty results.
        foreach (var (call, outcome) in Plan.Zip(recorded))
        {
            Assert.StartsWith("chatcmpl-", outcome.Id);
            Assert.NotNull(outcome.Created);
            Assert.NotNull(outcome.Usage);
            if (call.Tool)
            {
                Assert.Equal("tool_calls", outcome.FinishReason);
                Assert.Contains(call.Stack == "sk" ? " Weather.get_weather city=Paris" : " get_weather city=Paris", outcome.ToolCalls);
                Assert.Equal("", outcome.Text);
            }
            else
            {
                Assert.Equal("stop", outcome.FinishReason);
                Assert.Equal((Answer, Thinking, ""), (outcome.Text, outcome.Reasoning, outcome.ToolCalls));
            }
        }

        var files = Directory.GetFiles(_directory);
        Assert.Equal(exchanges, files.Length);
        foreach (var file in files)
        {
            var text = await File.ReadAllTextAsync(file);
            Assert.DoesNotContain(UpstreamKey, text);
            Assert.DoesNotContain(clientKey, text);
        }

        // The stand-in for Flock and the recorder are gone: only the files answer now.
        await using var replayer = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) });
        var replayed = new List<Outcome>();
        foreach (var call in Plan)
        {
            replayed.Add(await RunAsync(replayer, call));
        }

        Assert.Equal(recorded, replayed);
        Assert.Equal(Plan.Length, replayer.ChatRequests.Count);
    }

    [Theory]
    [InlineData("sk", false)]
    [InlineData("sk", true)]
    [InlineData("meai", false)]
    [InlineData("meai", true)]
    public async Task A_request_never_recorded_is_the_librarys_404_naming_the_missing_recording(string stack, bool streaming)
    {
        await using (var upstream = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = UpstreamKey }))
        await using (var recorder = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Record = new RecordOptions(_directory, upstream.Endpoint, UpstreamKey) }))
        {
            await RunAsync(recorder, new Call(stack, streaming, Tool: false));
        }

        await using var replayer = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Replay = new ReplayOptions(_directory) });
        var call = new Call(stack, streaming, Tool: false);
        FlockException error;
        if (stack == "sk")
        {
            var sk = await Assert.ThrowsAsync<FlockHttpOperationException>(() => RunAsync(replayer, call, "Never recorded"));
            Assert.Equal(HttpStatusCode.NotFound, sk.StatusCode);
            error = Assert.IsType<FlockException>(sk.InnerException);
        }
        else
        {
            error = await Assert.ThrowsAsync<FlockException>(() => RunAsync(replayer, call, "Never recorded"));
        }

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Equal("replay_no_recording", error.ErrorType);
        Assert.Contains("no recording matches POST /v1/chat/completions", error.Message);
        Assert.Contains("Never recorded", error.Message);
        Assert.Contains(_directory, error.Message);
        Assert.Single(replayer.ChatRequests);
    }

    private static Task<Outcome> RunAsync(FlockEmulator emulator, Call call, string? prompt = null)
    {
        prompt ??= call.Tool ? WeatherQuestion : Greeting;
        return call.Stack == "sk" ? SkAsync(emulator, call, prompt) : MeaiAsync(emulator, call, prompt);
    }

    private static async Task<Outcome> SkAsync(FlockEmulator emulator, Call call, string prompt)
    {
        var service = new FlockChatCompletionService(emulator.CreateFlockClient());
        var history = new ChatHistory();
        history.AddUserMessage(prompt);
        Kernel? kernel = null;
        FlockPromptExecutionSettings? settings = null;
        if (call.Tool)
        {
            kernel = new Kernel();
            kernel.Plugins.AddFromFunctions("Weather", [KernelFunctionFactory.CreateFromMethod((string city) => $"Sunny in {city}", "get_weather")]);
            settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };
        }

        if (!call.Streaming)
        {
            var answer = await service.GetChatMessageContentAsync(history, settings, kernel);
            var metadata = Assert.IsType<FlockMetadata>(answer.Metadata);
            return new(
                answer.Content ?? "",
                string.Concat(answer.Items.OfType<ReasoningContent>().Select(r => r.Text)),
                SkCalls(answer.Items.OfType<SkFunctionCallContent>()),
                metadata.FinishReason,
                metadata.Usage?.ToString(),
                metadata.Id,
                metadata.Created);
        }

        var updates = await service.GetStreamingChatMessageContentsAsync(history, settings, kernel).ToListAsync();
        var calls = new FunctionCallContentBuilder();
        foreach (var update in updates)
        {
            calls.Append(update);
        }

        var metadatas = updates.Select(u => u.Metadata).OfType<FlockMetadata>().ToList();
        return new(
            string.Concat(updates.Select(u => u.Content)),
            string.Concat(updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text)),
            SkCalls(calls.Build()),
            metadatas.LastOrDefault(m => m.FinishReason is not null)?.FinishReason,
            metadatas.LastOrDefault(m => m.Usage is not null)?.Usage?.ToString(),
            metadatas.FirstOrDefault(m => m.Id is not null)?.Id,
            metadatas.FirstOrDefault(m => m.Created is not null)?.Created);
    }

    private static async Task<Outcome> MeaiAsync(FlockEmulator emulator, Call call, string prompt)
    {
        using IChatClient client = emulator.CreateChatClient();
        var options = call.Tool ? new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"Sunny in {city}", "get_weather")] } : null;
        var response = call.Streaming
            ? await client.GetStreamingResponseAsync(prompt, options).ToChatResponseAsync()
            : await client.GetResponseAsync(prompt, options);
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        return new(
            response.Text,
            string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)),
            string.Join(" | ", contents.OfType<MeaiFunctionCallContent>().Select(c => $"{c.CallId} {c.Name} {Arguments(c.Arguments)}")),
            response.FinishReason?.Value,
            response.Usage is { } usage ? $"{usage.InputTokenCount}/{usage.OutputTokenCount}/{usage.TotalTokenCount}" : null,
            response.ResponseId,
            response.CreatedAt);
    }

    private static string SkCalls(IEnumerable<SkFunctionCallContent> calls) =>
        string.Join(" | ", calls.Select(c => $"{c.Id} {c.PluginName}.{c.FunctionName} {Arguments(c.Arguments)}"));

    private static string Arguments(IEnumerable<KeyValuePair<string, object?>>? arguments) =>
        string.Join(",", (arguments ?? []).Select(a => $"{a.Key}={a.Value}"));
}
