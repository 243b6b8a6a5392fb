using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Wire;

/// <summary>The <c>response_format</c> body field from any form a user writes it in.</summary>
internal static class ResponseFormats
{
    private static readonly JsonElement JsonObjectFormat = JsonDocument.Parse("""{"type":"json_object"}""").RootElement.Clone();
    private static readonly JsonElement TextFormat = JsonDocument.Parse("""{"type":"text"}""").RootElement.Clone();

    /// <summary>
    /// Schemas for a .NET type name its properties as written (<c>City</c>, not MEAI's default <c>city</c>): SK code reads the
    /// answer with <c>JsonSerializer.Deserialize&lt;T&gt;(content)</c>, whose default options are case-sensitive, as SK's OpenAI
    /// connector expects. (MEAI's own <c>GetResponseAsync&lt;T&gt;</c> passes a schema, not a type, so it keeps its camelCase.)
    /// </summary>
    private static readonly JsonSerializerOptions TypeSchemaOptions = CreateTypeSchemaOptions();

    /// <summary>
    /// <c>response_format</c> from what users write: <c>"json_object"</c>/<c>"text"</c>, a full format object, a bare JSON schema,
    /// MEAI's <see cref="ChatResponseFormat"/>, or a .NET type whose schema is derived.
    /// </summary>
    public static JsonElement ToWire(object format)
    {
        switch (format)
        {
            case ChatResponseFormatText:
                return TextFormat;
            case ChatResponseFormatJson { Schema: null }:
                return JsonObjectFormat;
            case ChatResponseFormatJson json:
                return JsonSchemaFormat(json.Schema!.Value, json.SchemaName, json.SchemaDescription);
            case Type type:
                // The schema comes from the type's JSON metadata: any type through reflection where reflection-based
                // serialization is on, only MEAI's own under Native AOT or trimming. There, say what to pass instead.
                if (!TypeSchemaOptions.TryGetTypeInfo(type, out _))
                {
                    throw new NotSupportedException(
                        $"response_format: no JSON schema can be derived for {type.FullName}: reflection-based JSON serialization is off " +
                        "(Native AOT or trimming). Pass ChatResponseFormat.ForJsonSchema<T>(options) with the options of a source-generated " +
                        "JsonSerializerContext that includes the type, or the JSON schema itself.");
                }

                return JsonSchemaFormat(AIJsonUtilities.CreateJsonSchema(type, serializerOptions: TypeSchemaOptions), type.Name, null);
            case string text when text is "json_object" or "text" or "json_schema":
                return text == "text" ? TextFormat : JsonObjectFormat;
            case string text:
                using (var document = JsonDocument.Parse(text))
                {
                    return ToWire(document.RootElement.Clone());
                }

            case JsonElement { ValueKind: JsonValueKind.String } e:
                return ToWire(e.GetString()!);
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                return e.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() is "json_object" or "json_schema" or "text"
                    ? e
                    : JsonSchemaFormat(e, null, null);
            default:
                return ToWire(SettingValues.ToJsonElement("response_format", format));
        }
    }

    /// <summary>
    /// MEAI's kind of a format (text or JSON, without converting it), for the typed <see cref="ChatOptions.ResponseFormat"/> that
    /// middleware reads; the format itself travels as it was given.
    /// </summary>
    public static ChatResponseFormat KindOf(object format) => format switch
    {
        ChatResponseFormat given => given,
        "text" => ChatResponseFormat.Text,
        JsonElement { ValueKind: JsonValueKind.String } e when e.ValueEquals("text") => ChatResponseFormat.Text,
        JsonElement { ValueKind: JsonValueKind.Object } e when e.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.ValueEquals("text")
            => ChatResponseFormat.Text,
        _ => ChatResponseFormat.Json,
    };

    private static JsonSerializerOptions CreateTypeSchemaOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { PropertyNamingPolicy = null };
        options.MakeReadOnly();
        return options;
    }

    private static JsonElement JsonSchemaFormat(JsonElement schema, string? name, string? description)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "json_schema");
            writer.WriteStartObject("json_schema");
            writer.WriteString("name", string.IsNullOrWhiteSpace(name) ? "response" : name);
            if (description is not null)
            {
                writer.WriteString("description", description);
            }

            writer.WritePropertyName("schema");
            schema.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
