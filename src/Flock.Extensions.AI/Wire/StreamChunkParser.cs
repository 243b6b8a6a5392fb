using System.Text.Json;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Parses a streamed chunk straight from the SSE event's UTF-8 bytes with a <see cref="Utf8JsonReader"/> into a reused
/// <see cref="StreamChunk"/>: no document, no object graph per chunk; only the delta's own strings are allocated.
/// Unknown fields are skipped; a field of the wrong type is a <see cref="JsonException"/>.
/// </summary>
internal static class StreamChunkParser
{
    public static StreamChunk Parse(ReadOnlySpan<byte> data, StreamChunk chunk)
    {
        data = data.Trim(" \t\r\n"u8);
        if (data.IsEmpty)
        {
            chunk.Reset(StreamEventKind.Empty);
            return chunk;
        }

        if (data.SequenceEqual("[DONE]"u8))
        {
            chunk.Reset(StreamEventKind.Done);
            return chunk;
        }

        chunk.Reset(StreamEventKind.Chunk);
        var envelope = chunk.Envelope;
        var afterChoices = envelope.TryResume(data, out var reader, out var choiceIndex);
        if (afterChoices)
        {
            // The same envelope as an earlier chunk: read on from the first choice's delta value.
            ref var first = ref chunk.AddChoice();
            first.Index = choiceIndex;
            ReadDeltaValue(ref reader, chunk, ref first);
            ReadChoice(ref reader, chunk, ref first);
            ReadChoices(ref reader, chunk);
        }
        else
        {
            reader = new Utf8JsonReader(data);
            Expect(ref reader, JsonTokenType.StartObject, "chunk");
        }

        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            var field = FieldOf(ref reader);
            if (afterChoices && field is Field.Id or Field.Model or Field.Created or Field.SystemFingerprint)
            {
                // A value the envelope carries, set again after it: the next chunk's envelope would not tell it.
                envelope.Drop();
            }

            switch (field)
            {
                case Field.Choices:
                    if (Next(ref reader) == JsonTokenType.StartArray)
                    {
                        ReadChoices(ref reader, chunk);
                    }
                    else
                    {
                        ExpectCurrent(ref reader, JsonTokenType.Null, "choices");
                    }

                    afterChoices = true;
                    break;
                case Field.Id:
                    chunk.Id = ReadReusedString(ref reader, chunk.Id, ref chunk.IdUtf8);
                    break;
                case Field.Model:
                    chunk.Model = ReadReusedString(ref reader, chunk.Model, ref chunk.ModelUtf8);
                    break;
                case Field.Created:
                    // A timestamp never fails a stream: anything but a whole number is treated as absent.
                    chunk.Created = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var created) ? created : null;
                    reader.Skip();
                    break;
                case Field.SystemFingerprint:
                    chunk.SystemFingerprint = ReadReusedString(ref reader, chunk.SystemFingerprint, ref chunk.SystemFingerprintUtf8);
                    break;
                case Field.Usage:
                    Next(ref reader);
                    chunk.Usage = JsonSerializer.Deserialize(ref reader, StreamJsonContext.Default.Usage);
                    break;
                case Field.Error:
                    Next(ref reader);
                    chunk.Error = reader.TokenType == JsonTokenType.StartObject
                        ? JsonSerializer.Deserialize(ref reader, StreamJsonContext.Default.ErrorDetail)
                        : new ErrorDetail { Message = reader.TokenType == JsonTokenType.String ? reader.GetString() : "unknown error" };
                    if (reader.TokenType is JsonTokenType.StartArray)
                    {
                        reader.Skip();
                    }

                    break;
                default:
                    Next(ref reader);
                    reader.Skip();
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "chunk");
        envelope.Keep(data);
        return chunk;
    }

    /// <summary>The rest of a <c>choices</c> array, after its opening bracket or after the choice a resumed chunk began in.</summary>
    private static void ReadChoices(ref Utf8JsonReader reader, StreamChunk chunk)
    {
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            ReadChoice(ref reader, chunk, ref chunk.AddChoice());
        }

        ExpectCurrent(ref reader, JsonTokenType.EndArray, "choices");
    }

    private static void ReadChoice(ref Utf8JsonReader reader, StreamChunk chunk, ref ChoiceDelta choice)
    {
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case Field.Delta:
                    chunk.Envelope.Mark(reader, chunk, choice);
                    ReadDeltaValue(ref reader, chunk, ref choice);
                    break;
                case Field.Message:
                    ReadDeltaValue(ref reader, chunk, ref choice);
                    break;
                case Field.Index:
                    choice.Index = Next(ref reader) == JsonTokenType.Null ? 0 : ReadIndex(ref reader, "choice");
                    break;
                case Field.FinishReason:
                    choice.FinishReason = ReadString(ref reader) is { Length: > 0 } reason ? reason : null;
                    break;
                case Field.Logprobs:
                    // vLLM sends "logprobs": null on every chunk when not asked: only a present value is read (and allocates).
                    choice.Logprobs = Next(ref reader) == JsonTokenType.Null ? null : LogprobsReader.Read(ref reader);
                    break;
                default:
                    Next(ref reader);
                    reader.Skip();
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "choice");
    }

    private static void ReadDeltaValue(ref Utf8JsonReader reader, StreamChunk chunk, ref ChoiceDelta choice)
    {
        if (Next(ref reader) == JsonTokenType.StartObject)
        {
            ReadDelta(ref reader, chunk, ref choice);
        }
        else
        {
            ExpectCurrent(ref reader, JsonTokenType.Null, "delta");
        }
    }

    private static void ReadDelta(ref Utf8JsonReader reader, StreamChunk chunk, ref ChoiceDelta choice)
    {
        string? reasoningAlternative = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case Field.Content:
                    choice.Content = ReadString(ref reader) is { Length: > 0 } text ? text : null;
                    break;
                case Field.Role:
                    choice.Role = ReadString(ref reader) switch
                    {
                        null or "" => null,
                        "assistant" => "assistant",
                        var other => other,
                    };
                    break;
                case Field.ReasoningContent:
                    choice.Reasoning = ReadString(ref reader) is { Length: > 0 } reasoning ? reasoning : null;
                    break;
                case Field.Reasoning:
                    reasoningAlternative = ReadString(ref reader);
                    break;
                case Field.ToolCalls:
                    ReadToolCalls(ref reader, chunk, ref choice);
                    break;
                default:
                    Next(ref reader);
                    reader.Skip();
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "delta");

        // Some servers send both names with the same text: read reasoning_content, else reasoning, once.
        if (choice.Reasoning is null && reasoningAlternative is { Length: > 0 })
        {
            choice.Reasoning = reasoningAlternative;
        }
    }

    /// <summary>Reads <c>tool_calls</c> into the chunk's pooled fragments; only the argument pieces allocate.</summary>
    private static void ReadToolCalls(ref Utf8JsonReader reader, StreamChunk chunk, ref ChoiceDelta choice)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return;
        }

        ExpectCurrent(ref reader, JsonTokenType.StartArray, "tool_calls");
        choice.ToolCallStart = chunk.ToolCallPosition;
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"Malformed delta: a tool call is {reader.TokenType}, not an object.");
            }

            var call = chunk.NextToolCall();
            choice.ToolCallCount++;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                switch (FieldOf(ref reader))
                {
                    case Field.Function:
                        ReadFunction(ref reader, call.Function!);
                        break;
                    case Field.Index:
                        call.Index = Next(ref reader) == JsonTokenType.Null ? null : ReadIndex(ref reader, "tool call");
                        break;
                    case Field.Id:
                        call.Id = ReadString(ref reader);
                        break;
                    case Field.Type:
                        call.Type = ReadString(ref reader);
                        break;
                    default:
                        Next(ref reader);
                        reader.Skip();
                        break;
                }
            }

            ExpectCurrent(ref reader, JsonTokenType.EndObject, "tool call");
        }
    }

    private static void ReadFunction(ref Utf8JsonReader reader, FunctionCall function)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return;
        }

        ExpectCurrent(ref reader, JsonTokenType.StartObject, "function");
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case Field.Arguments:
                    function.Arguments = ReadString(ref reader);
                    break;
                case Field.Name:
                    function.Name = ReadString(ref reader);
                    break;
                default:
                    Next(ref reader);
                    reader.Skip();
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "function");
    }

    // The longest name read (18 bytes), every byte escaped as \uXXXX.
    private const int MaxEscapedName = 18 * 6;

    /// <summary>The property names the parser reads, at every level of a chunk.</summary>
    private enum Field
    {
        Other,
        Choices,
        Id,
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
    }

    /// <summary>
    /// The field the current property name spells, compared only with the known names of its length, where a chain of
    /// <see cref="Utf8JsonReader.ValueTextEquals(ReadOnlySpan{byte})"/> compared every unread name (such as <c>object</c>)
    /// against each name read. An escaped name is unescaped first, as <c>ValueTextEquals</c> would.
    /// </summary>
    private static Field FieldOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            var length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (length > MaxEscapedName)
            {
                return Field.Other;
            }

            Span<byte> unescaped = stackalloc byte[MaxEscapedName];
            return FieldOf(unescaped[..reader.CopyString(unescaped)]);
        }

        return FieldOf(reader.ValueSpan);
    }

    // The arms are grouped by length, so a name is compared only with the (at most five) names of its own length.
    private static Field FieldOf(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 when name.SequenceEqual("id"u8) => Field.Id,
        4 when name.SequenceEqual("role"u8) => Field.Role,
        4 when name.SequenceEqual("name"u8) => Field.Name,
        4 when name.SequenceEqual("type"u8) => Field.Type,
        5 when name.SequenceEqual("model"u8) => Field.Model,
        5 when name.SequenceEqual("usage"u8) => Field.Usage,
        5 when name.SequenceEqual("error"u8) => Field.Error,
        5 when name.SequenceEqual("delta"u8) => Field.Delta,
        5 when name.SequenceEqual("index"u8) => Field.Index,
        7 when name.SequenceEqual("choices"u8) => Field.Choices,
        7 when name.SequenceEqual("created"u8) => Field.Created,
        7 when name.SequenceEqual("content"u8) => Field.Content,
        7 when name.SequenceEqual("message"u8) => Field.Message,
        8 when name.SequenceEqual("logprobs"u8) => Field.Logprobs,
        8 when name.SequenceEqual("function"u8) => Field.Function,
        9 when name.SequenceEqual("reasoning"u8) => Field.Reasoning,
        9 when name.SequenceEqual("arguments"u8) => Field.Arguments,
        10 when name.SequenceEqual("tool_calls"u8) => Field.ToolCalls,
        13 when name.SequenceEqual("finish_reason"u8) => Field.FinishReason,
        17 when name.SequenceEqual("reasoning_content"u8) => Field.ReasoningContent,
        18 when name.SequenceEqual("system_fingerprint"u8) => Field.SystemFingerprint,
        _ => Field.Other,
    };

    /// <summary>Reads a string (or null); keeps <paramref name="previous"/> when the bytes spell the same text.</summary>
    private static string? ReadReusedString(ref Utf8JsonReader reader, string? previous, ref byte[]? previousUtf8)
    {
        var token = Next(ref reader);
        if (token == JsonTokenType.Null)
        {
            previousUtf8 = null;
            return null;
        }

        if (token != JsonTokenType.String)
        {
            throw new JsonException($"Expected a string, got {token}.");
        }

        // The same bytes as the previous chunk's: the same string, compared without transcoding.
        var plain = !reader.ValueIsEscaped && !reader.HasValueSequence;
        if (previous is not null && previousUtf8 is not null && plain && reader.ValueSpan.SequenceEqual(previousUtf8))
        {
            return previous;
        }

        previousUtf8 = plain ? reader.ValueSpan.ToArray() : null;
        return reader.GetString();
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        var token = Next(ref reader);
        return token switch
        {
            JsonTokenType.Null => null,
            JsonTokenType.String => reader.GetString(),
            _ => throw new JsonException($"Expected a string, got {token}."),
        };
    }

    /// <summary>An index: a whole number from 0 to <see cref="int.MaxValue"/>; anything else would merge into another entry.</summary>
    private static int ReadIndex(ref Utf8JsonReader reader, string what)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
        {
            throw new JsonException($"Expected a whole number as the {what} index, got {reader.TokenType}.");
        }

        return value is >= 0 and <= int.MaxValue
            ? (int)value
            : throw new JsonException($"The {what} index {value} is out of range (0 to {int.MaxValue}).");
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            throw new JsonException("The chunk's JSON ended early.");
        }

        return reader.TokenType;
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        Next(ref reader);
        ExpectCurrent(ref reader, expected, what);
    }

    private static void ExpectCurrent(ref Utf8JsonReader reader, JsonTokenType expected, string what)
    {
        if (reader.TokenType != expected)
        {
            throw new JsonException($"Malformed {what}: expected {expected}, got {reader.TokenType}.");
        }
    }
}
