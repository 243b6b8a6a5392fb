using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Reads loosely typed setting values (JSON elements from prompt configs, YAML strings, CLR numbers, lists, maps) into
/// the types the settings use; a value of the wrong type is an <see cref="ArgumentException"/> naming the key.
/// </summary>
internal static class SettingValues
{
    public static double? ToDouble(string key, object? value) => value switch
    {
        null => null,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement { ValueKind: JsonValueKind.Number } e => e.GetDouble(),
        JsonElement { ValueKind: JsonValueKind.String } e => ParseDouble(key, e.GetString()),
        JsonValue node => ToDouble(key, node.GetValue<JsonElement>()),
        string s => ParseDouble(key, s),
        double or float or decimal or int or long or short or byte or uint or ulong or ushort or sbyte => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        _ => throw WrongType(key, value, "a number"),
    };

    public static long? ToInt64(string key, object? value)
    {
        // Whole numbers are read as such: going through double would round seeds above 2^53.
        switch (value)
        {
            case int or long or short or byte or uint or ushort or sbyte:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture);
            case JsonElement { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out var l):
                return l;
            case string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            case JsonElement { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed):
                return parsed;
        }

        if (value is ulong big)
        {
            return big <= long.MaxValue ? (long)big : throw OutOfInt64Range(key, big.ToString(CultureInfo.InvariantCulture));
        }

        if (value is decimal m)
        {
            return m == decimal.Truncate(m) && m >= long.MinValue && m <= long.MaxValue
                ? (long)m
                : m != decimal.Truncate(m)
                    ? throw new ArgumentException($"{key} must be a whole number; got {m.ToString(CultureInfo.InvariantCulture)}.", key)
                    : throw OutOfInt64Range(key, m.ToString(CultureInfo.InvariantCulture));
        }

        var number = ToDouble(key, value);

        if (number is { } d && (d != Math.Floor(d) || double.IsInfinity(d)))
        {
            throw new ArgumentException($"{key} must be a whole number; got {d.ToString(CultureInfo.InvariantCulture)}.", key);
        }

        // 2^63 is exactly representable; anything at or beyond it (e.g. 1e30 from a template) cannot be sent as an integer,
        // and a cast would quietly clamp it.
        if (number is { } out64 && (out64 >= 9223372036854775808.0 || out64 < -9223372036854775808.0))
        {
            throw OutOfInt64Range(key, out64.ToString("R", CultureInfo.InvariantCulture));
        }

