using System.Net;
using System.Net.Sockets;
using Flock.Emulator.Protocol;
using Microsoft.Extensions.Logging;

namespace Flock.Emulator;

/// <summary>Settings for a <see cref="FlockEmulator"/>: where it listens, which key it accepts and which models it serves.</summary>
public sealed class FlockEmulatorOptions
{
    /// <summary>
    /// The model ids served when <see cref="Models"/> is left unchanged: instruct and thinking models, two that put their
    /// thinking inside the content (<c>deepseek-r1-distill-qwen-32b</c> as <c>&lt;think&gt;…&lt;/think&gt;</c>,
    /// <c>qwen3-30b-a3b-thinking-2507</c> with only the closing tag), and <c>llama-3.3-70b-instruct</c>, which
    /// <c>/model/info</c> does not describe.
    /// </summary>
    public static IReadOnlyList<string> DefaultModels { get; } = ModelCatalog.BuiltIn.Select(m => m.Id).ToArray();

    /// <summary>TCP port to listen on; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Address to bind; must be a loopback address unless <see cref="AllowNonLoopback"/> is set.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Allows <see cref="Host"/> to be a non-loopback address (exposes the emulator to the network).</summary>
    public bool AllowNonLoopback { get; set; }

    /// <summary>The key clients must send in the <c>x-litellm-api-key</c> header.</summary>
    public string ApiKey { get; set; } = "sk-flock-emulator";

    /// <summary>Accepts the key as <c>Authorization: Bearer</c> too, as the proxy does; default true. When false such a request gets a 401 naming <c>x-litellm-api-key</c>.</summary>
    public bool AcceptAuthorizationHeader { get; set; } = true;

    /// <summary>The clock behind every scripted delay and timestamp; default <see cref="TimeProvider.System"/>. Tests may pass a fake one.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>An error status (e.g. 404 or 403) that <c>/model/info</c> answers instead of the catalogue; null serves it.</summary>
    public int? ModelInfoStatus { get; set; }

    /// <summary>Proxies every request to a real Flock endpoint and records the exchanges to files; see <see cref="RecordOptions"/>.</summary>
    public RecordOptions? Record { get; set; }

    /// <summary>Serves recorded exchanges offline, byte for byte; see <see cref="ReplayOptions"/>.</summary>
    public ReplayOptions? Replay { get; set; }

    /// <summary>Model ids the emulator serves; requests naming any other model get a 400.</summary>
    public IList<string> Models { get; } = new List<string>(DefaultModels);

    /// <summary>Logger factory for Kestrel and the emulator; null keeps the emulator silent.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    internal FlockEmulatorOptions Snapshot()
    {
        var copy = new FlockEmulatorOptions
        {
            Port = Port,
            Host = Host,
            AllowNonLoopback = AllowNonLoopback,
            ApiKey = ApiKey,
            AcceptAuthorizationHeader = AcceptAuthorizationHeader,
            LoggerFactory = LoggerFactory,
            TimeProvider = TimeProvider,
            ModelInfoStatus = ModelInfoStatus,
            Record = Record,
            Replay = Replay,
        };
        copy.Models.Clear();
        foreach (var model in Models)
        {
            copy.Models.Add(model);
        }

        return copy;
    }

    /// <summary>Checks the settings and resolves <see cref="Host"/> to the address to bind.</summary>
    internal IPAddress Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(Port), Port, "Port must be between 0 and 65535 (0 picks a free port).");
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            throw new ArgumentException("ApiKey must not be empty.", nameof(ApiKey));
        }

        if (Models.Count == 0 || Models.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Models must contain at least one non-empty model id.", nameof(Models));
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
        CheckModelInfoStatus(ModelInfoStatus);
        if (Record is not null && Replay is not null)
        {
            throw new ArgumentException("Record and Replay cannot both be set: record once, then replay.", nameof(Replay));
        }

        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("Host must not be empty.", nameof(Host));
        }

        var address = ResolveHost(Host);
        if (!IPAddress.IsLoopback(address) && !AllowNonLoopback)
        {
            throw new ArgumentException(
                $"Host '{Host}' is not a loopback address. The emulator only binds loopback unless AllowNonLoopback is set (--allow-non-loopback).",
                nameof(Host));
        }

        return address;
    }

    internal static void CheckModelInfoStatus(int? status)
    {
        if (status is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(ModelInfoStatus), status, "ModelInfoStatus is an error status (400-599, e.g. 404 or 403), or null to serve /model/info.");
        }
    }

    private static IPAddress ResolveHost(string host)
    {
        var trimmed = host.Trim().Trim('[', ']');
        if (string.Equals(trimmed, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (IPAddress.TryParse(trimmed, out var parsed))
        {
            return parsed;
        }

        try
        {
            var addresses = Dns.GetHostAddresses(trimmed);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? addresses.FirstOrDefault()
                ?? throw new ArgumentException($"Host '{host}' did not resolve to any address.", nameof(Host));
        }
        catch (SocketException ex)
        {
            throw new ArgumentException($"Host '{host}' could not be resolved: {ex.Message}", nameof(Host), ex);
        }
    }
}
