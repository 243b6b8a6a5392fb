using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol;

/// <summary>Generates a small JSON value that satisfies a JSON schema's types, required properties, enums and bounds.</summary>
internal static class SchemaSampler
{
    private const int MaxDepth = 12;

    /// <summary>Samples a value for <paramref name="schema"/>; <paramref name="requiredOnly"/> leaves optional properties out.</summary>
    public static JsonNode? Sample(JsonNode? schema, string text, bool requiredOnly) =>
        Sample(schema, schema as JsonObject, text, requiredOnly, 0);

    private static JsonNode? Sample(JsonNode? schema, JsonObject? root, string text, bool requiredOnly, int depth)
    {
        if (depth > MaxDepth || schema is not JsonObject s)
        {
            return depth > MaxDepth ? null : JsonValue.Create(text);
        }

        if (s["$ref"] is { } refNode && refNode.GetValueKind() == JsonValueKind.String)
        {
            return Sample(Resolve(root, refNode.GetValue<string>()), root, text, requiredOnly, depth + 1);
        }

        if (s.TryGetPropertyValue("const", out var constant))
        {
            return constant?.DeepClone();
        }

        if (s["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]?.DeepClone();
        }

        foreach (var key in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (s[key] is JsonArray { Count: > 0 } options)
            {
                var option = options.FirstOrDefault(o => !IsNullSchema(o)) ?? options[0];
                return Sample(option, root, text, requiredOnly, depth + 1);
            }
        }

        return TypeOf(s) switch
        {
            "object" => SampleObject(s, root, text, requiredOnly, depth),
            "array" => SampleArray(s, root, text, requiredOnly, depth),
            "integer" => JsonValue.Create((long)Clamp(s, 1)),
            "number" => JsonValue.Create(Clamp(s, 1)),
            "boolean" => JsonValue.Create(true),
            "null" => null,
            _ => JsonValue.Create(SampleString(s, text)),
        };
    }

    private static JsonObject SampleObject(JsonObject s, JsonObject? root, string text, bool requiredOnly, int depth)
    {
        var required = s["required"] is JsonArray names
            ? names.Where(n => n?.GetValueKind() == JsonValueKind.String).Select(n => n!.GetValue<string>()).ToHashSet()
            : [];
        var result = new JsonObject();
        if (s["properties"] is JsonObject properties)
        {
            foreach (var (name, propertySchema) in properties)
            {
                if (!requiredOnly || required.Contains(name))
                {
                    result[name] = Sample(propertySchema, root, text, requiredOnly, depth + 1);
                }
            }
        }

        foreach (var name in required)
        {
            if (!result.ContainsKey(name))
            {
                result[name] = text;
            }
        }

        return result;
    }

    private static JsonArray SampleArray(JsonObject s, JsonObject? root, string text, bool requiredOnly, int depth)
    {
        var count = 1;
        if (s["minItems"] is { } min && JsonValues.TryGetInteger(min, out var minItems))
        {
            count = (int)Math.Clamp(minItems, 1, 5);
        }

        if (s["maxItems"] is { } max && JsonValues.TryGetInteger(max, out var maxItems))
        {
            count = (int)Math.Min(count, Math.Max(0, maxItems));
        }

        var array = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            array.Add(Sample(s["items"], root, text, requiredOnly, depth + 1));
        }

        return array;
    }

    private static string SampleString(JsonObject s, string text)
    {
        var format = s["format"] is { } f && f.GetValueKind() == JsonValueKind.String ? f.GetValue<string>() : null;
        var value = format switch
        {
            "date-time" => "2025-01-01T12:00:00Z",
            "date" => "2025-01-01",
            "time" => "12:00:00",
            "email" => "user@example.com",
            "uri" or "url" => "https://example.com/",
            "uuid" => "00000000-0000-4000-8000-000000000000",
            _ => text,
        };

        if (s["minLength"] is { } min && JsonValues.TryGetInteger(min, out var minLength) && value.Length < minLength)
        {
            value = value.PadRight((int)Math.Min(minLength, 1000), 'x');
        }

        if (s["maxLength"] is { } max && JsonValues.TryGetInteger(max, out var maxLength) && value.Length > maxLength)
        {
            value = value[..(int)Math.Max(0, maxLength)];
        }

        return value;
    }

    private static double Clamp(JsonObject s, double value)
    {
        if (s["minimum"] is { } min && min.GetValueKind() == JsonValueKind.Number)
        {
            value = Math.Max(value, min.GetValue<double>());
        }

        if (s["exclusiveMinimum"] is { } xmin && xmin.GetValueKind() == JsonValueKind.Number && value <= xmin.GetValue<double>())
        {
            value = Math.Floor(xmin.GetValue<double>()) + 1;
        }

        if (s["maximum"] is { } max && max.GetValueKind() == JsonValueKind.Number)
        {
            value = Math.Min(value, max.GetValue<double>());
        }

        if (s["exclusiveMaximum"] is { } xmax && xmax.GetValueKind() == JsonValueKind.Number && value >= xmax.GetValue<double>())
        {
            value = Math.Ceiling(xmax.GetValue<double>()) - 1;
        }

        return value;
    }

    private static string TypeOf(JsonObject s)
    {
        switch (s["type"])
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                return v.GetValue<string>();
            case JsonArray types:
                var named = types.Where(t => t?.GetValueKind() == JsonValueKind.String).Select(t => t!.GetValue<string>()).ToList();
                return named.FirstOrDefault(t => t != "null") ?? named.FirstOrDefault() ?? "string";
        }

        if (s.ContainsKey("properties"))
        {
            return "object";
        }

        return s.ContainsKey("items") ? "array" : "string";
    }

    private static bool IsNullSchema(JsonNode? node) =>
        node is JsonObject o && o["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && t.GetValue<string>() == "null";

    private static JsonNode? Resolve(JsonObject? root, string reference)
    {
        if (root is null || !reference.StartsWith("#/", StringComparison.Ordinal))
        {
            return null;
        }

        JsonNode? current = root;
        foreach (var segment in reference[2..].Split('/'))
        {
            var key = segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            current = current is JsonObject o ? o[key] : null;
        }

        return current;
    }
}
