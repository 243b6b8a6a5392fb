using System.Net;
using System.Net.Http.Headers;

namespace Flock.Tests.Support;

/// <summary>
/// Answers every request 200 with the same bytes, read back in the given pieces (<see cref="PieceStream"/>), as a completion
/// (<c>application/json</c>) or a stream (<c>text/event-stream</c>); <paramref name="decode"/> wraps the body as a handler with
/// automatic decompression would.
/// </summary>
public sealed class BytesHandler(byte[] bytes, int[] pieces, bool streaming, Func<Stream, Stream>? decode = null) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Stream body = new PieceStream(bytes, pieces);
        var content = new StreamContent(decode is null ? body : decode(body));
        content.Headers.ContentType = new MediaTypeHeaderValue(streaming ? "text/event-stream" : "application/json");
        return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
    }
}

/// <summary>
/// A read-only stream that hands out its bytes one piece per read, asynchronously, as a socket would: the sizes in
/// <paramref name="pieces"/> first (each cut to the reader's buffer), then the rest.
/// </summary>
public sealed class PieceStream(byte[] bytes, int[] pieces) : Stream
{
    private int _position;
    private int _piece;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        if (_position >= bytes.Length || buffer.Length == 0)
        {
            return 0;
        }

        var size = _piece < pieces.Length ? pieces[_piece++] : bytes.Length - _position;
        var count = Math.Min(Math.Min(size, buffer.Length), bytes.Length - _position);
        bytes.AsMemory(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
