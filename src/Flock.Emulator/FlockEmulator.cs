using System.Net;
using System.Net.Sockets;
using Flock.Emulator.Hosting;
using Flock.Emulator.Scripting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flock.Emulator;

/// <summary>A real loopback HTTP server speaking the Flock (LiteLLM proxy) API, with scripted replies and request recording.</summary>
public sealed class FlockEmulator : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly RequestLog _log;
    private readonly ScriptQueue _script;
    private int _disposed;

    private FlockEmulator(WebApplication app, CancellationTokenSource stopping, RequestLog log, ScriptQueue script, Uri endpoint, FlockEmulatorOptions options)
    {
        _app = app;
        _stopping = stopping;
        _log = log;
        _script = script;
        Endpoint = endpoint;
        ApiKey = options.ApiKey;
        Models = options.Models.ToArray();
    }

    /// <summary>The API base address, e.g. <c>http://127.0.0.1:54321/v1</c> (no trailing slash).</summary>
    public Uri Endpoint { get; }

    /// <summary>The key the emulator accepts in <c>x-litellm-api-key</c>.</summary>
    public string ApiKey { get; }

    /// <summary>The model ids the emulator serves.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _log.Snapshot();

    /// <summary>How many scripted replies are still waiting to be served.</summary>
    public int PendingReplyCount => _script.Count;

    /// <summary>Starts an emulator (on a free loopback port by default) and returns once it accepts connections.</summary>
    public static async Task<FlockEmulator> StartAsync(FlockEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var settings = (options ?? new FlockEmulatorOptions()).Snapshot();
        var address = settings.Validate();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(settings.LoggerFactory ?? NullLoggerFactory.Instance);
        builder.Services.AddSingleton<IHostLifetime, NoopHostLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopTimeout);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            kestrel.Listen(address, settings.Port);
        });

        var app = builder.Build();
        var stopping = new CancellationTokenSource();
        var log = new RequestLog();
        var script = new ScriptQueue();
        var handler = new EmulatorHandler(settings, log, script, stopping.Token);
        app.Run(handler.HandleAsync);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            stopping.Dispose();
            throw;
        }

        var port = BoundPort(app, settings.Port);
        var host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        if (address.Equals(IPAddress.Any))
        {
            host = IPAddress.Loopback.ToString();
        }
        else if (address.Equals(IPAddress.IPv6Any))
        {
            host = "[::1]";
        }

        var endpoint = new Uri($"http://{host}:{port}/v1", UriKind.Absolute);
        return new FlockEmulator(app, stopping, log, script, endpoint, settings);
    }

    /// <summary>Forgets the requests recorded so far.</summary>
    public void ClearRequests() => _log.Clear();

    /// <summary>Queues a scripted reply (FIFO) for the next chat completion or image generation request.</summary>
    public FlockEmulator Enqueue(ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _script.Enqueue(reply);
        return this;
    }

    /// <summary>Drops every scripted reply not yet served.</summary>
    public void ClearScript() => _script.Clear();

    /// <summary>Stops the server: open streams are cut, then Kestrel shuts down.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync();
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Shutdown took too long; disposing below closes what is left.
            }
        }

        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private static int BoundPort(WebApplication app, int requested)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        foreach (var bound in addresses ?? [])
        {
            if (Uri.TryCreate(bound, UriKind.Absolute, out var uri) && uri.Port > 0)
            {
                return uri.Port;
            }
        }

        return requested;
    }
}
