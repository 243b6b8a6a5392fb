namespace Flock.Extensions.AI;

/// <summary>
/// Log probabilities of the tokens of an answer, as the server sent them when asked (<c>logprobs</c>): the whole choice's
/// tokens on a non-streamed answer, the piece's tokens on a streamed update.
/// </summary>
/// <remarks>
/// Read leniently: an entry without a token or a numeric log probability is left out, as is a <c>bytes</c> array that holds
/// anything but byte values; fields the server adds are ignored.
/// </remarks>
public sealed class FlockLogprobs
{
    internal FlockLogprobs(IReadOnlyList<FlockTokenLogprob> tokens) => Tokens = tokens ?? throw new ArgumentNullException(nameof(tokens));

    /// <summary>The tokens in the order they were generated.</summary>
    public IReadOnlyList<FlockTokenLogprob> Tokens { get; }

    /// <inheritdoc/>
    public override string ToString() => $"FlockLogprobs {{ Tokens = {Tokens.Count} }}";
}

/// <summary>One generated token, its log probability and the most likely alternatives at its position.</summary>
public sealed record FlockTokenLogprob
{
    internal FlockTokenLogprob(string token, double logprob, IReadOnlyList<byte>? bytes, IReadOnlyList<FlockTopLogprob> topLogprobs)
    {
        Token = token;
        Logprob = logprob;
        Bytes = bytes;
        TopLogprobs = topLogprobs;
    }

    /// <summary>The token's text.</summary>
    public string Token { get; init; }

    /// <summary>The natural log of the token's probability (servers send -9999 for an impossible token).</summary>
    public double Logprob { get; init; }

    /// <summary>The token's UTF-8 bytes, when sent (a token may hold part of a character).</summary>
    public IReadOnlyList<byte>? Bytes { get; init; }

    /// <summary>The most likely tokens at this position, most likely first; as many as asked for, often including this one.</summary>
    public IReadOnlyList<FlockTopLogprob> TopLogprobs { get; init; }
}

/// <summary>An alternative token at a position of the answer.</summary>
public sealed record FlockTopLogprob
{
    internal FlockTopLogprob(string token, double logprob, IReadOnlyList<byte>? bytes)
    {
        Token = token;
        Logprob = logprob;
        Bytes = bytes;
    }

    /// <summary>The token's text.</summary>
    public string Token { get; init; }

    /// <summary>The natural log of the token's probability.</summary>
    public double Logprob { get; init; }

    /// <summary>The token's UTF-8 bytes, when sent.</summary>
    public IReadOnlyList<byte>? Bytes { get; init; }
}
