namespace Flock.Tests.Support;

/// <summary>A read-only memory stream that remembers whether it was disposed.</summary>
public sealed class TrackingStream(byte[] data) : MemoryStream(data, writable: false)
{
    public bool Disposed { get; private set; }

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Disposed = true;
        return base.DisposeAsync();
    }
}
