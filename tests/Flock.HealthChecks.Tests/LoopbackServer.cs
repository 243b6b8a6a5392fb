using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flock.HealthChecks.Tests;

/// <summary>
/// A plain HTTP server on a free loopback port for what the emulator does not do on <c>/models</c>: answer with a given
/// status and body, or accept the request and never answer. Counts the requests it read.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string? _response;
    private readonly Task _serving;
    private int _requests;

    /// <summary>Answers every request with <paramref name="status"/> and a JSON <paramref name="json"/> body; null never answers.</summary>
    public LoopbackServer(HttpStatusCode? status, string json = "")
    {
        if (status is { } code)
        {
            var body = Encoding.UTF8.GetBytes(json);
            _response = $"HTTP/1.1 {(int)code} {code}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{json}";
        }

        _listener.Start();
        Endpoint = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");
        _serving = ServeAsync();
    }

    public Uri Endpoint { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Completes when the first request has been read.</summary>
    public Task Requested => _requested.Task;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _serving;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task ServeAsync()
    {
        var connections = new List<Task>();
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                connections.Add(HandleAsync(client));
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }

        await Task.WhenAll(connections);
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer, _stop.Token);
                    if (read == 0)
                    {
                        return;
                    }

                    head.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                Interlocked.Increment(ref _requests);
                _requested.TrySetResult();
                if (_response is null)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                }

                await stream.WriteAsync(Encoding.UTF8.GetBytes(_response!), _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
            catch (IOException)
            {
                // The client gave up (its timeout), which is what the stall tests wait for.
            }
        }
    }
}
