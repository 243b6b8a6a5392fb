using System.Text.Json;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// The envelope a stream repeats on every chunk (id, object, created, model, fingerprint and the first choice's index), kept
/// as the bytes up to the first choice's <c>"delta":</c> with the <see cref="Utf8JsonReader"/> state reached after them.
/// A chunk that starts with the same bytes parses to the same values up to there, so <see cref="StreamChunkParser"/>
/// resumes it at the delta and reads only what changes.
/// <para>
/// Resuming is exact only where the chunk's values after the envelope are the ones its bytes give. So an envelope is kept
/// only from a chunk with nothing per-chunk before its first delta (usage, error, finish reason, logprobs); every full
/// parse drops the previous one; and an id, model, created or fingerprint read after the choices drops it too.
/// </para>
/// </summary>
internal sealed class ChunkEnvelope
{
    // Envelopes are a few hundred bytes; a larger prefix (a server's bulky extra fields) is parsed in full each time.
    private const int MaxLength = 1024;

    private byte[] _bytes = [];
    private int _length;
    private JsonReaderState _state;
    private int _choiceIndex;

    /// <summary>How many chunks of the stream were read on from the envelope (for tests and diagnostics).</summary>
    public int Resumed { get; private set; }

    // Where the chunk being parsed in full ends its envelope; only a full parse marks, once.
    private bool _canMark;
    private int _markedLength;
    private JsonReaderState _markedState;
    private int _markedIndex;

    /// <summary>
    /// A reader positioned right after the envelope's <c>"delta":</c> when <paramref name="data"/> starts with the envelope
    /// kept from an earlier chunk; otherwise false, and the envelope is dropped (the full parse may mark a new one).
    /// </summary>
    public bool TryResume(ReadOnlySpan<byte> data, out Utf8JsonReader reader, out int choiceIndex)
    {
        _markedLength = 0;
        _canMark = false;
        if (_length > 0 && data.Length > _length && data.StartsWith(_bytes.AsSpan(0, _length)))
        {
            reader = new Utf8JsonReader(data[_length..], isFinalBlock: true, _state);
            choiceIndex = _choiceIndex;
            Resumed++;
            return true;
        }

        _length = 0;
        _canMark = true;
        reader = default;
        choiceIndex = 0;
        return false;
    }

    /// <summary>
    /// Notes where the envelope of the chunk being parsed in full ends, at its first <c>delta</c> name (the one
    /// <paramref name="reader"/> has just read); a resumed chunk gets back only the choice's index, so a chunk with anything
    /// else per-chunk before it is no envelope.
    /// </summary>
    public void Mark(in Utf8JsonReader reader, StreamChunk chunk, in ChoiceDelta choice)
    {
        if (!_canMark)
        {
            return;
        }

        _canMark = false;
        if (chunk.ChoiceCount == 1 && chunk.Usage is null && chunk.Error is null && choice.IsEmpty && reader.BytesConsumed <= MaxLength)
        {
            _markedLength = (int)reader.BytesConsumed;
            _markedState = reader.CurrentState;
            _markedIndex = choice.Index;
        }
    }

    /// <summary>Something after the choices changed a value the envelope would carry: neither the kept envelope nor the marked one holds.</summary>
    public void Drop()
    {
        _length = 0;
        _markedLength = 0;
        _canMark = false;
    }

    /// <summary>Keeps the marked envelope of <paramref name="data"/>, the chunk just parsed in full without error.</summary>
    public void Keep(ReadOnlySpan<byte> data)
    {
        if (_markedLength == 0)
        {
            return;
        }

        var length = _markedLength;
        if (_bytes.Length < length)
        {
            _bytes = new byte[length];
        }

        data[..length].CopyTo(_bytes);
        _length = length;
        _state = _markedState;
        _choiceIndex = _markedIndex;
        _markedLength = 0;
    }
}
