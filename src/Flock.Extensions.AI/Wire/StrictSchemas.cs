using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Strict structured output, as MEAI's OpenAI client asks for it (the <c>strictJsonSchema</c> key, or <c>strict</c>, in
/// ChatOptions or AIFunction additional properties): never a body field of its own, but <c>strict: true</c> inside
/// <c>response_format.json_schema</c> and on function tools, with the schema transformed as strict mode requires.
/// </summary>
internal static class StrictSchemas
{
    /// <summary>The keys that ask for strictness.</summary>
    public static readonly string[] Keys = ["strictJsonSchema", "strict"];

    private static readonly AIJsonSchemaTransformOptions StrictTransform = new()
    {
        DisallowAdditionalProperties = true,
        RequireAllProperties = true,
        ConvertBooleanSchemas = true,
        MoveDefaultKeywordToDescription = true,
    };

    private static readonly AIJsonSchemaTransformCache FunctionCache = new(StrictTransform);

    /// <summary>Whether <paramref name="properties"/> asks for strictness: true, false, or null when it does not say.</summary>
    public static bool? Requested(IReadOnlyDictionary<string, object?>? properties)
    {
        if (properties is null)
        {
            return null;
        }

        foreach (var key in Keys)
        {
            if (properties.TryGetValue(key, out var value) && SettingValues.ToBooleanOrNull(value) is { } strict)
            {
                return strict;
            }
        }

        return null;
    }

    /// <summary>A function's parameters schema made strict (cached per function, as MEAI does).</summary>
    public static JsonElement FunctionSchema(AIFunctionDeclaration function) => FunctionCache.GetOrCreateTransformedSchema(function);

    /// <summary>A <c>response_format</c> of type <c>json_schema</c> made strict; other formats are returned as they are.</summary>
    public static JsonElement ResponseFormat(JsonElement format)
    {
        if (format.ValueKind != JsonValueKind.Object
            || !format.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || type.GetString() != "json_schema"
            || !format.TryGetProperty("json_schema", out var jsonSchema) || jsonSchema.ValueKind != JsonValueKind.Object)
        {
            return format;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var property in format.EnumerateObject())
            {
                if (!property.NameEquals("json_schema"))
                {
                    property.WriteTo(writer);
                    continue;
                }

                writer.WriteStartObject("json_schema");
                foreach (var field in jsonSchema.EnumerateObject())
                {
                    if (field.NameEquals("schema") && field.Value.ValueKind == JsonValueKind.Object)
                    {
                        writer.WritePropertyName("schema");
                        AIJsonUtilities.TransformSchema(field.Value, StrictTransform).WriteTo(writer);
                    }
                    else if (!field.NameEquals("strict"))
                    {
                        field.WriteTo(writer);
                    }
                }

                writer.WriteBoolean("strict", true);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
