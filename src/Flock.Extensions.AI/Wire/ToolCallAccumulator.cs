using System.Text;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Assembles streamed tool-call fragments of one choice by <c>index</c>: id and name come on the first fragment, arguments in
/// pieces. Survives what OpenAI-compatible servers do: a missing index (the current call), an id repeated on every
/// fragment, the name repeated later, several fragments of one call in a chunk, and an empty <c>tool_calls</c>.
/// </summary>
internal sealed class ToolCallAccumulator
{
    private readonly List<Entry> _calls = [];

    // Index → position in _calls: a lookup per fragment costs the same with one call or 100,000 (a list scan was quadratic).
    private readonly Dictionary<int, int> _positions;
    private int _current = -1;

    public ToolCallAccumulator()
        : this(null)
    {
    }

    /// <summary>Creates an accumulator whose index lookups compare with <paramref name="indexComparer"/> (tests count its calls).</summary>
    internal ToolCallAccumulator(IEqualityComparer<int>? indexComparer) => _positions = new Dictionary<int, int>(indexComparer);

    public bool HasCalls => _calls.Count > 0;

    public void Add(ReadOnlySpan<ToolCall> fragments)
    {
        foreach (var fragment in fragments)
        {
            var index = fragment.Index ?? (_current >= 0 ? _calls[_current].Index : 0);
            if (!_positions.TryGetValue(index, out var position))
            {
                position = _calls.Count;
                _calls.Add(new Entry(index));
                _positions[index] = position;
            }

            _current = position;
            var entry = _calls[position];
            if (entry.Id is null && !string.IsNullOrEmpty(fragment.Id))
            {
                entry.Id = fragment.Id;
            }

            if (entry.Name is null && !string.IsNullOrEmpty(fragment.Function?.Name))
            {
                entry.Name = fragment.Function!.Name;
            }

            if (fragment.Function?.Arguments is { Length: > 0 } piece)
            {
                entry.Arguments.Append(piece);
            }
        }
    }

    /// <summary>Returns the complete calls in index order and forgets them.</summary>
    public List<(string Id, string Name, string Arguments)> Drain()
    {
        var result = new List<(string, string, string)>(_calls.Count);
        _calls.Sort(static (a, b) => a.Index.CompareTo(b.Index));
        foreach (var call in _calls)
        {
            result.Add((call.Id ?? $"call_{call.Index}", call.Name ?? "", call.Arguments.Length == 0 ? "{}" : call.Arguments.ToString()));
        }

        _calls.Clear();
        _positions.Clear();
        _current = -1;
        return result;
    }

    private sealed class Entry(int index)
    {
        public int Index { get; } = index;
        public string? Id { get; set; }
        public string? Name { get; set; }
        public StringBuilder Arguments { get; } = new();
    }
}
