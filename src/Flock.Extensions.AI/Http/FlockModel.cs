namespace Flock.Extensions.AI;

/// <summary>A model served by Flock, as listed by <c>GET /models</c>.</summary>
/// <param name="Id">The model id to put in requests.</param>
/// <param name="OwnedBy">The owner the server reports (the proxy reports a placeholder).</param>
/// <param name="CreatedAt">The creation time the server reports, if any.</param>
public sealed record FlockModel(string Id, string? OwnedBy, DateTimeOffset? CreatedAt);