        return number is { } whole ? (long)whole : null;
    }

    public static int? ToInt32(string key, object? value)
    {
        var number = ToInt64(key, value);
        return number is null ? null
            : number is >= int.MinValue and <= int.MaxValue ? (int)number.Value
            : throw new ArgumentOutOfRangeException(key, number, $"{key} must be between {int.MinValue} and {int.MaxValue}; got {number.Value.ToString(CultureInfo.InvariantCulture)}.");
    }

    private static ArgumentOutOfRangeException OutOfInt64Range(string key, string got) =>
        new(key, got, $"{key} must be a whole number between {long.MinValue} and {long.MaxValue}; got {got}.");

    public static bool? ToBoolean(string key, object? value) => value switch
    {
        null => null,
        bool b => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement { ValueKind: JsonValueKind.String } e when bool.TryParse(e.GetString(), out var b) => b,
        JsonValue node => ToBoolean(key, node.GetValue<JsonElement>()),
        string s when bool.TryParse(s, out var b) => b,
        _ => throw WrongType(key, value, "true or false"),
    };

    public static string? ToText(string key, object? value) => value switch
    {
        null => null,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
        JsonValue node when node.GetValueKind() == JsonValueKind.String => node.GetValue<string>(),
        _ => throw WrongType(key, value, "a string"),
    };

    /// <summary>A JSON object, node or any dictionary, as a dictionary of its members (values left as they are).</summary>
    public static IDictionary<string, object?>? ToObject(string key, object? value)
    {
        switch (value)
        {
            case null:
            case JsonElement { ValueKind: JsonValueKind.Null }:
                return null;
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                var fromJson = new Dictionary<string, object?>();
                foreach (var property in e.EnumerateObject())
                {
                    fromJson[property.Name] = property.Value;
                }

                return fromJson;
            case JsonObject node:
                return ToObject(key, node.Deserialize(Wire.FlockJsonContext.Default.JsonElement));
            case IDictionary<string, object?> typed:
                return new Dictionary<string, object?>(typed);
            case IDictionary map:
                // YAML configs give maps as Dictionary<object, object>.
                var result = new Dictionary<string, object?>();
                foreach (DictionaryEntry entry in map)
                {
                    result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = entry.Value;
                }

                return result;
            default:
                throw WrongType(key, value, "an object");
        }
    }

    /// <summary>An enum value from itself, its name (any case, with or without underscores) or its number.</summary>
    public static T? ToEnum<T>(string key, object? value)
        where T : struct, Enum
    {
        var text = value switch
        {
            null or JsonElement { ValueKind: JsonValueKind.Null } => null,
            T e => e.ToString(),
            string s => s,
            JsonElement { ValueKind: JsonValueKind.String } e => e.GetString(),
            _ => throw WrongType(key, value, $"one of {string.Join(", ", Enum.GetNames<T>())}"),
        };

        if (text is null)
        {
            return null;
        }

        return Enum.TryParse<T>(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(text[0])
            ? parsed
            : throw new ArgumentException($"{key} must be one of {string.Join(", ", Enum.GetNames<T>())}; got '{text}'.", key);
    }

    /// <summary>A boolean when the value is one, otherwise null (for fields that take a boolean or a number).</summary>
    public static bool? ToBooleanOrNull(object? value) => value switch
    {
        bool b => b,
        JsonElement { ValueKind: JsonValueKind.True } => true,
        JsonElement { ValueKind: JsonValueKind.False } => false,
        JsonValue node when node.GetValueKind() is JsonValueKind.True or JsonValueKind.False => node.GetValue<bool>(),
        _ => null,
    };

    /// <summary>A property of an object-shaped value (JSON object, node or dictionary), or null.</summary>
    public static object? Property(string key, object? value, string name)
    {
        switch (value)
        {
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                return e.TryGetProperty(name, out var p) ? p : null;
            case JsonObject o:
                return o.TryGetPropertyValue(name, out var n) ? n : null;
            case IDictionary<string, object?> d:
                return d.TryGetValue(name, out var v) ? v : null;
            case IDictionary map when map.Contains(name):
                // YAML configs give maps as Dictionary<object, object>.
                return map[name];
            case IDictionary:
                return null;
            default:
                throw new ArgumentException($"{key} must be an object with '{name}'; got {Describe(value)}.", key);
        }
    }

    /// <summary>One string or a list of strings.</summary>
    public static IList<string>? ToTextList(string key, object? value)
    {
        switch (value)
        {
            case null:
            case JsonElement { ValueKind: JsonValueKind.Null }:
                return null;
            case string s:
                return [s];
            case JsonElement { ValueKind: JsonValueKind.String } e:
                return [e.GetString()!];
            case JsonElement { ValueKind: JsonValueKind.Array } e:
                var fromJson = new List<string>(e.GetArrayLength());
                foreach (var item in e.EnumerateArray())
                {
                    fromJson.Add(ToText(key, item) ?? throw WrongType(key, item, "a list of strings"));
                }

                return fromJson;
            case JsonNode node:
                return ToTextList(key, node.Deserialize(Wire.FlockJsonContext.Default.JsonElement));
            case IEnumerable items:
                var list = new List<string>();
                foreach (var item in items)
                {
                    list.Add(ToText(key, item) ?? throw WrongType(key, item, "a list of strings"));
                }

                return list;
            default:
                throw WrongType(key, value, "a string or a list of strings");
        }
    }

    /// <summary>A map of token id to bias, from a JSON object or any dictionary.</summary>
    public static IDictionary<int, int>? ToTokenMap(string key, object? value)
    {
        switch (value)
        {
            case null:
            case JsonElement { ValueKind: JsonValueKind.Null }:
                return null;
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                var fromJson = new Dictionary<int, int>();
                foreach (var property in e.EnumerateObject())
                {
                    fromJson[ParseToken(key, property.Name)] = ToInt32(key, property.Value) ?? 0;
                }

                return fromJson;
            case JsonNode node:
                return ToTokenMap(key, node.Deserialize(Wire.FlockJsonContext.Default.JsonElement));
            case IDictionary map:
                var result = new Dictionary<int, int>();
                foreach (DictionaryEntry entry in map)
                {
                    var token = entry.Key as int? ?? ParseToken(key, Convert.ToString(entry.Key, CultureInfo.InvariantCulture));
                    result[token] = ToInt32(key, entry.Value) ?? 0;
                }

                return result;
            default:
                throw WrongType(key, value, "a map of token id to bias");
        }
    }

    /// <summary>Turns any supported value into a JSON element, for provider extras written to the body as they are.</summary>
    public static JsonElement ToJsonElement(string key, object? value)
    {
        if (value is JsonElement element)
        {
            return element;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, key, value);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, string key, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case JsonElement e: e.WriteTo(writer); break;
            case JsonNode n: n.WriteTo(writer); break;
            case string s: writer.WriteStringValue(s); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case int or long or short or byte or uint or ushort or sbyte: writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case double or float: writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture)); break;
            case decimal m: writer.WriteNumberValue(m); break;
            case Enum e: writer.WriteStringValue(e.ToString()); break;
            // Common scalars written directly, as System.Text.Json writes them: the same JSON with or without reflection.
            case Guid g: writer.WriteStringValue(g); break;
            case DateTime t: writer.WriteStringValue(t); break;
            case DateTimeOffset t: writer.WriteStringValue(t); break;
            case char c: writer.WriteStringValue(c.ToString()); break;
            case Uri u: writer.WriteStringValue(u.OriginalString); break;
            case IDictionary map:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!);
                    Write(writer, key, entry.Value);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                // Generic-only dictionaries such as SK's KernelArguments (tool-call arguments): an object, not a list of pairs.
                writer.WriteStartObject();
                foreach (var (name, item) in pairs)
                {
                    writer.WritePropertyName(name);
                    Write(writer, key, item);
                }

                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                {
                    Write(writer, key, item);
                }

                writer.WriteEndArray();
                break;
            default:
                // Any other object: MEAI's serializer options, as MEAI itself does for tool arguments and results. They
                // know MEAI's own types, and any type through reflection only where reflection-based serialization is on
                // (JIT, untrimmed). Under Native AOT or trimming an unknown type has no metadata: fail before sending,
                // naming the value and what to send instead, not with System.Text.Json's generic message.
                if (!Microsoft.Extensions.AI.AIJsonUtilities.DefaultOptions.TryGetTypeInfo(value.GetType(), out var typeInfo))
                {
                    throw new NotSupportedException(
                        $"The {key} value of type {value.GetType().FullName} cannot be serialized: reflection-based JSON serialization is off " +
                        "(Native AOT or trimming). Pass a string, a JsonElement or JsonNode, a number, a list or a dictionary of those, or " +
                        "serialize it yourself with a source-generated JsonSerializerContext (AIFunctionFactory and SK's KernelFunctionFactory " +
                        "take JsonSerializerOptions for tool results).");
                }

                JsonSerializer.Serialize(writer, value, typeInfo);
                break;
        }
    }

    /// <summary>Serializes a value as JSON text (tool-call arguments, tool results).</summary>
    public static string ToJsonText(string key, object? value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonStringEncoder.Instance }))
        {
            Write(writer, key, value);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static int ParseToken(string key, string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var token)
            ? token
            : throw new ArgumentException($"{key} keys must be token ids (non-negative integers); got '{text}'.", key);

    private static double ParseDouble(string key, string? text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d
            : throw new ArgumentException($"{key} must be a number; got '{text}'.", key);

    private static ArgumentException WrongType(string key, object? value, string expected) =>
        new($"{key} must be {expected}; got {Describe(value)}.", key);

    private static string Describe(object? value) => value switch
    {
        JsonElement e => $"JSON {e.ValueKind.ToString().ToLowerInvariant()}",
        null => "null",
        _ => value.GetType().Name,
    };
}
