namespace Flock.Extensions.AI;

/// <summary>A model served by Flock, as listed by <c>GET /models</c>.</summary>
public sealed record FlockModel
{
    internal FlockModel(string id) => Id = id;

    /// <summary>The model id to put in requests.</summary>
    public string Id { get; init; }

    /// <summary>The owner the server reports (the proxy reports a placeholder).</summary>
    public string? OwnedBy { get; init; }

    /// <summary>The creation time the server reports, if any.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}
