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
    private long _lineLength;
    private bool _afterCr;
    private bool _crEndedLine;
    private bool _overflowed;

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
        // Pooled: the peeked bytes are replayed to the parser and the buffer goes back once they are.
        _peeked = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
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

            var start = WireReading.IndexOfNonWhitespace(span);
            if (start >= 0)
            {
                return span[start];
            }
        }

        return ' ';
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_overflowed)
        {
            throw Overflow();
        }

        int read;
        if (_peekedOffset < _peekedLength)
        {
            read = Math.Min(buffer.Length, _peekedLength - _peekedOffset);
            _peeked.AsSpan(_peekedOffset, read).CopyTo(buffer.Span);
            _peekedOffset += read;
            if (_peekedOffset == _peekedLength)
            {
                ReturnPeeked();
            }
        }
        else
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        var over = Count(buffer.Span[..read]);
        if (over < 0)
        {
            return read;
        }

        // The events before the oversized one are handed over first; the next read fails the stream.
        _overflowed = true;
        return over > 0 ? over : throw Overflow();
    }

    // Built in a method of its own, so a read that never overflows does not load the exception's type.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private FlockLimitExceededException Overflow() =>
        new(nameof(FlockOptions.MaxStreamEventBytes), maxEventBytes) { DuringStream = true };

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
            ReturnPeeked();
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void ReturnPeeked()
    {
        if (_peeked is { } peeked)
        {
            _peeked = null;
            _peekedOffset = _peekedLength = 0;
            System.Buffers.ArrayPool<byte>.Shared.Return(peeked);
        }
    }

    /// <summary>
    /// Counts the bytes of the current event: its lines and their line ends (CR, LF or CRLF), not the blank line that ends
    /// it. Returns the offset of the first byte past the limit, or -1.
    /// </summary>
    private int Count(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            var rest = bytes[offset..];
            var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
            var run = end < 0 ? rest.Length : end;
            if (run > 0)
            {
                if (_eventBytes + run > maxEventBytes)
                {
                    return offset + (int)(maxEventBytes - _eventBytes);
                }

                _eventBytes += run;
                _lineLength += run;
                _afterCr = false;
                offset += run;
                continue;
            }

            var terminator = rest[0];
            var countsForLine = terminator == '\n' && _afterCr ? _crEndedLine : _lineLength > 0;
            if (!(terminator == '\n' && _afterCr) && _lineLength == 0)
            {
                // A blank line: the event ends, the next one starts from zero.
                _eventBytes = 0;
            }

            if (countsForLine)
            {
                if (_eventBytes + 1 > maxEventBytes)
                {
                    return offset;
                }

                _eventBytes++;
            }

            if (terminator == '\r')
            {
                _crEndedLine = _lineLength > 0;
                _afterCr = true;
            }
            else
            {
                _afterCr = false;
            }

            _lineLength = 0;
            offset++;
        }

        return -1;
    }
}
