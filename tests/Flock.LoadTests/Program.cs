using Flock.LoadTests;

// dotnet run --project tests/Flock.LoadTests -c Release [-- --ci | --rate-limits]
if (args.Contains("--rate-limits"))
{
    return await RateLimitRun.RunAsync(Console.Out) ? 0 : 1;
}

var report = await LoadRun.RunAsync(args.Contains("--ci") ? LoadProfile.Ci : LoadProfile.Full, Console.Out);
return report.Succeeded ? 0 : 1;
