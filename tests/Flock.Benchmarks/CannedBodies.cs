using System.Globalization;
using System.Text;

namespace Flock.Benchmarks;

/// <summary>Realistic Flock replies generated in-process: ids, created, model, role on the first delta, a usage chunk, [DONE].</summary>
public static class CannedBodies
{
    public const string Model = "qwen3-30b-a3b-instruct-2507";
    private const string Id = "chatcmpl-5f0d2c8e9b7a4e31a2f4c6d8e0b1a3c5";
    private const long Created = 1764000000;

    /// <summary>The word streamed as chunk <paramref name="i"/>.</summary>
    public static string Word(int i) => i == 0 ? "Token" : " token" + (i % 97).ToString(CultureInfo.InvariantCulture);

    /// <summary>The whole text of <see cref="TextStream"/>.</summary>
    public static string StreamedText(int chunks) => string.Concat(Enumerable.Range(0, chunks).Select(Word));

    public static byte[] TextStream(int chunks)
    {
        var sb = new StringBuilder();
        Chunk(sb, """{"role":"assistant","content":""}""", null);
        for (var i = 0; i < chunks; i++)
        {
            Chunk(sb, $$"""{"content":"{{Word(i)}}"}""", null);
        }

        Chunk(sb, "{}", "stop");
        Usage(sb, 42, chunks);
        sb.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A thinking model served without a reasoning parser: <c>&lt;think&gt;</c>, <paramref name="chunks"/> words of thinking, <c>&lt;/think&gt;</c>, an answer.</summary>
    public static byte[] ThinkingStream(int chunks)
    {
        var sb = new StringBuilder();
        Chunk(sb, """{"role":"assistant","content":"<think>\n"}""", null);
        for (var i = 0; i < chunks; i++)
        {
            Chunk(sb, $$"""{"content":"{{Word(i)}}"}""", null);
        }

        Chunk(sb, """{"content":"\n</think>\n\n"}""", null);
        Chunk(sb, """{"content":"Done."}""", null);
        Chunk(sb, "{}", "stop");
        Usage(sb, 42, chunks + 4);
        sb.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>One tool call whose arguments arrive in <paramref name="fragments"/> pieces.</summary>
    public static byte[] ToolStream(int fragments, out string arguments)
    {
        var args = new StringBuilder("{\"city\":\"Paris\",\"days\":3,\"notes\":\"");
        while (args.Length < fragments * 6 - 2)
        {
            args.Append("abcdef");
        }

        args.Append("\"}");
        arguments = args.ToString();
        var escaped = arguments.Replace("\"", "\\\"", StringComparison.Ordinal);
        var size = (int)Math.Ceiling(escaped.Length / (double)fragments);
        var sb = new StringBuilder();
        Chunk(sb, """{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"chatcmpl-tool-9d1e2f3a4b5c6d7e8f90a1b2c3d4e5f6","type":"function","function":{"name":"get_weather","arguments":""}}]}""", null);
        for (var start = 0; start < escaped.Length; start += size)
        {
            var piece = escaped.Substring(start, Math.Min(size, escaped.Length - start));
            if (piece.EndsWith('\\'))
            {
                piece += escaped[start + piece.Length];
                start++;
            }

            Chunk(sb, "{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + piece + "\"}}]}", null);
        }

        Chunk(sb, "{}", "tool_calls");
        Usage(sb, 80, fragments);
        sb.Append("data: [DONE]\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>A non-streaming reply of about <paramref name="tokens"/> tokens.</summary>
    public static byte[] Completion(int tokens, out string text)
    {
        text = StreamedText(tokens);
        return Encoding.UTF8.GetBytes($$$"""
            {"id":"{{{Id}}}","object":"chat.completion","created":{{{Created}}},"model":"{{{Model}}}","system_fingerprint":"fp_1","choices":[{"index":0,"message":{"role":"assistant","content":"{{{text}}}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":42,"completion_tokens":{{{tokens}}},"total_tokens":{{{42 + tokens}}}}}
            """);
    }

    /// <summary>
    /// What a LiteLLM proxy with its own limiter on the key puts on a streamed answer (its "Response Headers"): the call id,
    /// the deployment, versions, durations, retries and fallbacks, the key's limits and what is left of them, the upstream's
    /// limits with their reset, the key's spend and budget, and a cost with its parts. Nothing runs out: the rate-limit gate
    /// never waits.
    /// </summary>
    public static readonly (string Name, string Value)[] ProxyHeaders =
    [
        ("x-litellm-call-id", "6b1f3e0a-58c1-4f5e-9c1d-2a7b0c9e4d11"),
        ("x-litellm-model-id", "f2c9a1e7b3d54c8e9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f"),
        ("x-litellm-model-group", Model),
        ("x-litellm-model-api-base", "https://models.internal.example/v1"),
        ("x-litellm-version", "1.74.9"),
        ("x-litellm-response-duration-ms", "1234.567"),
        ("x-litellm-overhead-duration-ms", "3.25"),
        ("x-litellm-callback-duration-ms", "0.41"),
        ("x-litellm-attempted-retries", "0"),
        ("x-litellm-attempted-fallbacks", "0"),
        ("x-litellm-key-spend", "0.0123456"),
        ("x-litellm-key-max-budget", "100.0"),
        ("x-litellm-key-rpm-limit", "1000000"),
        ("x-litellm-key-tpm-limit", "100000000"),
        ("x-ratelimit-api_key-remaining-requests", "999999"),
        ("x-ratelimit-api_key-limit-requests", "1000000"),
        ("x-ratelimit-api_key-remaining-tokens", "99999000"),
        ("x-ratelimit-api_key-limit-tokens", "100000000"),
        ("x-ratelimit-remaining-requests", "29999"),
        ("x-ratelimit-limit-requests", "30000"),
        ("llm_provider-x-ratelimit-reset-requests", "2ms"),
        ("x-litellm-response-cost", "1.1e-05"),
        ("x-litellm-response-cost-input", "2e-06"),
        ("x-litellm-response-cost-output", "9e-06"),
        ("x-litellm-response-cost-original", "1.1e-05"),
        ("x-litellm-response-cost-discount-amount", "0.0"),
        ("x-litellm-response-cost-margin-amount", "0.0"),
        ("x-litellm-response-cost-margin-percent", "0.0"),
    ];

    /// <summary>As many headers as <see cref="ProxyHeaders"/>, of the same sizes, under names the client does not read.</summary>
    public static readonly (string Name, string Value)[] OtherHeaders =
        Array.ConvertAll(ProxyHeaders, static h => ("x-upstream-" + h.Name[(h.Name.IndexOf('-', 2) + 1)..], h.Value));

    private static void Chunk(StringBuilder sb, string delta, string? finishReason)
    {
        sb.Append("data: {\"id\":\"").Append(Id).Append("\",\"object\":\"chat.completion.chunk\",\"created\":").Append(Created)
          .Append(",\"model\":\"").Append(Model).Append("\",\"choices\":[{\"index\":0,\"delta\":").Append(delta);
        if (finishReason is not null)
        {
            sb.Append(",\"finish_reason\":\"").Append(finishReason).Append('"');
        }

        sb.Append("}]}\n\n");
    }

    private static void Usage(StringBuilder sb, int prompt, int completion) =>
        sb.Append("data: {\"id\":\"").Append(Id).Append("\",\"object\":\"chat.completion.chunk\",\"created\":").Append(Created)
          .Append(",\"model\":\"").Append(Model).Append("\",\"choices\":[{\"index\":0,\"delta\":{}}],\"usage\":{\"prompt_tokens\":")
          .Append(prompt).Append(",\"completion_tokens\":").Append(completion).Append(",\"total_tokens\":").Append(prompt + completion).Append("}}\n\n");
}

/// <summary>An in-process handler: consumes the request body and answers with canned bytes (and headers, when given). No sockets.</summary>
public sealed class CannedHandler(byte[] body, string mediaType, (string Name, string Value)[]? headers = null) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        // A forward-only stream, as a socket gives: SDKs that buffer seekable content on dispose behave as in production.
        var content = new StreamContent(new ForwardOnlyStream(body));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
        var response = new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = content, RequestMessage = request };
        foreach (var (name, value) in headers ?? [])
        {
            // As a socket handler stores them: unvalidated, one value a line.
            response.Headers.TryAddWithoutValidation(name, value);
        }

        return response;
    }
}

/// <summary>A read-only, non-seekable view of a byte array.</summary>
public sealed class ForwardOnlyStream(byte[] bytes) : Stream
{
    private int _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(buffer.Length, bytes.Length - _position);
        bytes.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
