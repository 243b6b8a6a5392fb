using System.IO.Compression;
using System.Net;
using System.Text;
using Flock.Extensions.AI;

namespace Flock.IntegrationTests.Reliability;

/// <summary>
/// A real loopback server on raw sockets breaking HTTP after the headers (resets, short bodies, cut chunks, corrupt gzip
/// and Brotli), sending byte by byte, bombing with compression, setting cookies: through both adapters, streaming or not,
/// every failure is the library's exception and nothing else.
/// </summary>
public sealed class HostileServerTests
{
    private const string Key = "sk-hostile-0123456789abcdef";
    private const string Sse =
        "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hello\"}}]}\n\n" +
        "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\", world\"},\"finish_reason\":\"stop\"}]}\n\n" +
        "data: [DONE]\n\n";

    private const string Completion =
        "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1735689600,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello, world\"},\"finish_reason\":\"stop\"}]}";

    private static FlockClient Client(HostileServer server, Action<FlockOptions>? configure = null)
    {
        var options = new FlockOptions { ApiKey = Key, Endpoint = server.Endpoint, ModelId = Calls.Model, MaxRetries = 0 };
        configure?.Invoke(options);
        return new FlockClient(options); // the library's own pooled handler: decompression on, no redirects, no cookies
    }

    /// <summary>The library's exception, directly or inside the SK service's HttpOperationException.</summary>
    internal static T Flock<T>(Exception? error)
        where T : FlockException =>
        error as T ?? error?.InnerException as T ?? throw new Xunit.Sdk.XunitException($"Expected a {typeof(T).Name}, got {error?.GetType().FullName ?? "no error"}: {error}");

