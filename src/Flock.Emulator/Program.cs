using System.Globalization;
using System.Runtime.InteropServices;

namespace Flock.Emulator;

/// <summary>Standalone entry point: <c>dotnet run --project src/Flock.Emulator -- --port 8787</c>.</summary>
internal static class EmulatorProgram
{
    private const string Usage = """
        Flock emulator: a loopback server speaking the Flock (LiteLLM proxy) API.

        Options:
          --port N                 port to listen on (default 8787; 0 picks a free port)
          --host H                 address to bind (default 127.0.0.1)
          --allow-non-loopback     allow --host to be a non-loopback address
          --api-key K              key clients must send in x-litellm-api-key (default sk-flock-emulator)
          --model M                serve model M (repeat for several; replaces the default list)
          --no-bearer              refuse Authorization: Bearer <key> (accepted by default, as the proxy does)
          --model-info-status N    answer /model/info with error status N (e.g. 404 or 403)
          --record DIR             proxy to FLOCK_ENDPOINT (default https://api.flock.io/v1) with FLOCK_API_KEY and
                                   record every exchange into DIR
          --replay DIR             answer from the recordings in DIR, offline
          --help                   show this text
        """;

    public static async Task<int> Main(string[] args)
    {
        var options = new FlockEmulatorOptions { Port = 8787 };
        var models = new List<string>();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
                switch (args[i])
                {
                    case "--port":
                        options.Port = int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
                        break;
                    case "--host":
                        options.Host = Next();
                        break;
                    case "--allow-non-loopback":
                        options.AllowNonLoopback = true;
                        break;
                    case "--api-key":
                        options.ApiKey = Next();
                        break;
                    case "--model":
                        models.Add(Next());
                        break;
                    case "--accept-bearer":
                        options.AcceptAuthorizationHeader = true;
                        break;
                    case "--no-bearer":
                        options.AcceptAuthorizationHeader = false;
                        break;
                    case "--model-info-status":
                        options.ModelInfoStatus = int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
                        break;
                    case "--record":
                        options.Record = RecordOptions.FromEnvironment(Next());
                        break;
                    case "--replay":
                        options.Replay = new ReplayOptions(Next());
                        break;
                    case "--help" or "-h":
                        Console.WriteLine(Usage);
                        return 0;
                    default:
                        throw new ArgumentException($"Unknown option '{args[i]}'.");
                }
            }

            if (models.Count > 0)
            {
                options.Models.Clear();
                models.ForEach(options.Models.Add);
            }

            var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Console.CancelKeyPress += (_, e) =>
            {
                e.Cancel = true;
                stop.TrySetResult();
            };
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.TrySetResult();
            });

            await using var emulator = await FlockEmulator.StartAsync(options);
            Console.WriteLine($"Flock emulator listening on {emulator.Endpoint}");
            Console.WriteLine($"API key: {emulator.ApiKey} (header x-litellm-api-key)");
            Console.WriteLine($"Models: {string.Join(", ", emulator.Models)}");
            if (options.Record is { } record)
            {
                Console.WriteLine($"Recording exchanges with {record.Upstream} into {record.Directory}");
            }
            else if (options.Replay is { } replay)
            {
                Console.WriteLine($"Replaying the recordings in {replay.Directory}");
            }

            Console.WriteLine("Press Ctrl+C to stop.");
            await stop.Task;
            Console.WriteLine("Stopping.");
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }
}
