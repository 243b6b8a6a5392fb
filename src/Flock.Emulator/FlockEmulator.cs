using System.Net;
using System.Net.Sockets;
using Flock.Emulator.Hosting;
using Flock.Emulator.Recording;
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
public sealed partial class FlockEmulator : IAsyncDisposable
{
    // A bound on shutdown, not a wait: StopAsync returns as soon as Kestrel has stopped.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(2);

    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private readonly EmulatorState _state;
    private int _disposed;

    private FlockEmulator(WebApplication app, CancellationTokenSource stopping, EmulatorState state, Uri endpoint)
    {
        _app = app;
        _stopping = stopping;
        _state = state;
        Endpoint = endpoint;
        ApiKey = state.Options.ApiKey;
        Models = Array.AsReadOnly(state.Options.Models.ToArray());
    }

    /// <summary>The API base address, e.g. <c>http://127.0.0.1:54321/v1</c> (no trailing slash).</summary>
    public Uri Endpoint { get; }

    /// <summary>The key the emulator accepts in <c>x-litellm-api-key</c> (or <c>Authorization: Bearer</c>).</summary>
    public string ApiKey { get; }

    /// <summary>The model ids the emulator serves.</summary>
    public IReadOnlyList<string> Models { get; }

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Log.Snapshot();

    /// <summary>How many scripted replies are still waiting to be served.</summary>
    public int PendingReplyCount => _state.Script.Count;

    /// <summary>An error status (e.g. 404 or 403) that <c>/model/info</c> answers from now on; null serves the catalogue.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The status is not between 400 and 599.</exception>
    public int? ModelInfoStatus
    {
        get => _state.ModelInfoStatus;
        set
        {
            FlockEmulatorOptions.CheckModelInfoStatus(value);
            _state.ModelInfoStatus = value;
        }
    }

    /// <summary>What the key has spent so far in USD: the start options' <see cref="FlockEmulatorOptions.KeySpend"/> plus each priced answer's cost.</summary>
    public decimal KeySpend => _state.Key.Spend;

    /// <summary>Starts an emulator (on a free loopback port by default) and returns once it accepts connections.</summary>
    /// <exception cref="ArgumentException">The options are invalid (non-loopback host without opt-in, empty key or model list…).</exception>
    /// <exception cref="DirectoryNotFoundException">Replay was asked for from a directory that does not exist.</exception>
    /// <exception cref="InvalidDataException">A file in the replay directory is not a recording.</exception>
    public static async Task<FlockEmulator> StartAsync(FlockEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var settings = (options ?? new FlockEmulatorOptions()).Snapshot();
        var address = settings.Validate();
        var replayer = settings.Replay is { } replay ? new Replayer(replay) : null;
        var recorder = settings.Record is { } record ? new Recorder(record) : null;
        var state = new EmulatorState(settings, recorder, replayer);

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
        var handler = new EmulatorHandler(state, stopping.Token);
        app.Run(handler.HandleAsync);

        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            stopping.Dispose();
            recorder?.Dispose();
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
        return new FlockEmulator(app, stopping, state, endpoint);
    }

    /// <summary>Queues a scripted reply (FIFO) for the next chat completion or image generation request.</summary>
    public FlockEmulator Enqueue(ScriptedReply reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _state.Script.Enqueue(reply);
        return this;
    }

    /// <summary>
    /// Makes calls routed to <paramref name="model"/> fail upstream, as a model server that is down: the proxy retries it
    /// (<see cref="FlockEmulatorOptions.ProxyRetries"/>), then tries the request's <c>fallbacks</c> in order; the first that
    /// answers does so with <c>x-litellm-attempted-fallbacks</c> and itself as the model. Every attempt counts against
    /// <paramref name="times"/> (null: until <see cref="ClearModelFaults"/>). The failure is <paramref name="status"/>
    /// (default 503) with <paramref name="message"/>, as the proxy relays an upstream error.
    /// </summary>
    /// <exception cref="ArgumentException">The model is not served, or the message is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The status is not 400–599, or <paramref name="times"/> is below 1.</exception>
    public FlockEmulator FailModel(string model, int? times = null, int status = 503, string message = "The model server is unavailable")
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentException.ThrowIfNullOrEmpty(message);
        if (!Models.Contains(model))
        {
            throw new ArgumentException($"'{model}' is not served by this emulator (serves: {string.Join(", ", Models)}).", nameof(model));
        }

        if (status is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "A model failure is an error status, 400 to 599.");
        }

        if (times is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(times), times, "A model fails at least once (null: until ClearModelFaults).");
        }

        _state.Faults.Set(model, times, status, message);
        return this;
    }

    /// <summary>Makes every model answer again.</summary>
    public void ClearModelFaults() => _state.Faults.Clear();

    /// <summary>Forgets the requests recorded so far.</summary>
    public void ClearRequests() => _state.Log.Clear();

    /// <summary>Drops every scripted reply not yet served.</summary>
    public void ClearScript() => _state.Script.Clear();

    /// <summary>
    /// Makes a shared emulator as good as new for the next test: forgets recorded requests, drops unserved scripted replies,
    /// serves <c>/model/info</c> as the start options said, clears model failures, closes every rate-limit window and puts
    /// the key's spend back to <see cref="FlockEmulatorOptions.KeySpend"/>.
    /// </summary>
    public void Reset()
    {
        ClearScript();
        ClearRequests();
        ClearModelFaults();
        _state.ModelInfoStatus = _state.Options.ModelInfoStatus;
        _state.Limiter.Reset();
        _state.Key.Reset();
    }

    /// <summary>Stops the server: open streams are cut, then Kestrel shuts down.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await _app.StopAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutdown took too long; disposing below closes what is left.
            }
        }

        await _app.DisposeAsync().ConfigureAwait(false);
        _stopping.Dispose();
        _state.Recorder?.Dispose();
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockEmulator {{ Endpoint = {Endpoint}, Models = {Models.Count} }}";

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
