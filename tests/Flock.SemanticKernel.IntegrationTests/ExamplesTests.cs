using System.Diagnostics;

namespace Flock.SemanticKernel.IntegrationTests;

/// <summary>Runs every example program offline (no FLOCK_API_KEY) and checks what it prints.</summary>
[Collection(nameof(ExamplesTests))]
public sealed class ExamplesTests
{
    /// <summary>Each example, with lines its output must contain besides the emulator notice.</summary>
    public static TheoryData<string, string[]> Examples => new()
    {
        { "01-quickstart.cs", ["Assistant: ", "Tokens: "] },
        { "02-chat.cs", ["Assistant: ", "Tokens: ", "And where should I eat nearby?"] },
        { "03-settings.cs", ["Choice 0: ", "Choice 1: ", "(finish: length)", "From a template: temperature = 0.1", "Rejected before sending: temperature must be between 0 and 2"] },
        { "04-chat-client.cs", ["Answer: ", "Streamed: ", " tokens]", "Middleware saw 1 call(s). Provider: flock."] },
        { "05-models.cs", ["6 models:", "qwen3-30b-a3b-instruct-2507"] },
        { "06-plugins.cs", ["Sunny and 21°C in Paris", "14:05 in Paris", "Called Weather.get_weather([city, Paris])", "Called Clock.get_local_time([city, Paris])"] },
        { "07-agent-framework.cs", ["Agent: The get_weather tool returned: Sunny and 21°C in Rome", "14:05 in Rome", "Agent (streamed): "] },
        { "08-reasoning.cs", ["Reasoning: The user wrote", "Answer:    You asked", "Streamed reasoning: The user wrote", "Streamed answer:    You asked", "MEAI reasoning: The user wrote", "MEAI answer:    You asked"] },
        { "09-structured-output.cs", ["MEAI: ", " days, highlights: ", "SK:   ", "JSON object: {"] },
        { "10-telemetry.cs", ["SK answered: You asked", "MEAI answered: You asked", "Activity.DisplayName:        chat qwen3-30b-a3b-instruct-2507", "gen_ai.provider.name: flock", "gen_ai.response.time_to_first_chunk: ", "gen_ai.input.messages: [", "\"role\": \"user\"", "Metric Name: gen_ai.client.token.usage", "Metric Name: gen_ai.client.operation.duration"] },
        { "11-configuration.cs", ["Options: FlockOptions { Endpoint = http://127.0.0.1:", "ApiKey = (set)", "SK: You asked", "Text generation: You asked", "MEAI: You asked", "Start-up validation failed: Flock: ApiKey is missing"] },
        { "12-text-generation.cs", ["Text: You asked", "Streamed: You asked", "Raw text prompt:   You asked: \"Once upon a time\"", "(finish: stop, ", "Raw tokens:        You asked: \"Hi!\"", "Raw token arrays:  You asked: \"Hi<|endoftext|>Ok\"", " tokens]"] },
        { "13-image-generation.cs", ["SK:   image/png, ", " bytes, written to ", ".png", "MEAI: image/png, "] },
        { "14-thinking-tags.cs", ["As sent:   <think> The user wrote", "Reasoning: The user wrote", "Answer:    You asked", "SK streamed reasoning: The user wrote", "SK streamed answer:    You asked", "Thinking off: 0 reasoning items, answer: You asked"] },
        { "15-catalogue-and-cost.cs", ["5 models in the catalogue:", "USD/M in 0.1 out 0.3, tools yes, vision no", "USD/M in ? out ?", "Default model: qwen3-30b-a3b-instruct-2507, at most 32768 output tokens.", "Refused before sending: max_tokens must be at most 32768", "MEAI answer cost: 0.0000", " nano-USD) for ", "SK answer cost: 0.0000", "(input 0.0000"] },
    };

    [Fact]
    public void EveryExampleFile_IsCovered()
    {
        var files = Directory.GetFiles(Path.Combine(RepoRoot, "examples"), "*.cs").Select(Path.GetFileName).Order().ToArray();
        var covered = Examples.Select(row => (string)row[0]).Order().ToArray();
        Assert.Equal(files, covered);
    }

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_RunsOfflineOnTheEmulator(string file, string[] expected)
    {
        var (exitCode, output) = await RunAsync(Path.Combine("examples", file));

        Assert.True(exitCode == 0, $"{file} exited with {exitCode}:\n{output}");
        var firstLine = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.Contains("offline Flock emulator", firstLine);
        foreach (var text in expected)
        {
            Assert.Contains(text, output);
        }
    }

    private static string RepoRoot { get; } = FindRepoRoot();

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Flock.SemanticKernel.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Flock.SemanticKernel.sln) was not found above the test binaries.");
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file)
    {
        var start = new ProcessStartInfo("dotnet", ["run", file])
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };

        // Offline, whatever the machine has set; and free of the test host's MSBuild settings.
        foreach (var name in new[] { "FLOCK_API_KEY", "FLOCK_ENDPOINT", "FLOCK_MODEL" })
        {
            start.Environment.Remove(name);
        }

        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} did not finish within 4 minutes.");
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
