using System.Globalization;

namespace Flock.Emulator.Tool;

/// <summary>What <c>flock-emulator</c> was asked to do: the emulator's options and the script to load, or help.</summary>
internal sealed class CommandLine
{
    /// <summary>The port used when <c>--port</c> is not given.</summary>
    public const int DefaultPort = 8787;

    public const string Usage = """
        flock-emulator: a loopback server speaking the Flock (LiteLLM proxy) API, for offline apps, examples and tests.

        Usage: flock-emulator [options]

        Options:
          --port N                 port to listen on (default 8787; 0 picks a free port)
          --host H                 address to bind (default 127.0.0.1)
          --allow-non-loopback     allow --host to be a non-loopback address (exposes the emulator to the network)
          --api-key K              the key clients must send in x-litellm-api-key (default sk-flock-emulator)
          --no-bearer              refuse the key as Authorization: Bearer (accepted by default, as the proxy does)
          --model M                serve model M; repeat for several; replaces the default models
          --add-model M            serve model M as well as the default models (or those of --model); repeat for several
          --model-info-status N    answer /model/info with error status N (400-599, e.g. 404 or 403)
          --rate-limit-requests N  allow the key N requests a window (LiteLLM's limiter: x-ratelimit-api_key-* headers,
                                   429 with retry-after and reset_at when none are left)
          --rate-limit-tokens N    allow the key N (output) tokens a window
          --rate-limit-window D    the window's length, e.g. 1s, 500ms, 1m (default 60s)
          --upstream-rate-limit-headers
                                   also send the upstream's OpenAI-form headers, with the window's reset
          --script FILE            serve the scripted replies and faults in FILE (JSON) first, in order
          --record DIR             forward every request to the upstream and record each exchange into DIR; the
                                   upstream key is read from FLOCK_API_KEY (never from the command line)
          --upstream URL           the upstream for --record (default FLOCK_ENDPOINT, else https://api.flock.io/v1)
          --replay DIR             answer from the recordings in DIR, offline
          --help, -h               show this text
          --version                show the version

        Options take their value as the next argument or after '=' (--port=8787).

        Script file: {"replies": [{"text": "Hello!", "chunkSize": 2}, {"error": {"status": 429, "message": "Slow down"},
        "retryAfter": "2s"}, {"text": "Cut short", "faults": [{"type": "cut", "afterChunks": 1}]}]}; see the package README.
        """;

    /// <summary>The options that take a value; <see cref="Parse"/> knows each of them and <see cref="Usage"/> lists them.</summary>
    internal static readonly string[] ValueOptions =
        ["--port", "--host", "--api-key", "--model", "--add-model", "--model-info-status", "--script", "--record", "--upstream", "--replay",
            "--rate-limit-requests", "--rate-limit-tokens", "--rate-limit-window"];

    /// <summary>The options that take no value.</summary>
    internal static readonly string[] Flags = ["--allow-non-loopback", "--no-bearer", "--help", "-h", "--version", "--upstream-rate-limit-headers"];

    private CommandLine(FlockEmulatorOptions options, string? scriptPath, bool showHelp, bool showVersion)
    {
        Options = options;
        ScriptPath = scriptPath;
        ShowHelp = showHelp;
        ShowVersion = showVersion;
    }

    /// <summary>The options to start the emulator with.</summary>
    public FlockEmulatorOptions Options { get; }

    /// <summary>The full path of the script file, if one was given.</summary>
    public string? ScriptPath { get; }

    /// <summary>True when <c>--help</c> was asked for: print <see cref="Usage"/> and start nothing.</summary>
    public bool ShowHelp { get; }

    /// <summary>True when <c>--version</c> was asked for.</summary>
    public bool ShowVersion { get; }

