using System.Text.Json;
using static Flock.Extensions.AI.Wire.WireReading;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Reads <c>usage</c> for the completion and the stream alike, as the source-generated metadata would (counts are 32-bit
/// whole numbers or null, unknown fields skipped), without the serializer's look-ahead over the value first.
/// </summary>
internal static class UsageReader
{
    /// <summary>Reads the value the reader is on (its first token already read) and leaves the reader on its last token.</summary>
    public static Usage? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        ExpectCurrent(ref reader, JsonTokenType.StartObject, "usage");
        var usage = new Usage();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case WireField.PromptTokens:
                    usage.PromptTokens = ReadCount(ref reader);
                    break;
                case WireField.CompletionTokens:
                    usage.CompletionTokens = ReadCount(ref reader);
                    break;
                case WireField.TotalTokens:
                    usage.TotalTokens = ReadCount(ref reader);
                    break;
                case WireField.CompletionTokensDetails:
                    usage.CompletionTokensDetails = ReadDetails(ref reader, WireField.ReasoningTokens, out var reasoning)
                        ? new CompletionTokensDetails { ReasoningTokens = reasoning }
                        : null;
                    break;
                case WireField.Cost:
                    Next(ref reader);
                    usage.Cost = UsageCost.Read(ref reader);
                    break;
                case WireField.PromptTokensDetails:
                    usage.PromptTokensDetails = ReadDetails(ref reader, WireField.CachedTokens, out var cached)
                        ? new PromptTokensDetails { CachedTokens = cached }
                        : null;
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "usage");
        return usage;
    }

    /// <summary>A details object of one count: false for null, else the (last) count it holds.</summary>
    private static bool ReadDetails(ref Utf8JsonReader reader, WireField field, out int? count)
    {
        count = null;
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return false;
        }

        ExpectCurrent(ref reader, JsonTokenType.StartObject, "usage details");
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (FieldOf(ref reader) == field)
            {
                count = ReadCount(ref reader);
            }
            else
            {
                SkipValue(ref reader);
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "usage details");
        return true;
    }

    private static int? ReadCount(ref Utf8JsonReader reader) => Next(ref reader) switch
    {
        JsonTokenType.Null => null,
        JsonTokenType.Number when reader.TryGetInt32(out var count) => count,
        var token => throw new JsonException($"Expected a 32-bit whole number or null as a token count, got {token}."),
    };
}
