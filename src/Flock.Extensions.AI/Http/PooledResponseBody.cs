using System.Buffers;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// A response body read into a pooled buffer, at most a limit of (decompressed) bytes: parsed in place, kept for error
/// messages and Trace logs, then returned. The buffer grows by doubling but never past the limit + 1, so refusing a
/// body costs a small multiple of the limit (the doublings, each rounded up by the pool), whatever the server sends.
/// </summary>
internal readonly struct PooledResponseBody : IDisposable
{
    private const int InitialSize = 16 * 1024;
    private const int MaxInitialSize = 1 << 20;
    private readonly byte[] _buffer;
    private readonly int _length;

    private PooledResponseBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        _length = length;
    }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    /// <summary>Reads the whole body, or throws <see cref="FlockLimitExceededException"/> once it passes <paramref name="limit"/> bytes.</summary>
    public static async Task<PooledResponseBody> ReadAsync(HttpResponseMessage response, int limit, string limitName, CancellationToken cancellationToken)
    {
        var declared = response.Content.Headers.ContentLength;
        if (declared > limit)
        {
            throw new FlockLimitExceededException(limitName, limit, response.StatusCode);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using var _ = stream.ConfigureAwait(false);
        var (buffer, length, complete) = await ReadAsync(stream, declared is > 0 and < MaxInitialSize ? (int)declared.Value + 1 : InitialSize, limit, cancellationToken).ConfigureAwait(false);
        if (!complete)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw new FlockLimitExceededException(limitName, limit, response.StatusCode);
        }

        return new PooledResponseBody(buffer, length);
    }

    /// <summary>
    /// Reads <paramref name="stream"/> into a rented buffer until it ends or holds more than <paramref name="limit"/> bytes
    /// (then <c>complete</c> is false and the buffer holds the first limit + 1 bytes or more). The caller returns the buffer.
    /// </summary>
    public static async Task<(byte[] Buffer, int Length, bool Complete)> ReadAsync(Stream stream, int initialSize, int limit, CancellationToken cancellationToken)
    {
        // limit + 1 fits an array: the limit is at most Array.MaxLength - 1 (checked with the options).
        var cap = limit + 1;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Clamp(initialSize, 1, cap));
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length >= cap)
                    {
                        return (buffer, length, false);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(NextSize(buffer.Length, cap));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await stream.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, cap) - length), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer, length, true);
                }

                length += read;
                if (length > limit)
                {
                    return (buffer, length, false);
                }
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>Twice <paramref name="current"/>, but never past <paramref name="cap"/>; long arithmetic, so a buffer past 1 GiB does not overflow.</summary>
    internal static int NextSize(int current, int cap) => (int)Math.Min((long)current * 2, cap);

    public void Dispose()
    {
        if (_buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }
}
