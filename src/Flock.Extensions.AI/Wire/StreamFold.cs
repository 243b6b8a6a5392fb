namespace Flock.Extensions.AI.Wire;

/// <summary>
/// What a stream's chunks add up to, folded once here for every consumer (the MEAI updates, raw-prompt streaming): the
/// first id, model, creation time and fingerprint seen, the last usage reported (servers that send cumulative usage on every
/// chunk are read right, and the proxy's usage-only chunk never touches a finish reason), and each choice's finish reason.
/// </summary>
internal sealed class StreamFold
{
    // Keyed, not an array indexed by choice: the index comes from the server and may be anything.
    private Dictionary<int, string>? _finishReasons;

    public string? Id { get; private set; }

    public string? Model { get; private set; }

    public long? Created { get; private set; }

    public string? SystemFingerprint { get; private set; }

    /// <summary>The last usage reported; never a sum.</summary>
    public Usage? Usage { get; private set; }

    /// <summary>What the proxy said in the stream's headers, when it said anything.</summary>
    public FlockResponseInfo? ResponseInfo { get; private set; }

    /// <summary>Folds in a chunk; read what you need from the chunk itself before the next one overwrites it.</summary>
    public void Add(StreamChunk chunk)
    {
        Id ??= chunk.Id;
        Model ??= chunk.Model;
        Created ??= chunk.Created;
        SystemFingerprint ??= chunk.SystemFingerprint;
        Usage = chunk.Usage ?? Usage;
        ResponseInfo ??= chunk.ResponseInfo;
        foreach (ref readonly var choice in chunk.Choices)
        {
            if (choice.FinishReason is { } reason)
            {
                (_finishReasons ??= []).TryAdd(choice.Index, reason);
            }
        }
    }

    /// <summary>The finish reason of choice <paramref name="index"/>, once it finished.</summary>
    public string? FinishReasonOf(int index) => _finishReasons?.GetValueOrDefault(index);
}
