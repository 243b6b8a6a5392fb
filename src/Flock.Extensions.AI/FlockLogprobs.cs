namespace Flock.Extensions.AI;

/// <summary>
/// Log probabilities of the tokens of an answer, as the server sent them when asked (<c>logprobs</c>): the whole choice's
/// tokens on a non-streamed answer, the piece's tokens on a streamed update.
/// </summary>
/// <remarks>
/// Read leniently: an entry without a token or a numeric log probability is left out, as is a <c>bytes</c> array that holds
/// anything but byte values; fields the server adds are ignored.
/// </remarks>
/// <param name="tokens">The tokens in the order they were generated.</param>
public sealed class FlockLogprobs(IReadOnlyList<FlockTokenLogprob> tokens)
{
    /// <summary>The tokens in the order they were generated.</summary>
    public IReadOnlyList<FlockTokenLogprob> Tokens { get; } = tokens ?? throw new ArgumentNullException(nameof(tokens));

    /// <inheritdoc/>
    public override string ToString() => $"FlockLogprobs {{ Tokens = {Tokens.Count} }}";
}

/// <summary>One generated token, its log probability and the most likely alternatives at its position.</summary>
/// <param name="Token">The token's text.</param>
/// <param name="Logprob">The natural log of the token's probability (servers send -9999 for an impossible token).</param>
/// <param name="Bytes">The token's UTF-8 bytes, when sent (a token may hold part of a character).</param>
/// <param name="TopLogprobs">The most likely tokens at this position, most likely first; as many as asked for, often including this one.</param>
public sealed record FlockTokenLogprob(string Token, double Logprob, IReadOnlyList<byte>? Bytes, IReadOnlyList<FlockTopLogprob> TopLogprobs);

/// <summary>An alternative token at a position of the answer.</summary>
/// <param name="Token">The token's text.</param>
/// <param name="Logprob">The natural log of the token's probability.</param>
/// <param name="Bytes">The token's UTF-8 bytes, when sent.</param>
public sealed record FlockTopLogprob(string Token, double Logprob, IReadOnlyList<byte>? Bytes);
