using System.Runtime.InteropServices;

namespace Flock.Emulator.Tool;

/// <summary>flock-emulator: the console and the signals; <see cref="EmulatorTool"/> does the rest (and is what the tests run in-process).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        return await EmulatorTool.RunAsync(args, Environment.GetEnvironmentVariable, Console.Out, Console.Error, stop.Token);
    }
}
