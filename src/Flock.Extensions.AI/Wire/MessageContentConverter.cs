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

    public override void Write(Utf8JsonWriter writer, MessageContent value, JsonSerializerOptions options) => WriteContent(writer, value);

    /// <summary>Writes the content as the converter does (the request writer calls it without the serializer).</summary>
    public static void WriteContent(Utf8JsonWriter writer, MessageContent value)
    {
        if (value.Text is not null)
        {
            writer.WriteStringValue(value.Text);
            return;
        }

        writer.WriteStartArray();
        foreach (var part in value.Parts!)
        {
            writer.WriteStartObject();
            writer.WriteString("type", part.Type);
            if (part.Text is not null)
            {
                writer.WriteString("text", part.Text);
            }

            if (part.ImageUrl is not null)
            {
                writer.WriteStartObject("image_url");
                writer.WriteString("url", part.ImageUrl.Url);
                if (part.ImageUrl.Detail is not null)
                {
                    writer.WriteString("detail", part.ImageUrl.Detail);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }
}
