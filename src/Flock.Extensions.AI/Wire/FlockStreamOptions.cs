using System.Text.Json.Serialization;

namespace Flock.Extensions.AI;

/// <summary>The <c>stream_options</c> object, used only when streaming.</summary>
public sealed class FlockStreamOptions
{
    /// <summary>Whether the final chunk carries token usage (<c>include_usage</c>); the connector asks for it unless told otherwise.</summary>
    [JsonPropertyName("include_usage")]
    public bool? IncludeUsage { get; set; }
}