    /// <summary>Reads the arguments; <paramref name="environment"/> gives <c>FLOCK_API_KEY</c> and <c>FLOCK_ENDPOINT</c> for <c>--record</c>.</summary>
    /// <exception cref="CommandLineException">An unknown option, a missing or malformed value, or options that do not go together.</exception>
    public static CommandLine Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var options = new FlockEmulatorOptions { Port = DefaultPort };
        var models = new List<string>();
        var addedModels = new List<string>();
        string? script = null, record = null, upstream = null, replay = null;
        bool help = false, version = false;

        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count || (args[i + 1].StartsWith("--", StringComparison.Ordinal) && args[i + 1].Length > 2))
                {
                    throw new CommandLineException($"{arg} needs a value.");
                }

                return args[++i];
            }

            if (inline is not null && !ValueOptions.Contains(arg))
            {
                throw new CommandLineException($"{arg} takes no value.");
            }

            switch (arg)
            {
                case "--port":
                    options.Port = Integer(arg, Value(), 0, 65535);
                    break;
                case "--host":
                    options.Host = NotEmpty(arg, Value());
                    break;
                case "--allow-non-loopback":
                    options.AllowNonLoopback = true;
                    break;
                case "--api-key":
                    options.ApiKey = NotEmpty(arg, Value());
                    break;
                case "--no-bearer":
                    options.AcceptAuthorizationHeader = false;
                    break;
                case "--model":
                    models.Add(NotEmpty(arg, Value()));
                    break;
                case "--add-model":
                    addedModels.Add(NotEmpty(arg, Value()));
                    break;
                case "--model-info-status":
                    options.ModelInfoStatus = Integer(arg, Value(), 400, 599);
                    break;
                case "--script":
                    script = Once(arg, script, NotEmpty(arg, Value()));
                    break;
                case "--record":
                    record = Once(arg, record, NotEmpty(arg, Value()));
                    break;
                case "--upstream":
                    upstream = Once(arg, upstream, NotEmpty(arg, Value()));
                    break;
                case "--replay":
                    replay = Once(arg, replay, NotEmpty(arg, Value()));
                    break;
                case "--rate-limit-requests":
                    options.RateLimitRequests = Integer(arg, Value(), 1, int.MaxValue);
                    break;
                case "--rate-limit-tokens":
                    options.RateLimitTokens = Integer(arg, Value(), 1, int.MaxValue);
                    break;
                case "--rate-limit-window":
                    options.RateLimitWindow = Window(arg, Value());
                    break;
                case "--upstream-rate-limit-headers":
                    options.UpstreamRateLimitHeaders = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                case "--version":
                    version = true;
                    break;
                default:
                    throw new CommandLineException($"Unknown option '{arg}'.");
            }
        }

        if (models.Count > 0)
        {
            options.Models.Clear();
        }

        foreach (var model in models.Concat(addedModels).Where(m => !options.Models.Contains(m)))
        {
            options.Models.Add(model);
        }

        if (record is not null && replay is not null)
        {
            throw new CommandLineException("--record and --replay cannot be used together: record once, then replay.");
        }

        if (upstream is not null && record is null)
        {
            throw new CommandLineException("--upstream is the address --record forwards to; give --record DIR too.");
        }

        if (script is not null && (record is not null || replay is not null))
        {
            throw new CommandLineException($"--script does not apply with {(record is not null ? "--record (the upstream answers)" : "--replay (the recordings answer)")}.");
        }

        if (record is not null && !help && !version)
        {
            var key = environment("FLOCK_API_KEY");
            if (string.IsNullOrWhiteSpace(key))
            {
                throw new CommandLineException("--record needs FLOCK_API_KEY set to the upstream's key (it is read from the environment, never from the command line).");
            }

            var address = upstream ?? (environment("FLOCK_ENDPOINT") is { Length: > 0 } endpoint ? endpoint : "https://api.flock.io/v1");
            var source = upstream is not null ? "--upstream" : "FLOCK_ENDPOINT";
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new CommandLineException($"{source} must be an absolute http or https address, got '{address}'.");
            }

            options.Record = new RecordOptions(record, uri, key);
        }

        if (replay is not null)
        {
            options.Replay = new ReplayOptions(replay);
        }

        return new CommandLine(options, script is null ? null : Path.GetFullPath(script), help, version);
    }

    private static int Integer(string option, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new CommandLineException($"{option} takes a whole number from {min} to {max}, got '{text}'.");

    /// <summary>A window's length: a number with <c>ms</c>, <c>s</c>, <c>m</c> or <c>h</c> (<c>1s</c>, <c>500ms</c>, <c>1m</c>).</summary>
    private static TimeSpan Window(string option, string text)
    {
        var unit = text.EndsWith("ms", StringComparison.Ordinal) ? "ms" : text.Length > 0 ? text[^1..] : "";
        var number = text[..^Math.Min(unit.Length, text.Length)];
        if (unit is "ms" or "s" or "m" or "h" && double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return unit switch { "ms" => TimeSpan.FromMilliseconds(value), "s" => TimeSpan.FromSeconds(value), "m" => TimeSpan.FromMinutes(value), _ => TimeSpan.FromHours(value) };
        }

        throw new CommandLineException($"{option} takes a length such as 1s, 500ms or 1m, got '{text}'.");
    }

    private static string NotEmpty(string option, string text) =>
        string.IsNullOrWhiteSpace(text) ? throw new CommandLineException($"{option} needs a non-empty value.") : text;

    private static string Once(string option, string? previous, string value) =>
        previous is null ? value : throw new CommandLineException($"{option} is given twice.");
}

/// <summary>The command line cannot be used: the message says which option and why.</summary>
internal sealed class CommandLineException(string message) : Exception(message);
