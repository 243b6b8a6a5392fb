using System.IO.Compression;
using System.Net;
using System.Text;
using CsCheck;
using Flock.Extensions.AI;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests.Reliability;

/// <summary>
/// Seeded property tests over recorded streams and bodies, through both adapters and the transport's real reading path
/// (the bytes arrive as a decompressing handler hands them over): truncations and splits give the correct answer or the
/// library's exception; byte flips, in the plain or the compressed bytes, give no other exception type and never hang.
/// </summary>
/// <remarks>
/// Budget: a few seconds in the normal run (the iteration counts below). <c>FLOCK_LONG_TESTS=1</c> runs 20 times as many.
/// </remarks>
public sealed class CorruptionPropertyTests
{
    private const string Seed = "0N0XIzNsQ0O2"; // CsCheck seed: the same cases on every run
    private static readonly int Scale = Environment.GetEnvironmentVariable("FLOCK_LONG_TESTS") is { Length: > 0 } and not "0" ? 20 : 1;
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(10);

    private static readonly byte[] Stream = System.Text.Encoding.UTF8.GetBytes(string.Concat(
        "data: {\"id\":\"c1\",\"created\":1735689700,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Think\"}}]}\n\n",
        "data: {\"id\":\"c1\",\"created\":1735689700,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Héllo ✓\"}}]}\n\n",
        ": ping\n\n",
        "data: {\"id\":\"c1\",\"created\":1735689700,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"get\",\"arguments\":\"{\\\"a\\\":\"}}]}}]}\n\n",
        "data: {\"id\":\"c1\",\"created\":1735689700,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"1}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n",
        "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{}}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}\n\n",
        "data: [DONE]\n\n"));

    private static readonly byte[] Body = System.Text.Encoding.UTF8.GetBytes(
        "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":1735689600,\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Héllo ✓\",\"tool_calls\":[{\"id\":\"t1\",\"type\":\"function\",\"function\":{\"name\":\"get\",\"arguments\":\"{\\\"a\\\":1}\"}}]},\"finish_reason\":\"tool_calls\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}");

    public static TheoryData<string, bool> Cases => new() { { "sk", true }, { "sk", false }, { "meai", true }, { "meai", false } };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Split_at_every_byte_the_answer_is_the_same(string adapter, bool streaming)
    {
        var bytes = streaming ? Stream : Body;
        var expected = await RunAsync(adapter, streaming, bytes, [bytes.Length], WireEncoding.Identity);
        Assert.Null(expected.Error);

        for (var at = 1; at < bytes.Length; at++)
        {
            var result = await RunAsync(adapter, streaming, bytes, [at, bytes.Length - at], WireEncoding.Identity);
            Assert.True(result.Error is null && result.Digest == expected.Digest, $"split at {at}: {result.Digest} / {result.Error}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Truncated_anywhere_and_in_any_encoding_the_answer_is_correct_or_a_flock_exception(string adapter, bool streaming)
    {
        var bytes = streaming ? Stream : Body;
        var expected = (await RunAsync(adapter, streaming, bytes, [bytes.Length], WireEncoding.Identity)).Digest;

        await Gen.Select(Gen.Int[0, bytes.Length], Gen.Enum<WireEncoding>(), Gen.Int[1, 64]).SampleAsync(
            async (cut, encoding, piece) =>
            {
                var wire = Encode(bytes, encoding);
                var kept = wire[..Math.Min(cut * wire.Length / bytes.Length, wire.Length)];
                var result = await RunAsync(adapter, streaming, kept, Pieces(kept.Length, piece), encoding);
                var whole = kept.Length == wire.Length;
                if (result.Error is null)
                {
                    Assert.True(result.Digest == expected, $"cut {kept.Length}/{wire.Length} ({encoding}) passed with a different answer: {result.Digest}");
                }
                else
                {
                    Assert.False(whole, $"the whole answer failed: {result.Error}");
                    AssertFlock(result.Error, $"cut {kept.Length}/{wire.Length} ({encoding})");
                }
            },
            iter: 150 * Scale,
            threads: 1,
            seed: Seed);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Byte_flips_in_plain_or_compressed_bytes_never_give_another_exception_or_a_hang(string adapter, bool streaming)
    {
        var bytes = streaming ? Stream : Body;
        await Gen.Select(Gen.Int[1, 4], Gen.Int, Gen.Enum<WireEncoding>(), Gen.Int[1, 64]).SampleAsync(
            async (flips, seed, encoding, piece) =>
            {
                var random = new Random(seed);
                var wire = Encode(bytes, encoding);
                for (var i = 0; i < flips; i++)
                {
                    wire[random.Next(wire.Length)] ^= (byte)random.Next(1, 256);
                }

                var result = await RunAsync(adapter, streaming, wire, Pieces(wire.Length, piece), encoding);
                if (result.Error is not null)
                {
                    AssertFlock(result.Error, $"{flips} flip(s), seed {seed} ({encoding})");
                }
            },
            iter: 250 * Scale,
            threads: 1,
            seed: Seed);
    }

    public enum WireEncoding
    {
        Identity,
        Gzip,
        Brotli,
        Deflate,
    }

    private static void AssertFlock(Exception error, string label)
    {
        if (error is not FlockException && error.InnerException is not FlockException)
        {
            throw new Xunit.Sdk.XunitException($"{label}: {error.GetType().FullName} escaped: {error}");
        }
    }

    private static byte[] Encode(byte[] bytes, WireEncoding encoding)
    {
        if (encoding == WireEncoding.Identity)
        {
            return bytes.ToArray();
        }

        var output = new MemoryStream();
        using (var stream = Compressor(output, encoding))
        {
            stream.Write(bytes);
        }

        return output.ToArray();
    }

    private static Stream Compressor(Stream output, WireEncoding encoding) => encoding switch
    {
        WireEncoding.Gzip => new GZipStream(output, CompressionLevel.Fastest),
        WireEncoding.Brotli => new BrotliStream(output, CompressionLevel.Fastest),
        _ => new DeflateStream(output, CompressionLevel.Fastest),
    };

    private static Stream Decompressor(Stream input, WireEncoding encoding) => encoding switch
    {
        WireEncoding.Identity => input,
        WireEncoding.Gzip => new GZipStream(input, CompressionMode.Decompress),
        WireEncoding.Brotli => new BrotliStream(input, CompressionMode.Decompress),
        _ => new DeflateStream(input, CompressionMode.Decompress),
    };

    private static int[] Pieces(int length, int piece)
    {
        var pieces = new List<int>();
        for (var left = length; left > 0; left -= piece)
        {
            pieces.Add(Math.Min(piece, left));
        }

        return [.. pieces];
    }

    private sealed record Result(string Digest, Exception? Error);

    private static async Task<Result> RunAsync(string adapter, bool streaming, byte[] bytes, int[] pieces, WireEncoding encoding)
    {
        using var http = new HttpClient(new BytesHandler(bytes, pieces, streaming, body => Decompressor(body, encoding)));
        var client = new FlockClient(new FlockOptions { ApiKey = "sk-property-key-0000", Endpoint = new Uri("http://127.0.0.1:9/v1"), ModelId = Calls.Model, MaxRetries = 0 }, http);
        var digest = new StringBuilder();
        try
        {
            await Body().WaitAsync(HangLimit);
            return new(digest.ToString(), null);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Hung for {HangLimit}: {Convert.ToHexString(bytes)}");
        }
        catch (Exception ex)
        {
            return new(digest.ToString(), ex);
        }

        async Task Body()
        {
            if (adapter == "sk")
            {
                var service = new FlockChatCompletionService(client);
                var history = new ChatHistory();
                history.AddUserMessage("Hi");
                if (streaming)
                {
                    await foreach (var update in service.GetStreamingChatMessageContentsAsync(history))
                    {
                        digest.Append(update.Content);
                        foreach (var item in update.Items)
                        {
                            digest.Append(item switch
                            {
                                Microsoft.SemanticKernel.StreamingFunctionCallUpdateContent call => $"{{{call.Name}{call.Arguments}}}",
                                Microsoft.SemanticKernel.StreamingReasoningContent r => $"<{r.Text}>",
                                _ => "",
                            });
                        }
                    }
                }
                else
                {
                    foreach (var message in await service.GetChatMessageContentsAsync(history))
                    {
                        digest.Append(message.Content).Append('|').Append(string.Join(",", message.Items.OfType<Microsoft.SemanticKernel.FunctionCallContent>().Select(c => c.FunctionName)));
                    }
                }
            }
            else
            {
                IChatClient chat = new FlockChatClient(client);
                if (streaming)
                {
                    var updates = await chat.GetStreamingResponseAsync("Hi").ToListAsync();
                    var response = updates.ToChatResponse();
                    digest.Append(response.Text).Append('|').Append(response.FinishReason?.Value).Append('|').Append(response.Usage?.TotalTokenCount);
                }
                else
                {
                    var response = await chat.GetResponseAsync("Hi");
                    digest.Append(response.Text).Append('|').Append(response.FinishReason?.Value).Append('|').Append(response.Usage?.TotalTokenCount);
                }
            }
        }
    }
}
