using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flock.Extensions.AI.Wire;

/// <summary>Writes <see cref="MessageContent"/> as a JSON string or an array of parts, and reads both.</summary>
internal sealed class MessageContentConverter : JsonConverter<MessageContent>
{
    public override MessageContent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return MessageContent.FromText(reader.GetString()!);
            case JsonTokenType.StartArray:
                var parts = JsonSerializer.Deserialize(ref reader, FlockJsonContext.Default.ListContentPart) ?? [];
                return MessageContent.FromParts(parts);
            default:
                throw new JsonException($"'content' must be a string or an array of parts, not {reader.TokenType}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options) => ChatRequestWriter.WriteContent(writer, value);
}
