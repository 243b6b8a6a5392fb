using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Flock.Extensions.AI;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests.Reliability;

/// <summary>
/// Property tests: recorded-style streams and bodies, corrupted (truncated, split at any byte, CRLF/CR, comments,
/// garbage, huge lines, invalid UTF-8, wrong JSON types) and fed through the real parsing path of both adapters.
/// Every run ends within a bound with the right answer or a <see cref="FlockException"/>; nothing else escapes.
/// </summary>
public sealed class MalformedInputTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private const string Head = "\"id\":\"chatcmpl-s1\",\"object\":\"chat.completion.chunk\",\"created\":1735689700,\"model\":\"qwen3-30b-a3b-instruct-2507\"";

    private static readonly string[] Streams =
    [
        Sse(
            """{@H,"choices":[{"index":0,"delta":{"content":""}}]}""",
            """{@H,"choices":[{"index":0,"delta":{"role":"assistant","content":"Hello"}}]}""",
            """{@H,"choices":[{"index":0,"delta":{"content":", wörld ✓"}}]}""",
            """{@H,"choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}]}""",
            """{@H,"choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":11,"completion_tokens":3,"total_tokens":14}}"""),
        Sse(
            """{@H,"choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"Think"}}]}""",
            """{@H,"choices":[{"index":0,"delta":{"reasoning_content":"ing."}}]}""",
            """{@H,"choices":[{"index":0,"delta":{"content":"Answer"}}]}""",
            """{@H,"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9,"completion_tokens_details":{"reasoning_tokens":2}}}"""),
        Sse(
            """{@H,"choices":[{"index":0,"delta":{"role":"assistant","content":null}}]}""",
            """{@H,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"chatcmpl-tool-aa11","type":"function","function":{"name":"get_weather","arguments":""}}]}}]}""",
            """{@H,"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\": \"Paris\"}"}}]}}]}""",
            """{@H,"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"""),
        Sse(
            """{@H,"choices":[{"index":0,"delta":{"role":"assistant","content":"One"}},{"index":1,"delta":{"role":"assistant","content":"Two"}}]}""",
            """{@H,"choices":[{"index":1,"delta":{"content":" more"},"finish_reason":"stop"}]}""",
            """{@H,"choices":[{"index":0,"delta":{"content":" less"},"finish_reason":"length"}]}"""),
    ];

    private static readonly string[] Bodies =
    [
        """{"id":"chatcmpl-7f","object":"chat.completion","created":1735689600,"model":"qwen3-30b-a3b-instruct-2507","system_fingerprint":"fp_1","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":21,"completion_tokens":9,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":4}}}""",
        """{"id":"chatcmpl-tc","object":"chat.completion","created":1735689600,"model":"qwen3-30b-a3b-instruct-2507","choices":[{"index":0,"message":{"role":"assistant","content":null,"reasoning_content":"hmm","tool_calls":[{"id":"call-1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}}""",
    ];

    /// <summary>Replacements that put a wrong type (or a surprising value) where a field's value was.</summary>
    private static readonly (string Field, string[] Values)[] WrongTypes =
    [
        ("index", ["\"0\"", "null", "1.5", "99999999999", "-1", "[0]", "{}"]),
        ("choices", ["\"x\"", "null", "[null]", "[1]", "{}", "[[]]", "[{\"delta\":null}]"]),
        ("delta", ["\"text\"", "null", "[]", "7"]),
        ("message", ["\"text\"", "null", "[]", "false"]),
        ("content", ["5", "[\"a\"]", "{\"a\":1}", "true", "[{\"type\":\"text\"}]", "[null]"]),
        ("role", ["1", "null", "[]", "\"\""]),
        ("reasoning_content", ["1", "{}", "[]"]),
        ("usage", ["\"lots\"", "[]", "null", "0"]),
        ("prompt_tokens", ["\"11\"", "-5", "1e40", "2.5", "null"]),
        ("completion_tokens_details", ["1", "\"x\"", "[]"]),
        ("created", ["\"yesterday\"", "1e300", "-99999999999999", "null", "{}"]),
        ("finish_reason", ["7", "{}", "null", "\"\"", "\"mystery\""]),
        ("tool_calls", ["[null]", "{}", "\"call\"", "[1]", "[{}]", "[{\"index\":\"a\"}]"]),
        ("function", ["null", "\"f\"", "[]", "{\"name\":1}"]),
        ("arguments", ["{\"a\":1}", "null", "5", "\"{not json\""]),
        ("name", ["null", "5", "\"\"", "\"a b/c\""]),
        ("id", ["5", "null", "{}"]),
        ("model", ["5", "null", "[]"]),
    ];

    public static TheoryData<string> Adapters => new("sk", "meai");

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Corrupted_streams_give_the_right_answer_or_a_flock_exception(string adapter)
    {
        var unobserved = new List<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> onUnobserved = (_, e) => { lock (unobserved) { unobserved.AddRange(e.Exception.InnerExceptions); } };
        TaskScheduler.UnobservedTaskException += onUnobserved;
        try
        {
            var expected = new string[Streams.Length];
            for (var i = 0; i < Streams.Length; i++)
            {
                var clean = await RunAsync(adapter, streaming: true, Encoding.UTF8.GetBytes(Streams[i]), [int.MaxValue]);
                Assert.Null(clean.Error);
                expected[i] = clean.Digest;
            }

            var gen = Gen.Select(Gen.Int[0, Streams.Length - 1], Gen.Int[0, StreamCorruptions - 1], Gen.Int, Gen.Int[1, 300]);
            await gen.SampleAsync(
                async (stream, kind, seed, maxPiece) =>
                {
                    var random = new Random(seed);
                    var (bytes, benign, mustFail) = CorruptStream(Streams[stream], kind, random);
                    // Every byte on its own read for the small streams; huge lines come in pieces a socket would plausibly give.
                    var splits = kind == 5 ? Splits(bytes.Length, 4096 + maxPiece, random) : Splits(bytes.Length, kind == 0 ? 1 : maxPiece, random);
                    var result = await RunAsync(adapter, streaming: true, bytes, splits);
                    Check(result, benign ? expected[stream] : null, mustFail, $"stream {stream}, corruption {kind}, seed {seed}, pieces ≤ {maxPiece}");
                },
                iter: 400,
                threads: 1,
                seed: Seed);
        }
        finally
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            TaskScheduler.UnobservedTaskException -= onUnobserved;
        }

        Assert.Empty(unobserved);
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public async Task Corrupted_bodies_give_the_right_answer_or_a_flock_exception(string adapter)
    {
        var expected = new string[Bodies.Length];
        for (var i = 0; i < Bodies.Length; i++)
        {
            var clean = await RunAsync(adapter, streaming: false, Encoding.UTF8.GetBytes(Bodies[i]), [int.MaxValue]);
            Assert.Null(clean.Error);
            expected[i] = clean.Digest;
        }

        var gen = Gen.Select(Gen.Int[0, Bodies.Length - 1], Gen.Int[0, 5], Gen.Int, Gen.Int[1, 300]);
        await gen.SampleAsync(
            async (body, kind, seed, maxPiece) =>
            {
                var random = new Random(seed);
                var text = Bodies[body];
                byte[] bytes;
                var benign = false;
                var mustFail = false;
                switch (kind)
                {
                    case 0: // split anywhere, pretty-printed with CRLF
                        bytes = Encoding.UTF8.GetBytes(text.Replace(",\"", ",\r\n  \"", StringComparison.Ordinal));
                        benign = true;
                        break;
                    case 1: // truncated
                        bytes = Encoding.UTF8.GetBytes(text)[..random.Next(0, text.Length - 1)];
                        mustFail = true;
                        break;
                    case 2:
                        bytes = InsertInvalidUtf8(Encoding.UTF8.GetBytes(text), random);
                        break;
                    case 3:
                        bytes = Encoding.UTF8.GetBytes(WrongType(text, random));
                        break;
                    case 4: // garbage before or after
                        bytes = Encoding.UTF8.GetBytes(random.Next(2) == 0 ? Garbage(random) + text : text + Garbage(random));
                        break;
                    default: // a huge unknown field
                        bytes = Encoding.UTF8.GetBytes("{\"x_padding\":\"" + new string('p', 300_000) + "\"," + text[1..]);
                        benign = true;
                        break;
                }

                var result = await RunAsync(adapter, streaming: false, bytes, Splits(bytes.Length, maxPiece, random));
                Check(result, benign ? expected[body] : null, mustFail, $"body {body}, corruption {kind}, seed {seed}");
            },
            iter: 300,
            threads: 1,
            seed: Seed);
    }

    private const int StreamCorruptions = 15;

    // CsCheck seed: the same cases on every run, so a failure in CI is the failure on a developer's machine.
    private const string Seed = "0N0XIzNsQ0O2";

    /// <summary>Applies corruption <paramref name="kind"/>: benign ones must not change the answer; mustFail ones must throw.</summary>
    private static (byte[] Bytes, bool Benign, bool MustFail) CorruptStream(string sse, int kind, Random random)
    {
        var events = sse.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        switch (kind)
        {
            case 0: // every byte on its own read
            case 1: // split at random boundaries
                return (Encoding.UTF8.GetBytes(sse), true, false);
            case 2:
                return (Encoding.UTF8.GetBytes(sse.Replace("\n", "\r\n", StringComparison.Ordinal)), true, false);
            case 3:
                return (Encoding.UTF8.GetBytes(sse.Replace("\n", "\r", StringComparison.Ordinal)), true, false);
            case 4: // comments, keep-alives, event/id/retry lines, "data:" without a space, a BOM
                var builder = new StringBuilder(random.Next(2) == 0 ? "\uFEFF" : "");
                foreach (var e in events)
                {
                    builder.Append(random.Next(3) switch { 0 => ": ping - 2025-01-01 00:00:00\n\n", 1 => "id: 7\nevent: message\nretry: 100\n", _ => ":\n" });
                    builder.Append(random.Next(2) == 0 ? e.Replace("data: ", "data:", StringComparison.Ordinal) : e).Append("\n\n");
                }

                return (Encoding.UTF8.GetBytes(builder.ToString()), true, false);
            case 5: // a huge comment line and a huge unknown field
                var huge = ": " + new string('k', 400_000) + "\n\n" + sse.Replace("{\"id\"", "{\"x_pad\":\"" + new string('p', 200_000) + "\",\"id\"", StringComparison.Ordinal);
                return (Encoding.UTF8.GetBytes(huge), true, false);
            case 6: // truncated anywhere: without [DONE] it must fail
                var bytes = Encoding.UTF8.GetBytes(sse);
                var cut = random.Next(0, bytes.Length);
                var done = sse.IndexOf("data: [DONE]", StringComparison.Ordinal);
                return (bytes[..cut], false, cut < Encoding.UTF8.GetByteCount(sse[..done]) + "data: [DONE]".Length);
            case 7: // a garbage line
                var at = random.Next(events.Length);
                events[at] = Garbage(random) + "\n" + events[at];
                return (Encoding.UTF8.GetBytes(string.Join("\n\n", events) + "\n\n"), false, false);
            case 8: // garbage data event
                var where = random.Next(events.Length);
                events[where] = "data: " + Garbage(random).Replace("\n", "", StringComparison.Ordinal) + "\n\n" + events[where];
                return (Encoding.UTF8.GetBytes(string.Join("\n\n", events) + "\n\n"), false, false);
            case 9:
                return (InsertInvalidUtf8(Encoding.UTF8.GetBytes(sse), random), false, false);
            case 10:
            case 11:
            case 12:
                return (Encoding.UTF8.GetBytes(WrongType(sse, random)), false, false);
            case 13: // an error event in an odd shape
                var shapes = new[] { "{\"error\":\"just text\"}", "{\"error\":null}", "{\"error\":{\"message\":5,\"code\":[1]}}", "{\"error\":{}}", "{\"error\":{\"message\":null,\"code\":\"abc\"}}", "{\"error\":{\"code\":999999}}" };
                var e2 = random.Next(events.Length);
                events[e2] = "data: " + shapes[random.Next(shapes.Length)];
                return (Encoding.UTF8.GetBytes(string.Join("\n\n", events) + "\n\n"), false, false);
            default: // events dropped or repeated
                var list = events.ToList();
                var i = random.Next(list.Count - 1);
                if (random.Next(2) == 0) { list.RemoveAt(i); } else { list.Insert(i, list[i]); }
                return (Encoding.UTF8.GetBytes(string.Join("\n\n", list) + "\n\n"), false, false);
        }
    }

    private static string WrongType(string json, Random random)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var (field, values) = WrongTypes[random.Next(WrongTypes.Length)];
            var matches = Regex.Matches(json, $"\"{field}\":(\\{{[^{{}}]*\\}}|\\[[^\\[\\]]*\\]|\"(?:[^\"\\\\]|\\\\.)*\"|[^,}}\\]]+)");
            if (matches.Count > 0)
            {
                var m = matches[random.Next(matches.Count)];
                return json[..m.Index] + $"\"{field}\":" + values[random.Next(values.Length)] + json[(m.Index + m.Length)..];
            }
        }

        return json;
    }

    private static byte[] InsertInvalidUtf8(byte[] bytes, Random random)
    {
        byte[][] bad = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF], [0x80]];
        var at = random.Next(bytes.Length);
        return [.. bytes[..at], .. bad[random.Next(bad.Length)], .. bytes[at..]];
    }

    private static string Garbage(Random random)
    {
        var length = random.Next(1, 80);
        var chars = new char[length];
        for (var i = 0; i < length; i++)
        {
            chars[i] = (char)random.Next(1, 0x7F);
        }

        return new string(chars);
    }

    private static int[] Splits(int length, int maxPiece, Random random)
    {
        var pieces = new List<int>();
        for (var done = 0; done < length;)
        {
            var piece = Math.Min(length - done, random.Next(1, maxPiece + 1));
            pieces.Add(piece);
            done += piece;
        }

        return [.. pieces];
    }

    private static void Check(Result result, string? expected, bool mustFail, string label)
    {
        if (result.Error is not null and not FlockException && result.Error.InnerException is not FlockException)
        {
            throw new Xunit.Sdk.XunitException($"{label}: {result.Error.GetType()} escaped: {result.Error}");
        }

        if (mustFail && result.Error is null)
        {
            throw new Xunit.Sdk.XunitException($"{label}: a truncated stream passed for success: {result.Digest}");
        }

        if (expected is not null && (result.Error is not null || result.Digest != expected))
        {
            throw new Xunit.Sdk.XunitException($"{label}: a harmless variation changed the answer: {result.Digest} / {result.Error}\nexpected {expected}");
        }
    }

    private sealed record Result(string Digest, Exception? Error);

    private static async Task<Result> RunAsync(string adapter, bool streaming, byte[] bytes, int[] splits)
    {
        using var http = new HttpClient(new BytesHandler(bytes, splits, streaming));
        var client = new FlockClient(new FlockOptions { ApiKey = "sk-fuzz-key-0000", Endpoint = new Uri("http://127.0.0.1:9/v1"), ModelId = Calls.Model, MaxRetries = 0 }, http);
        var digest = new StringBuilder();
        try
        {
            await Body().WaitAsync(Bound);
            return new(digest.ToString(), null);
        }
        catch (TimeoutException)
        {
            throw new Xunit.Sdk.XunitException($"Hung for {Bound} on {(streaming ? "stream" : "body")}: {Encoding.UTF8.GetString(bytes)[..Math.Min(bytes.Length, 2000)]}");
        }
        catch (Exception ex)
        {
            return new(digest.ToString(), Calls.Unwrapped(adapter, ex));
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
                        digest.Append('[').Append(update.ChoiceIndex).Append(']').Append(update.Content);
                        foreach (var item in update.Items)
                        {
                            if (item is StreamingFunctionCallUpdateContent call)
                            {
                                digest.Append("{call ").Append(call.Name).Append(' ').Append(call.Arguments).Append('}');
                            }
                        }
                    }
                }
                else
                {
                    foreach (var message in await service.GetChatMessageContentsAsync(history))
                    {
                        digest.Append(message.Content).Append('|').Append(string.Join(",", message.Items.OfType<Microsoft.SemanticKernel.FunctionCallContent>().Select(c => c.FunctionName + ":" + string.Join(";", c.Arguments ?? []))));
                    }
                }
            }
            else
            {
                IChatClient chat = new FlockChatClient(client);
                if (streaming)
                {
                    await foreach (var update in chat.GetStreamingResponseAsync("Hi"))
                    {
                        foreach (var content in update.Contents)
                        {
                            digest.Append(content switch
                            {
                                Microsoft.Extensions.AI.TextContent t => t.Text,
                                TextReasoningContent r => "<r>" + r.Text,
                                Microsoft.Extensions.AI.FunctionCallContent c => $"{{call {c.Name} {string.Join(";", c.Arguments ?? new Dictionary<string, object?>())}}}",
                                UsageContent u => $"<u{u.Details.TotalTokenCount}>",
                                _ => "?",
                            });
                        }

                        digest.Append(update.FinishReason?.Value);
                    }
                }
                else
                {
                    var response = await chat.GetResponseAsync("Hi");
                    digest.Append(response.Text).Append('|').Append(response.FinishReason?.Value).Append('|').Append(response.Usage?.TotalTokenCount)
                        .Append(string.Join(",", response.Messages.SelectMany(m => m.Contents).OfType<Microsoft.Extensions.AI.FunctionCallContent>().Select(c => c.Name + ":" + string.Join(";", c.Arguments ?? new Dictionary<string, object?>()))));
                }
            }
        }
    }

    private static string Sse(params string[] events) => string.Concat(events.Select(e => "data: " + e.Replace("{@H,", "{" + Head + ",", StringComparison.Ordinal) + "\n\n")) + "data: [DONE]\n\n";
}
