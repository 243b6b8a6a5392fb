using System.Text.Json;

namespace Flock.Extensions.AI.Wire;

/// <summary>The property names the wire readers read, at every level of a chunk or a completion.</summary>
internal enum WireField
{
    Other,
    Choices,
    Id,
    Object,
    Model,
    Created,
    SystemFingerprint,
    Usage,
    Error,
    Delta,
    Message,
    Index,
    FinishReason,
    Logprobs,
    Content,
    Role,
    ReasoningContent,
    Reasoning,
    ToolCalls,
    Function,
    Arguments,
    Name,
    Type,
    PromptTokens,
    CompletionTokens,
    TotalTokens,
    CompletionTokensDetails,
    PromptTokensDetails,
    ReasoningTokens,
    CachedTokens,
    Cost,
}

/// <summary>The reading steps <see cref="StreamChunkParser"/> and <see cref="ChatCompletionReader"/> share.</summary>
internal static class WireReading
{
    // The longest name read (25 bytes), every byte escaped as \uXXXX.
    private const int MaxEscapedName = 25 * 6;


    /// <summary>
    /// The field the current property name spells, compared only with the known names of its length, where a chain of
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> compared every unread name (such as <c>object</c>)
    /// against each name read. An escaped name is unescaped first, as <c>ValueTextEquals</c> would.
    /// </summary>
    public static WireField FieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (length > MaxEscapedName)
            {
                return WireField.Other;
            }

            Span<byte> unescaped = stackalloc byte[MaxEscapedName];
            return FieldOf(unescaped[..reader.CopyString(unescaped)]);
        }

        return FieldOf(reader.ValueSpan);
    }

    // The arms are grouped by length, so a name is compared only with the (at most five) names of its own length.
    public static WireField FieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => WireField.Id,
        4 when name.SequenceEqual("role"u8) => WireField.Role,
        4 when name.SequenceEqual("name"u8) => WireField.Name,
        4 when name.SequenceEqual("type"u8) => WireField.Type,
        4 when name.SequenceEqual("cost"u8) => WireField.Cost,
        5 when name.SequenceEqual("model"u8) => WireField.Model,
        5 when name.SequenceEqual("usage"u8) => WireField.Usage,
        5 when name.SequenceEqual("error"u8) => WireField.Error,
        5 when name.SequenceEqual("delta"u8) => WireField.Delta,
        5 when name.SequenceEqual("index"u8) => WireField.Index,
        6 when name.SequenceEqual("object"u8) => WireField.Object,
        7 when name.SequenceEqual("choices"u8) => WireField.Choices,
        7 when name.SequenceEqual("created"u8) => WireField.Created,
        7 when name.SequenceEqual("content"u8) => WireField.Content,
        7 when name.SequenceEqual("message"u8) => WireField.Message,
        8 when name.SequenceEqual("logprobs"u8) => WireField.Logprobs,
        8 when name.SequenceEqual("function"u8) => WireField.Function,
        9 when name.SequenceEqual("reasoning"u8) => WireField.Reasoning,
        9 when name.SequenceEqual("arguments"u8) => WireField.Arguments,
        10 when name.SequenceEqual("tool_calls"u8) => WireField.ToolCalls,
        12 when name.SequenceEqual("total_tokens"u8) => WireField.TotalTokens,
        13 when name.SequenceEqual("finish_reason"u8) => WireField.FinishReason,
        13 when name.SequenceEqual("prompt_tokens"u8) => WireField.PromptTokens,
        13 when name.SequenceEqual("cached_tokens"u8) => WireField.CachedTokens,
        16 when name.SequenceEqual("reasoning_tokens"u8) => WireField.ReasoningTokens,
        17 when name.SequenceEqual("reasoning_content"u8) => WireField.ReasoningContent,
        17 when name.SequenceEqual("completion_tokens"u8) => WireField.CompletionTokens,
        18 when name.SequenceEqual("system_fingerprint"u8) => WireField.SystemFingerprint,
        21 when name.SequenceEqual("prompt_tokens_details"u8) => WireField.PromptTokensDetails,
        25 when name.SequenceEqual("completion_tokens_details"u8) => WireField.CompletionTokensDetails,
        _ => WireField.Other,
    };

    public static string? ReadString(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        return token switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            _ => throw new JsonException($"Expected a string, got {token}."),
        };
    }

    /// <summary>
    /// The index of the first byte that is not JSON whitespace (space, tab, CR, LF), or -1. A loop here is precompiled with
    /// the library, where the span helpers for a set of bytes are generic code compiled on a process's first call (about
    /// 1 KB of IL); events and the stream's start carry at most a few such bytes.
    /// </summary>
    public static int IndexOfNonWhitespace(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (!IsWhitespace(data[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary><paramref name="data"/> without the JSON whitespace around it (see <see cref="IndexOfNonWhitespace"/>).</summary>
    public static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> data)
    {
        var start = IndexOfNonWhitespace(data);
        if (start < 0)
        {
            return [];
        }

        var end = data.Length;
        while (IsWhitespace(data[end - 1]))
        {
            end--;
        }

        return data[start..end];
    }

    private static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>
    /// Whether a failure inside a reader means the JSON is malformed (invalid UTF-8 inside a string, a number out of range);
    /// the readers report it as a <see cref="JsonException"/>, as the serializer does.
    /// </summary>
    public static bool IsMalformed(Exception ex) => ex is InvalidOperationException or FormatException or ArgumentException;

    /// <summary>Skips the value of the property name the reader is on: a field the reader does not know.</summary>
    public static void SkipValue(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        reader.Skip();
    }

    public static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The JSON ended early.");
        }

        return reader.TokenType;
    }

    public static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        Next(ref reader);
        ExpectCurrent(ref reader, expected, what);
    }

    public static void ExpectCurrent(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        if (reader.TokenType != expected)
        {
            throw new JsonException($"Malformed {what}: expected {expected}, got {reader.TokenType}.");
        }
    }
}
