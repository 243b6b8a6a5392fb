using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Flock.SemanticKernel;

/// <summary>
/// The metadata the SK service attaches to its results: a read-only dictionary under the <see cref="FlockMetadataKeys"/>,
/// with the same values as typed properties. One small object, no dictionary, per result.
/// </summary>
public sealed class FlockMetadata : IReadOnlyDictionary<string, object?>
{
    private readonly Entries _keys;

    internal FlockMetadata(
        Entries keys, string? id, DateTimeOffset? created, string? finishReason, FlockUsage? usage, string? systemFingerprint, FlockLogprobs? logprobs,
        decimal? cost = null, FlockResponseInfo? responseInfo = null)
    {
        _keys = keys;
        Id = id;
        Created = created;
        FinishReason = finishReason;
        Usage = usage;
        SystemFingerprint = systemFingerprint;
        Logprobs = logprobs;
        Cost = cost;
        ResponseInfo = responseInfo;
    }

    /// <summary>Which entries a metadata object exposes, in <see cref="FlockMetadataKeys"/> order.</summary>
    [Flags]
    internal enum Entries
    {
        None = 0,
        Id = 1,
        Created = 2,
        FinishReason = 4,
        Usage = 8,
        SystemFingerprint = 16,
        Logprobs = 32,
        Cost = 64,
        ResponseInfo = 128,
    }

    /// <summary>The completion id.</summary>
    public string? Id { get; }

    /// <summary>When the server created the completion.</summary>
    public DateTimeOffset? Created { get; }

    /// <summary>Why generation stopped, on a finished result.</summary>
    public string? FinishReason { get; }

    /// <summary>Token usage, where reported.</summary>
    public FlockUsage? Usage { get; }

    /// <summary>The server's system fingerprint.</summary>
    public string? SystemFingerprint { get; }

    /// <summary>Log probabilities of the answer's tokens (of the piece's, on a streamed update), when asked for.</summary>
    public FlockLogprobs? Logprobs { get; }

    /// <summary>
    /// What the call cost in USD, summed over every model call of a function-invocation loop; known when the proxy reports it
    /// or the model catalogue lists the model's prices (see <see cref="FlockUsage.TotalCost"/>). Exact to the nano-USD.
    /// </summary>
    public decimal? Cost { get; }

    /// <summary>What the proxy said of the call beyond its body (call id, rate limits, cost parts); with function invocation, the last model call's.</summary>
    public FlockResponseInfo? ResponseInfo { get; }

    /// <inheritdoc/>
    public int Count => BitCount((int)_keys);

    /// <inheritdoc/>
    public object? this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No Flock metadata named '{key}'.");

    IEnumerable<string> IReadOnlyDictionary<string, object?>.Keys
    {
        get
        {
            foreach (var (key, _) in this)
            {
                yield return key;
            }
        }
    }

    /// <inheritdoc/>
    public IEnumerable<object?> Values
    {
        get
        {
            foreach (var (_, value) in this)
            {
                yield return value;
            }
        }
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key) => KeyOf(key) is var k && k != Entries.None && (_keys & k) != 0;

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value)
    {
        var k = KeyOf(key);
        if (k == Entries.None || (_keys & k) == 0)
        {
            value = null;
            return false;
        }

        value = Value(k);
        return true;
    }

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var k = Entries.Id; k <= Entries.ResponseInfo; k = (Entries)((int)k << 1))
        {
            if ((_keys & k) != 0)
            {
                yield return new KeyValuePair<string, object?>(Name(k), Value(k));
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private object? Value(Entries key) => key switch
    {
        Entries.Id => Id,
        Entries.Created => Created,
        Entries.FinishReason => FinishReason,
        Entries.Usage => Usage,
        Entries.SystemFingerprint => SystemFingerprint,
        Entries.Logprobs => Logprobs,
        Entries.Cost => Cost,
        _ => ResponseInfo,
    };

    private static string Name(Entries key) => key switch
    {
        Entries.Id => FlockMetadataKeys.Id,
        Entries.Created => FlockMetadataKeys.Created,
        Entries.FinishReason => FlockMetadataKeys.FinishReason,
        Entries.Usage => FlockMetadataKeys.Usage,
        Entries.SystemFingerprint => FlockMetadataKeys.SystemFingerprint,
        Entries.Logprobs => FlockMetadataKeys.Logprobs,
        Entries.Cost => FlockMetadataKeys.Cost,
        _ => FlockMetadataKeys.ResponseInfo,
    };

    private static Entries KeyOf(string key) => key switch
    {
        FlockMetadataKeys.Id => Entries.Id,
        FlockMetadataKeys.Created => Entries.Created,
        FlockMetadataKeys.FinishReason => Entries.FinishReason,
        FlockMetadataKeys.Usage => Entries.Usage,
        FlockMetadataKeys.SystemFingerprint => Entries.SystemFingerprint,
        FlockMetadataKeys.Logprobs => Entries.Logprobs,
        FlockMetadataKeys.Cost => Entries.Cost,
        FlockMetadataKeys.ResponseInfo => Entries.ResponseInfo,
        _ => Entries.None,
    };

    private static int BitCount(int value) => System.Numerics.BitOperations.PopCount((uint)value);
}
