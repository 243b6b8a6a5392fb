using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Flock.Extensions.AI.Wire;

namespace Flock.Extensions.AI.Http;

/// <summary>A request body serialized once into a pooled buffer, so retries resend it without serializing again.</summary>
internal sealed class PooledJsonBody : IBufferWriter<byte>, IDisposable
{
    private static readonly MediaTypeHeaderValue JsonMediaType = new("application/json") { CharSet = "utf-8" };

    private byte[] _buffer;
    private int _written;

    private PooledJsonBody(int initialSize) => _buffer = ArrayPool<byte>.Shared.Rent(initialSize);

    /// <summary>The serialized UTF-8 JSON.</summary>
    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, _written);

    private static readonly JsonWriterOptions WriterOptions = ChatRequestWriter.Options;

    /// <summary>Serializes <paramref name="value"/> with its source-generated metadata.</summary>
    public static PooledJsonBody Create<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var body = new PooledJsonBody(4096);
        using var writer = new Utf8JsonWriter(body, WriterOptions);
        JsonSerializer.Serialize(writer, value, typeInfo);
        return body;
    }

    /// <summary>A chat request's body, written by <see cref="ChatRequestWriter"/> (the same bytes as the serializer's, faster).</summary>
    public static PooledJsonBody Create(ChatRequest request)
    {
        var body = new PooledJsonBody(4096);
        using var writer = new Utf8JsonWriter(body, WriterOptions);
        ChatRequestWriter.Write(writer, request);
        return body;
    }

    /// <summary>Wraps the bytes in an <see cref="HttpContent"/> that does not own them (one per attempt).</summary>
    public HttpContent CreateContent() => new BodyContent(this);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 256);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _written + sizeHint));
        _buffer.AsSpan(0, _written).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private sealed class BodyContent : HttpContent
    {
        private readonly PooledJsonBody _body;

        public BodyContent(PooledJsonBody body)
        {
            _body = body;
            Headers.ContentType = JsonMediaType;
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            stream.WriteAsync(_body.Memory).AsTask();

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
            stream.WriteAsync(_body.Memory, cancellationToken).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = _body.Memory.Length;
            return true;
        }
    }
}
