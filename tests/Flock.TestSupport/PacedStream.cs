using System.Text;

namespace Flock.Tests.Support;

/// <summary>
/// A response body that hands out its pieces one read at a time, each after a delay on the given clock (a fake one in
/// tests): a trickling, stalling or slow server without a wall-clock wait. After the last piece it ends, or with
/// <c>stallAtEnd</c> blocks until the read is cancelled.
/// </summary>
public sealed class PacedStream(TimeProvider clock, IEnumerable<(TimeSpan Delay, byte[] Bytes)> pieces, bool stallAtEnd = false) : Stream
{
    private readonly IEnumerator<(TimeSpan Delay, byte[] Bytes)> _pieces = pieces.GetEnumerator();
    private byte[] _current = [];
    private int _offset;

    /// <summary>One byte of <paramref name="text"/> every <paramref name="interval"/>.</summary>
    public static PacedStream Trickle(TimeProvider clock, string text, TimeSpan interval, bool stallAtEnd = false) =>
        new(clock, Encoding.UTF8.GetBytes(text).Select(b => (interval, new[] { b })), stallAtEnd);

    /// <summary>Pieces of text, each after its delay.</summary>
    public static PacedStream Of(TimeProvider clock, bool stallAtEnd, params (TimeSpan Delay, string Text)[] pieces) =>
        new(clock, pieces.Select(p => (p.Delay, Encoding.UTF8.GetBytes(p.Text))), stallAtEnd);

    /// <summary>How many reads were asked for (a read waiting on the clock counts).</summary>
    public int Reads { get; private set; }

    /// <summary>
    /// The clock's time when a waiting read was cancelled (the client gave up): taken inside the cancellation itself, so it
    /// is the exact moment a timeout fired, however late the rest of the call runs.
    /// </summary>
    public DateTimeOffset? CancelledAt { get; private set; }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Reads++;
        if (_offset == _current.Length)
        {
            if (!_pieces.MoveNext())
            {
                if (stallAtEnd)
                {
                    await InlineDelay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
                }

                return 0;
            }

            var (delay, bytes) = _pieces.Current;
            if (delay > TimeSpan.Zero)
            {
                await InlineDelay(delay, cancellationToken).ConfigureAwait(false);
            }

            _current = bytes;
            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsMemory(_offset, count).CopyTo(buffer);
        _offset += count;
        return count;
    }

    /// <summary>
    /// A delay on the clock whose continuation runs inline when the clock fires it (Task.Delay may hop to the thread pool),
    /// so a step of a fake clock moves the reader along before the next step.
    /// </summary>
    private Task InlineDelay(TimeSpan delay, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource();
        var timer = clock.CreateTimer(static s => ((TaskCompletionSource)s!).TrySetResult(), done, delay, Timeout.InfiniteTimeSpan);
        var registration = cancellationToken.Register(() =>
        {
            CancelledAt ??= clock.GetUtcNow();
            done.TrySetCanceled();
        });
        return done.Task.ContinueWith(
            t =>
            {
                timer.Dispose();
                registration.Dispose();
                t.GetAwaiter().GetResult();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
