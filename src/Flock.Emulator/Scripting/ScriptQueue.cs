namespace Flock.Emulator.Scripting;

/// <summary>Thread-safe FIFO of scripted replies; a reply with <c>Times = n</c> is served n times.</summary>
internal sealed class ScriptQueue
{
    private readonly object _gate = new();
    private readonly LinkedList<(ScriptedReply Reply, int Remaining)> _items = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Sum(i => i.Remaining);
            }
        }
    }

    public void Enqueue(ScriptedReply reply)
    {
        lock (_gate)
        {
            _items.AddLast((reply, reply.Times));
        }
    }

    public ScriptedReply? TryDequeue()
    {
        lock (_gate)
        {
            var first = _items.First;
            if (first is null)
            {
                return null;
            }

            var (reply, remaining) = first.Value;
            if (remaining <= 1)
            {
                _items.RemoveFirst();
            }
            else
            {
                first.Value = (reply, remaining - 1);
            }

            return reply;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _items.Clear();
        }
    }
}
