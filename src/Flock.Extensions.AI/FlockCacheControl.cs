namespace Flock.Extensions.AI;

/// <summary>
/// The proxy's response cache controls for one call, sent as one <c>cache</c> object (<c>{"no-cache": true, "ttl": 600, …}</c>).
/// They act only where the proxy has its cache on; a key that is not allowed a control gets a 403, surfaced as it is.
/// </summary>
public sealed class FlockCacheControl
{
    /// <summary>Ignore a cached answer and ask the model (<c>no-cache</c>).</summary>
    public bool? NoCache { get; set; }

    /// <summary>Do not store this answer in the cache (<c>no-store</c>).</summary>
    public bool? NoStore { get; set; }

    /// <summary>How long to keep this answer in the cache (<c>ttl</c>, sent in whole seconds).</summary>
    public TimeSpan? Ttl { get; set; }

    /// <summary>Accept a cached answer only if it is at most this old (<c>s-maxage</c>, sent in whole seconds).</summary>
    public TimeSpan? SMaxAge { get; set; }

    /// <summary>The cache namespace to read and write (<c>namespace</c>).</summary>
    public string? Namespace { get; set; }

    /// <inheritdoc/>
    public override string ToString() => $"FlockCacheControl {{ NoCache = {NoCache}, NoStore = {NoStore}, Ttl = {Ttl}, SMaxAge = {SMaxAge}, Namespace = {Namespace} }}";
}
