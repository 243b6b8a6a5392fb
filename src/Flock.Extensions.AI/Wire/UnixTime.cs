namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Reads the <c>created</c> timestamps servers send. The API says Unix seconds; some servers send milliseconds. A timestamp
/// never fails an answer: a value that can be neither is treated as absent.
/// </summary>
internal static class UnixTime
{
    // Seconds up to 10^11 reach the year 5138; nothing sends seconds beyond that, and milliseconds of any date after
    // 1973 exceed it, so the two ranges do not overlap for real timestamps.
    private const long MaxSeconds = 100_000_000_000;

    public static DateTimeOffset? ToDate(long? value) => value switch
    {
        null or <= 0 => null,
        < MaxSeconds => DateTimeOffset.FromUnixTimeSeconds(value.Value),
        <= 253_402_300_799_999 => DateTimeOffset.FromUnixTimeMilliseconds(value.Value),
        _ => null,
    };
}

/// <summary>Reads <c>created</c> as a whole number when it is one, and as absent otherwise (a string, a fraction, an object…).</summary>
internal sealed class LenientUnixTimeConverter : System.Text.Json.Serialization.JsonConverter<long?>
{
    public override bool HandleNull => true;

    public override long? Read(ref System.Text.Json.Utf8JsonReader reader, Type typeToConvert, System.Text.Json.JsonSerializerOptions options)
    {
        if (reader.TokenType == System.Text.Json.JsonTokenType.Number && reader.TryGetInt64(out var value))
        {
            return value;
        }

        reader.Skip();
        return null;
    }

    public override void Write(System.Text.Json.Utf8JsonWriter writer, long? value, System.Text.Json.JsonSerializerOptions options)
    {
        if (value is { } v)
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
