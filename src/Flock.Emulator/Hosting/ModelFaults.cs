namespace Flock.Emulator.Hosting;

/// <summary>Scripted failures of whole models: each call routed to such a model fails upstream, until its count runs out.</summary>
internal sealed class ModelFaults
{
    private readonly object _gate = new();
    private readonly Dictionary<string, Fault> _faults = new(StringComparer.Ordinal);

    public void Set(string model, int? times, int status, string message)
    {
        lock (_gate)
        {
            _faults[model] = new Fault(times, status, message);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>The failure a call to <paramref name="model"/> meets now (counting it), or null when the model answers.</summary>
    public Fault? TryConsume(string model)
    {
        lock (_gate)
        {
            if (!_faults.TryGetValue(model, out var fault))
            {
                return null;
            }

            if (fault.Remaining is { } remaining)
            {
                if (remaining <= 1)
                {
                    _faults.Remove(model);
                }
                else
                {
                    _faults[model] = fault with { Remaining = remaining - 1 };
                }
            }

            return fault;
        }
    }

    /// <summary>One model's failure: how many more calls fail (null: until cleared), with which status and message.</summary>
    public sealed record Fault(int? Remaining, int Status, string Message);
}
