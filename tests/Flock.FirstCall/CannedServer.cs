using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Flock.FirstCall;

/// <summary>
/// A loopback HTTP/1.1 server that answers every streaming chat request with the same canned SSE reply and closes the
/// connection. It runs in the driver, never in a measured process.
/// </summary>
public sealed class CannedServer : IAsyncDisposable
{
    public const string Model = "qwen3-30b-a3b-instruct-2507";
    public const int Words = 20;

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[] _reply;
    private readonly Task _loop;

    public CannedServer()
    {
        _reply = Encoding.UTF8.GetBytes(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n" + Body());
        _listener.Start();
        _loop = AcceptAsync();
    }

    /// <summary>The API base address, e.g. <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri Endpoint => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1");

    /// <summary>Requests answered, and requests refused (not a streaming chat completion).</summary>
    public int Answered;
    public int Refused;

    /// <summary>The monotonic clock when the last request had fully arrived: splits a client's set-up from its reading.</summary>
    public long LastRequestAt;

    /// <summary>The text the reply streams, word by word.</summary>
    public static string Text => string.Concat(Enumerable.Range(0, Words).Select(Word));

    private static string Word(int i) => i == 0 ? "Hello" : " word" + i.ToString(CultureInfo.InvariantCulture);

    private static string Body()
    {
        var sb = new StringBuilder();
        void Chunk(string delta, string? finish) => sb.Append(CultureInfo.InvariantCulture,
            $$"""data: {"id":"chatcmpl-firstcall","object":"chat.completion.chunk","created":1764000000,"model":"{{Model}}","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{(finish is null ? "null" : $"\"{finish}\"")}}}]}""").Append("\n\n");
        Chunk("""{"role":"assistant","content":""}""", null);
        for (var i = 0; i < Words; i++)
        {
            Chunk($$"""{"content":"{{Word(i)}}"}""", null);
        }

        Chunk("{}", "stop");
        sb.Append(CultureInfo.InvariantCulture,
            $$$"""data: {"id":"chatcmpl-firstcall","object":"chat.completion.chunk","created":1764000000,"model":"{{{Model}}}","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":{{{Words}}},"total_tokens":{{{12 + Words}}}}}""").Append("\n\n");
        sb.Append("data: [DONE]\n\n");
        return sb.ToString();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            client.NoDelay = true;
            var stream = client.GetStream();
            var request = await ReadRequestAsync(stream);
            Interlocked.Exchange(ref LastRequestAt, System.Diagnostics.Stopwatch.GetTimestamp());
            if (request is not null && request.Contains("POST /v1/chat/completions ", StringComparison.Ordinal)
                && request.Replace(" ", "", StringComparison.Ordinal).Contains("\"stream\":true", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref Answered);
                await stream.WriteAsync(_reply);
            }
            else
            {
                Interlocked.Increment(ref Refused);
                await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
            }

            client.Client.Shutdown(SocketShutdown.Send);
        }
    }

    /// <summary>The request's head and body as text, read to its Content-Length or its last chunk.</summary>
    private static async Task<string?> ReadRequestAsync(NetworkStream stream)
    {
        var buffer = new byte[64 * 1024];
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(filled));
            if (read == 0)
            {
                return null;
            }

            filled += read;
            var text = Encoding.UTF8.GetString(buffer, 0, filled);
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd < 0)
            {
                continue;
            }

            var length = 0;
            foreach (var line in text[..headEnd].Split("\r\n"))
            {
                if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                {
                    length = int.Parse(line["Content-Length:".Length..].Trim(), CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("Transfer-Encoding:", StringComparison.OrdinalIgnoreCase))
                {
                    // A chunked body ends with its empty last chunk.
                    if (text.EndsWith("0\r\n\r\n", StringComparison.Ordinal))
                    {
                        return text;
                    }

                    length = int.MaxValue / 2;
                }
            }

            if (Encoding.UTF8.GetByteCount(text) >= Encoding.UTF8.GetByteCount(text[..headEnd]) + 4 + length)
            {
                return text;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
