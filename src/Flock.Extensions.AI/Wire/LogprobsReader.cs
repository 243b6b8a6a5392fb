using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Reads a choice's <c>logprobs</c> (<c>{"content":[{"token","logprob","bytes","top_logprobs":[…]}]}</c>) straight from the
/// reader, for the non-streamed completion and the stream parser alike. Lenient: log probabilities are extra information,
/// so a shape the reader does not know is skipped, never a failure of the answer.
/// </summary>
internal static class LogprobsReader
{
    /// <summary>Reads the value the reader is on (its first token already read) and leaves the reader on its last token.</summary>
    public static FlockLogprobs? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        List<FlockTokenLogprob>? tokens = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isContent = reader.ValueTextEquals("content"u8);
            reader.Read();
            if (isContent && reader.TokenType == JsonTokenType.StartArray)
            {
                tokens = [];
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (ReadEntry(ref reader, alternatives: true) is { } entry)
                    {
                        tokens.Add(new FlockTokenLogprob(entry.Token, entry.Logprob, entry.Bytes, entry.Top ?? []));
                    }
                }
            }
            else
            {
                reader.Skip();
            }
        }

        return tokens is null ? null : new FlockLogprobs(tokens);
    }

    /// <summary>One token entry; null (and skipped) when it is not an object with a string token and a numeric logprob.</summary>
    private static (string Token, double Logprob, byte[]? Bytes, List<FlockTopLogprob>? Top)? ReadEntry(ref Utf8JsonReader reader, bool alternatives)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        string? token = null;
        double? logprob = null;
        byte[]? bytes = null;
        List<FlockTopLogprob>? top = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("token"u8))
            {
                reader.Read();
                token = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("logprob"u8))
            {
                reader.Read();
                logprob = reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) ? value : null;
            }
            else if (reader.ValueTextEquals("bytes"u8))
            {
                reader.Read();
                bytes = ReadBytes(ref reader);
            }
            else if (alternatives && reader.ValueTextEquals("top_logprobs"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    top = [];
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        if (ReadEntry(ref reader, alternatives: false) is { } alternative)
                        {
                            top.Add(new FlockTopLogprob(alternative.Token, alternative.Logprob, alternative.Bytes));
                        }
                    }
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return token is not null && logprob is { } lp ? (token, lp, bytes, top) : null;
    }

    private static byte[]? ReadBytes(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        var bytes = new List<byte>(8);
        var valid = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Number && reader.TryGetByte(out var b))
            {
                bytes.Add(b);
            }
            else
            {
                valid = false;
                reader.Skip();
            }
        }

        return valid ? bytes.ToArray() : null;
    }
}

/// <summary>The non-streamed completion's <c>logprobs</c>, read by <see cref="LogprobsReader"/>.</summary>
internal sealed class LogprobsConverter : JsonConverter<FlockLogprobs?>
{
    public override bool HandleNull => true;

    public override FlockLogprobs? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : LogprobsReader.Read(ref reader);

    public override void Write(Utf8JsonWriter writer, FlockLogprobs? value, JsonSerializerOptions options) =>
        throw new NotSupportedException("Log probabilities are only read.");
}
