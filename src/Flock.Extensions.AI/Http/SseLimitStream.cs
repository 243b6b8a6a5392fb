namespace Flock.Extensions.AI.Http;

/// <summary>
/// The response stream as the SSE parser sees it, bounded: System.Net.ServerSentEvents buffers a line (and an event) of
/// any length, so this view counts the bytes of the current event (its lines up to the blank line that ends it) and
/// fails the stream with <see cref="FlockLimitExceededException"/> once one passes the limit. It can also peek at the
/// first meaningful byte, to tell an event stream from a JSON body sent instead.
/// </summary>
internal sealed class SseLimitStream(Stream inner, int maxEventBytes) : Stream
{
    private byte[]? _peeked;
    private int _peekedOffset;
    private int _peekedLength;
    private long _eventBytes;
    private bool _lineEmpty = true;
    private bool _afterCr;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>
    /// Reads until the first byte that is not whitespace or a byte-order mark (kept, and read again by the parser) and
    /// returns it, or -1 when the body ends first.
    /// </summary>
    public async ValueTask<int> PeekAsync(CancellationToken cancellationToken)
    {
        _peeked = new byte[4096];
        while (_peekedLength < _peeked.Length)
        {
            var read = await inner.ReadAsync(_peeked.AsMemory(_peekedLength), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return -1;
            }

            _peekedLength += read;
            var span = _peeked.AsSpan(0, _peekedLength);
            if (span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
            {
                span = span[3..];
            }

            var start = span.IndexOfAnyExcept(" \t\r\n"u8);
            if (start >= 0)
            {
                return span[start];
            }
        }

        return ' ';
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (_peekedOffset < _peekedLength)
        {
            read = Math.Min(buffer.Length, _peekedLength - _peekedOffset);
            _peeked.AsSpan(_peekedOffset, read).CopyTo(buffer.Span);
            _peekedOffset += read;
        }
        else
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        Count(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Use ReadAsync.");
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>Counts the bytes of the current event; a blank line (CR, LF or CRLF after a line end) starts a new one.</summary>
    private void Count(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            var end = bytes.IndexOfAny((byte)'\r', (byte)'\n');
            if (end < 0)
            {
                Add(bytes.Length);
                _lineEmpty &= bytes.IsEmpty;
                _afterCr = false;
                return;
            }

            if (end > 0)
            {
                Add(end);
                _lineEmpty = false;
                _afterCr = false;
            }

            var terminator = bytes[end];
            if (terminator == '\n' && _afterCr && end == 0)
            {
                // The LF of a CRLF: the line already ended.
                _afterCr = false;
            }
            else
            {
                if (_lineEmpty)
                {
                    _eventBytes = 0;
                }
                else
                {
                    Add(1);
                }

                _lineEmpty = true;
                _afterCr = terminator == '\r';
            }

            bytes = bytes[(end + 1)..];
        }
    }

    private void Add(int count)
    {
        _eventBytes += count;
        if (_eventBytes > maxEventBytes)
        {
            throw new FlockLimitExceededException(nameof(FlockOptions.MaxStreamEventBytes), maxEventBytes) { DuringStream = true };
        }
    }
}
