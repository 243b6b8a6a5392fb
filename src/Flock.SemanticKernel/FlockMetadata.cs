using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Flock.SemanticKernel;

/// <summary>
/// The metadata the SK service attaches to its results: a read-only dictionary under the <see cref="FlockMetadataKeys"/>,
/// with the same values as typed properties.
/// </summary>
public sealed class FlockMetadata : IReadOnlyDictionary<string, object?>
{
    private readonly Dictionary<string, object?> _entries;

    /// <summary>Wraps <paramref name="entries"/>, filled in <see cref="FlockMetadataKeys"/> order and never changed after.</summary>
    internal FlockMetadata(Dictionary<string, object?> entries) => _entries = entries;

    /// <summary>The completion id.</summary>
    public string? Id => Value(FlockMetadataKeys.Id) as string;

    /// <summary>When the server created the completion.</summary>
    public DateTimeOffset? Created => Value(FlockMetadataKeys.Created) as DateTimeOffset?;

    /// <summary>Why generation stopped, on a finished result.</summary>
    public string? FinishReason => Value(FlockMetadataKeys.FinishReason) as string;

    /// <summary>Token usage, where reported.</summary>
    public FlockUsage? Usage => Value(FlockMetadataKeys.Usage) as FlockUsage;

    /// <summary>The server's system fingerprint.</summary>
    public string? SystemFingerprint => Value(FlockMetadataKeys.SystemFingerprint) as string;

    /// <summary>Log probabilities of the answer's tokens (of the piece's, on a streamed update), when asked for.</summary>
    public FlockLogprobs? Logprobs => Value(FlockMetadataKeys.Logprobs) as FlockLogprobs;

    /// <summary>
    /// What the call cost in USD, summed over every model call of a function-invocation loop; known when the proxy reports it
    /// or the model catalogue lists the model's prices (see <see cref="FlockUsage.TotalCost"/>). Exact to the nano-USD.
    /// </summary>
    public decimal? Cost => Value(FlockMetadataKeys.Cost) as decimal?;

    /// <summary>What the proxy said of the call beyond its body (call id, rate limits, cost parts); with function invocation, the last model call's.</summary>
    public FlockResponseInfo? ResponseInfo => Value(FlockMetadataKeys.ResponseInfo) as FlockResponseInfo;

    /// <inheritdoc/>
    public int Count => _entries.Count;

    /// <inheritdoc/>
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No Flock metadata named '{key}'.");

    IEnumerable<string> IReadOnlyDictionary<string, object?>.Keys => _entries.Keys;

    /// <inheritdoc/>
    public IEnumerable<object?> Values => _entries.Values;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _entries.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _entries.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds <paramref name="value"/> under <paramref name="key"/> when there is one: entries that are often unknown are left out then.</summary>
    internal static void AddKnown(Dictionary<string, object?> entries, string key, object? value)
    {
        if (value is not null)
        {
            entries.Add(key, value);
        }
    }

    private object? Value(string key) => _entries.GetValueOrDefault(key);
}
