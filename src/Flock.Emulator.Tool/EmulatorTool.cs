using System.Reflection;

namespace Flock.Emulator.Tool;

/// <summary>The tool's work, apart from the console and signals: parse, start, say where, serve until stopped.</summary>
internal static class EmulatorTool
{
    /// <summary>Exit code for a command line that cannot be used.</summary>
    public const int UsageError = 2;

    /// <summary>Exit code for an emulator that could not start (port taken, a bad script, a missing replay directory…).</summary>
    public const int StartError = 1;

    /// <summary>Runs the emulator until <paramref name="stop"/> is cancelled and returns the exit code.</summary>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, Func<string, string?> environment, TextWriter output, TextWriter error, CancellationToken stop)
    {
        CommandLine command;
        try
        {
            command = CommandLine.Parse(args, environment);
        }
        catch (Exception ex) when (ex is CommandLineException or ArgumentException)
        {
            await error.WriteLineAsync($"error: {ex.Message}");
            await error.WriteLineAsync("Run flock-emulator --help to see every option.");
            return UsageError;
        }

        if (command.ShowHelp)
        {
            await output.WriteLineAsync(CommandLine.Usage);
            return 0;
        }

        if (command.ShowVersion)
        {
            await output.WriteLineAsync(Version());
            return 0;
        }

        FlockEmulator emulator;
        IReadOnlyList<ScriptedReply> script = [];
        try
        {
            if (command.ScriptPath is { } path)
            {
                script = FlockEmulatorScript.Load(path);
            }

            emulator = await FlockEmulator.StartAsync(command.Options, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // IOException covers a port in use, a missing script or replay directory and an unreadable recording.
            await error.WriteLineAsync($"error: {ex.Message}");
            return StartError;
        }

        await using (emulator)
        {
            foreach (var reply in script)
            {
                emulator.Enqueue(reply);
            }

            await WriteBannerAsync(output, emulator, command);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, stop);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C or SIGTERM: stop below.
            }

            await output.WriteLineAsync("Stopping.");
        }

        return 0;
    }

    private static async Task WriteBannerAsync(TextWriter output, FlockEmulator emulator, CommandLine command)
    {
        var options = command.Options;
        // The first line is what scripts wait for (CI reads the endpoint from it).
        await output.WriteLineAsync($"Flock emulator listening on {emulator.Endpoint}");
        await output.WriteLineAsync($"API key: {emulator.ApiKey} (header x-litellm-api-key)");
        await output.WriteLineAsync($"Models: {string.Join(", ", emulator.Models)}");
        if (options.Record is { } record)
        {
            await output.WriteLineAsync($"Recording exchanges with {record.Upstream} into {record.Directory} (the upstream key comes from FLOCK_API_KEY)");
        }
        else if (options.Replay is { } replay)
        {
            await output.WriteLineAsync($"Replaying the recordings in {replay.Directory}");
        }
        else if (command.ScriptPath is { } path)
        {
            await output.WriteLineAsync($"Script: {emulator.PendingReplyCount} scripted replies from {path}, then the built-in answers");
        }

        await output.WriteLineAsync();
        await output.WriteLineAsync("Point the examples and an app at it with these environment variables:");
        await output.WriteLineAsync($"FLOCK_ENDPOINT={emulator.Endpoint}");
        await output.WriteLineAsync($"FLOCK_API_KEY={emulator.ApiKey}");
        await output.WriteLineAsync($"FLOCK_MODEL={emulator.DefaultModelId}");
        await output.WriteLineAsync("or, for an app using Flock.Aspire's AddFlockChatClient(\"chat\"):");
        await output.WriteLineAsync($"ConnectionStrings__chat=Endpoint={emulator.Endpoint};Key={emulator.ApiKey};Model={emulator.DefaultModelId}");
        await output.WriteLineAsync();
        await output.WriteLineAsync("Press Ctrl+C to stop.");
    }

    private static string Version() =>
        typeof(EmulatorTool).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion is { } version
            ? $"flock-emulator {version.Split('+')[0]}"
            : "flock-emulator";
}