    public static TheoryData<string, string, bool> Breakages()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var breakage in new[] { "reset", "short body", "cut chunk", "corrupt gzip", "corrupt brotli", "truncated gzip" })
        {
            foreach (var adapter in new[] { "sk", "meai" })
            {
                data.Add(breakage, adapter, false);
                data.Add(breakage, adapter, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task A_body_broken_after_the_headers_is_a_flock_exception(string breakage, string adapter, bool streaming)
    {
        var body = Encoding.UTF8.GetBytes(streaming ? Sse : Completion);
        var type = streaming ? "text/event-stream" : "application/json";
        await using var server = new HostileServer(async c =>
        {
            switch (breakage)
            {
                case "reset":
                    await c.SendHeadAsync(type, $"Content-Length: {body.Length}");
                    await c.SendAsync(body[..(body.Length / 3)], byteByByte: true);
                    c.ResetConnection();
                    break;
                case "short body":
                    await c.SendHeadAsync(type, $"Content-Length: {body.Length + 500}");
                    await c.SendAsync(body[..^20]);
                    break;
                case "cut chunk":
                    await c.SendHeadAsync(type, "Transfer-Encoding: chunked");
                    await c.SendAsync($"{body.Length:x}\r\n");
                    await c.SendAsync(body[..(body.Length / 2)]);
                    break;
                case "corrupt gzip":
                    var gzip = Compress(body, s => new GZipStream(s, CompressionLevel.Fastest));
                    Flip(gzip, gzip.Length / 2);
                    await c.SendHeadAsync(type, "Content-Encoding: gzip", $"Content-Length: {gzip.Length}");
                    await c.SendAsync(gzip);
                    break;
                case "truncated gzip":
                    var cut = Compress(body, s => new GZipStream(s, CompressionLevel.Fastest))[..^12];
                    await c.SendHeadAsync(type, "Content-Encoding: gzip", $"Content-Length: {cut.Length}");
                    await c.SendAsync(cut);
                    break;
                default:
                    var brotli = Compress(body, s => new BrotliStream(s, CompressionLevel.Fastest));
                    for (var i = 4; i < brotli.Length; i += 3)
                    {
                        Flip(brotli, i);
                    }

                    await c.SendHeadAsync(type, "Content-Encoding: br", $"Content-Length: {brotli.Length}");
                    await c.SendAsync(brotli);
                    break;
            }
        });

        var outcome = await Calls.RunAsync(adapter, streaming, Client(server));

        var ex = Flock<FlockException>(outcome.Error);
        Assert.Equal(streaming, ex.DuringStream);
        Assert.DoesNotContain(Key, ex.ToString());
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task An_answer_sent_one_byte_per_packet_is_read_whole(string adapter, bool streaming)
    {
        await using var server = new HostileServer(async c =>
        {
            var body = streaming ? Sse : Completion;
            await c.SendHeadAsync(streaming ? "text/event-stream" : "application/json", "Transfer-Encoding: chunked");
            foreach (var b in Encoding.UTF8.GetBytes(body))
            {
                await c.SendAsync($"1\r\n{(char)b}\r\n"); // one chunk per byte (ASCII body)
            }

            await c.SendAsync("0\r\n\r\n");
        });

        var outcome = await Calls.RunAsync(adapter, streaming, Client(server));

        Assert.Null(outcome.Error);
        Assert.Equal("Hello, world", outcome.Text);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task A_gzip_bomb_is_refused_at_the_limit_counted_after_decompression(string adapter, bool streaming)
    {
        var inflated = streaming
            ? "data: {\"id\":\"c1\",\"pad\":\"" + new string('a', 8 * 1024 * 1024) + "\"}\n\n"
            : "{\"id\":\"c1\",\"pad\":\"" + new string('a', 8 * 1024 * 1024) + "\"}";
        var bomb = Compress(Encoding.UTF8.GetBytes(inflated), s => new GZipStream(s, CompressionLevel.SmallestSize));
        Assert.True(bomb.Length < 64 * 1024);
        await using var server = new HostileServer(async c =>
        {
            await c.SendHeadAsync(streaming ? "text/event-stream" : "application/json", "Content-Encoding: gzip", $"Content-Length: {bomb.Length}");
            await c.SendAsync(bomb);
        });

        var outcome = await Calls.RunAsync(adapter, streaming, Client(server, o =>
        {
            o.MaxResponseBytes = 1024 * 1024;
            o.MaxStreamEventBytes = 1024 * 1024;
        }));

        var ex = Flock<FlockLimitExceededException>(outcome.Error);
        Assert.Equal(streaming ? "MaxStreamEventBytes" : "MaxResponseBytes", ex.LimitName);
        Assert.Equal(1024 * 1024, ex.Limit);
    }

    [Theory]
    [MemberData(nameof(Calls.Adapters), MemberType = typeof(Calls))]
    public async Task A_json_error_answering_a_stream_byte_by_byte_keeps_the_servers_message(string adapter)
    {
        var body = $"{{\"error\": {{\"message\": \"Budget exceeded for key {Key}\", \"type\": \"budget_exceeded\", \"param\": null, \"code\": \"400\"}}}}";
        await using var server = new HostileServer(async c =>
        {
            await c.SendHeadAsync("application/json", $"Content-Length: {Encoding.UTF8.GetByteCount(body)}");
            await c.SendAsync(body, byteByByte: true);
        });

        var outcome = await Calls.StreamAsync(adapter, Client(server));

        var ex = Flock<FlockException>(outcome.Error);
        Assert.Contains("Budget exceeded for key ***", ex.Message);
        Assert.Equal("budget_exceeded", ex.ErrorType);
        Assert.Equal("400", ex.ErrorCode);
        Assert.DoesNotContain(Key, ex.ToString());
    }

    [Fact]
    public async Task A_cookie_set_for_one_client_is_never_sent_by_another()
    {
        await using var server = new HostileServer(async c =>
        {
            var body = Encoding.UTF8.GetBytes(Completion);
            await c.SendHeadAsync("application/json", $"Content-Length: {body.Length}", "Set-Cookie: flock_session=for-key-A; Path=/");
            await c.SendAsync(body);
        });
        var first = Client(server);
        var second = new FlockClient(new FlockOptions { ApiKey = "sk-other-key-fedcba9876543210", Endpoint = server.Endpoint, ModelId = Calls.Model, MaxRetries = 0 });

        Assert.Null((await Calls.CompleteAsync("meai", first)).Error);
        Assert.Null((await Calls.CompleteAsync("meai", second)).Error);
        Assert.Null((await Calls.CompleteAsync("sk", first)).Error);

        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, head => Assert.DoesNotContain("\r\nCookie:", head, StringComparison.OrdinalIgnoreCase));
        Assert.Contains("x-litellm-api-key: sk-other-key-fedcba9876543210", server.Requests[1], StringComparison.OrdinalIgnoreCase);
    }

    private static byte[] Compress(byte[] bytes, Func<Stream, Stream> compressor)
    {
        var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(bytes);
        }

        return output.ToArray();
    }

    private static void Flip(byte[] bytes, int at) => bytes[at] ^= 0x5A;
}
