using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace Flock.Emulator;

/// <summary>Settings for a <see cref="FlockEmulator"/>: where it listens, which key it accepts and which models it serves.</summary>
public sealed class FlockEmulatorOptions
{
    /// <summary>The model ids served when <see cref="Models"/> is left unchanged.</summary>
    public static IReadOnlyList<string> DefaultModels { get; } =
    [
        "qwen3-30b-a3b-instruct-2507",
        "qwen3-235b-a22b-thinking-2507",
        "deepseek-v3.1",
    ];

    /// <summary>TCP port to listen on; 0 picks a free port.</summary>
    public int Port { get; set; }

    /// <summary>Address to bind; must be a loopback address unless <see cref="AllowNonLoopback"/> is set.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Allows <see cref="Host"/> to be a non-loopback address (exposes the emulator to the network).</summary>
    public bool AllowNonLoopback { get; set; }

    /// <summary>The key clients must send in the <c>x-litellm-api-key</c> header.</summary>
    public string ApiKey { get; set; } = "sk-flock-emulator";

    /// <summary>Also accepts the key as <c>Authorization: Bearer</c> (the real proxy does; off so tests catch a missing Flock header).</summary>
    public bool AcceptAuthorizationHeader { get; set; }

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
