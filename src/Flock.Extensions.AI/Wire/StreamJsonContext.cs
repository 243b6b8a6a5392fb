using System.Text.Json.Serialization;

namespace Flock.Extensions.AI.Wire;

/// <summary>Source-generated metadata for the pieces <see cref="StreamChunkParser"/> hands to the serializer.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorDetail))]
internal sealed partial class StreamJsonContext : JsonSerializerContext;
