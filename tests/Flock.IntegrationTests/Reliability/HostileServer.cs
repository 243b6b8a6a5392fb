using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flock.IntegrationTests.Reliability;

/// <summary>
/// A loopback HTTP/1.1 server on raw sockets that breaks HTTP on purpose: each connection's request is read (headers and a
/// Content-Length body), then a script writes whatever bytes it likes (byte by byte if it wants), closes, or resets.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<Connection, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly List<string> _requests = [];

    public HostileServer(Func<Connection, Task> script)
    {
        _script = script;
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");

    /// <summary>The request heads received so far (request line and headers).</summary>
    public IReadOnlyList<string> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = Task.Run(async () =>
            {
                using (socket)
                {
                    try
                    {
                        var connection = new Connection(socket, _requests.Count);
                        var head = await connection.ReadRequestAsync(_stop.Token);
                        lock (_requests)
                        {
                            _requests.Add(head);
                        }

                        await _script(connection);
                        if (!connection.Reset)
                        {
                            socket.Shutdown(SocketShutdown.Both);
                        }
                    }
                    catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
                    {
                    }
                }
            });
        }
    }

    /// <summary>One accepted connection, as the script sees it.</summary>
    internal sealed class Connection(Socket socket, int number)
    {
        /// <summary>0 for the first request the server received, 1 for the next…</summary>
        public int Number { get; } = number;

        public string Head { get; private set; } = "";

        public bool Reset { get; private set; }

        public async Task<string> ReadRequestAsync(CancellationToken cancellationToken)
        {
            var buffer = new List<byte>();
            var one = new byte[1];
            while (!EndsWithBlankLine(buffer))
            {
                if (await socket.ReceiveAsync(one, cancellationToken) == 0)
                {
                    break;
                }

                buffer.Add(one[0]);
            }

            Head = Encoding.ASCII.GetString(buffer.ToArray());
            var length = Head.Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(p => int.Parse(p[1].Trim(), System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
            var body = new byte[length];
            var read = 0;
            while (read < length)
            {
                var n = await socket.ReceiveAsync(body.AsMemory(read), cancellationToken);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return Head;
        }

        /// <summary>Writes the bytes; with <paramref name="byteByByte"/> each byte is its own send.</summary>
        public async Task SendAsync(byte[] bytes, bool byteByByte = false)
        {
            if (!byteByByte)
            {
                await socket.SendAsync(bytes);
                return;
            }

            foreach (var b in bytes)
            {
                await socket.SendAsync(new[] { b });
            }
        }

        public Task SendAsync(string text, bool byteByByte = false) => SendAsync(Encoding.UTF8.GetBytes(text), byteByByte);

        /// <summary>A 200 head with the given headers; the body is up to the script.</summary>
        public Task SendHeadAsync(string contentType, params string[] headers) =>
            SendAsync($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\n{string.Concat(headers.Select(h => h + "\r\n"))}Connection: close\r\n\r\n");

        /// <summary>Aborts the connection with a TCP reset instead of a clean close.</summary>
        public void ResetConnection()
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
            Reset = true;
        }

        private static bool EndsWithBlankLine(List<byte> bytes) =>
            bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n';
    }
}
