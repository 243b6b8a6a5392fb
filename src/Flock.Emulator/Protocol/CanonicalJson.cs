using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Flock.Emulator.Protocol;

/// <summary>
/// One spelling per JSON value, so that two documents that mean the same compare equal as text: object keys sorted
/// (ordinal), no whitespace, numbers written by value (<c>0.70</c>, <c>7e-1</c> and <c>0.7</c> are one number).
/// </summary>
internal static class CanonicalJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    /// <summary>The canonical text of a JSON document, or null when <paramref name="json"/> is not JSON.</summary>
    public static string? TryWrite(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256 });
            return Write(document.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string Write(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteValue(writer, element);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    WriteValue(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                var raw = element.GetRawText();
                writer.WriteRawValue(
                    decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                        ? number.ToString("G29", CultureInfo.InvariantCulture)
                        : raw);
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
