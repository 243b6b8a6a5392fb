using System.Diagnostics;
using System.Globalization;
using Flock.FirstCall;

// Measured process: `Flock.FirstCall --client NAME --endpoint URL` runs one client once and reports its clock readings.
// Driver: `Flock.FirstCall [--runs N] [--clients a,b,…]` serves the canned reply on loopback and starts the measured
// processes, interleaved, one fresh process per measurement. `Flock.FirstCall --serve` only serves, until standard input
// closes, for profiling one client by hand.
var mainEntered = Stopwatch.GetTimestamp();
var client = Option(args, "--client");
if (client is not null)
{
    using var typeLoads = TypeLoads.StartIfAsked();
    return await Clients.RunAsync(client, new Uri(Option(args, "--endpoint") ?? throw new ArgumentException("--endpoint is required.")), mainEntered, typeLoads);
}

if (args.Contains("--serve"))
{
    // For profiling one client by hand (see README.md): serve until standard input closes.
    await using var server = new CannedServer();
    Console.WriteLine(server.Endpoint);
    await Console.In.ReadToEndAsync();
    return 0;
}

var runs = int.Parse(Option(args, "--runs") ?? "7", CultureInfo.InvariantCulture);
var names = (Option(args, "--clients") ?? string.Join(',', Clients.Names)).Split(',', StringSplitOptions.RemoveEmptyEntries);
return await Driver.RunAsync(runs, names);

static string? Option(string[] args, string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
