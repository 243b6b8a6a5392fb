using System.Text.Json;
using static Flock.Extensions.AI.Wire.WireReading;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Parses a streamed chunk straight from the SSE event's UTF-8 bytes with a <see cref="Utf8JsonReader"/> into a reused
/// <see cref="StreamChunk"/>: no document, no object graph per chunk; only the delta's own strings are allocated.
/// Unknown fields are skipped; a field of the wrong type is a <see cref="JsonException"/>.
/// </summary>
internal static class StreamChunkParser
{
    /// <summary>Parses an event into the stream's chunk; any malformation surfaces as a <see cref="JsonException"/>.</summary>
    public static StreamChunk Parse(ReadOnlySpan<byte> data, StreamChunk chunk)
    {
        try
        {
            return ParseEvent(data, chunk);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    private static StreamChunk ParseEvent(ReadOnlySpan<byte> data, StreamChunk chunk)
    {
        data = WireReading.TrimWhitespace(data);
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
            if (afterChoices && field is WireField.Id or WireField.Model or WireField.Created or WireField.SystemFingerprint)
            {
                // A value the envelope carries, set again after it: the next chunk's envelope would not tell it.
                envelope.Drop();
            }

            switch (field)
            {
                case WireField.Choices:
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
                case WireField.Id:
                    chunk.Id = ReadReusedString(ref reader, chunk.Id, ref chunk.IdUtf8);
                    break;
                case WireField.Model:
                    chunk.Model = ReadReusedString(ref reader, chunk.Model, ref chunk.ModelUtf8);
                    break;
                case WireField.Created:
                    // A timestamp never fails a stream: anything but a whole number is treated as absent.
                    chunk.Created = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var created) ? created : null;
                    reader.Skip();
                    break;
                case WireField.SystemFingerprint:
                    chunk.SystemFingerprint = ReadReusedString(ref reader, chunk.SystemFingerprint, ref chunk.SystemFingerprintUtf8);
                    break;
                case WireField.Usage:
                    Next(ref reader);
                    chunk.Usage = UsageReader.Read(ref reader);
                    break;
                case WireField.Error:
                    ReadError(ref reader, chunk);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "chunk");
        envelope.Keep(data);
        return chunk;
    }

    /// <summary>The proxy's mid-stream error: rare, so in a method of its own, and its metadata is built only when one comes.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void ReadError(ref Utf8JsonReader reader, StreamChunk chunk)
    {
        Next(ref reader);
        chunk.Error = reader.TokenType == JsonTokenType.StartObject
            ? JsonSerializer.Deserialize(ref reader, FlockJsonContext.Default.ErrorDetail)
            : new ErrorDetail { Message = reader.TokenType == JsonTokenType.String ? reader.GetString() : "unknown error" };
        if (reader.TokenType is JsonTokenType.StartArray)
        {
            reader.Skip();
        }
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
                case WireField.Delta:
                    chunk.Envelope.Mark(reader, chunk, choice);
                    ReadDeltaValue(ref reader, chunk, ref choice);
                    break;
                case WireField.Message:
                    ReadDeltaValue(ref reader, chunk, ref choice);
                    break;
                case WireField.Index:
                    choice.Index = Next(ref reader) == JsonTokenType.Null ? 0 : ReadIndex(ref reader, "choice");
                    break;
                case WireField.FinishReason:
                    choice.FinishReason = ReadString(ref reader) is { Length: > 0 } reason ? reason : null;
                    break;
                case WireField.Logprobs:
                    // vLLM sends "logprobs": null on every chunk when not asked: that reads as null and allocates nothing.
                    Next(ref reader);
                    choice.Logprobs = LogprobsReader.Read(ref reader);
                    break;
                default:
                    SkipValue(ref reader);
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
                case WireField.Content:
                    choice.Content = ReadString(ref reader) is { Length: > 0 } text ? text : null;
                    break;
                case WireField.Role:
                    choice.Role = ReadString(ref reader) switch
                    {
                        null or "" => null,
                        "assistant" => "assistant",
                        var other => other,
                    };
                    break;
                case WireField.ReasoningContent:
                    choice.Reasoning = ReadString(ref reader) is { Length: > 0 } reasoning ? reasoning : null;
                    break;
                case WireField.Reasoning:
                    reasoningAlternative = ReadString(ref reader);
                    break;
                case WireField.ToolCalls:
                    ReadToolCalls(ref reader, chunk, ref choice);
                    break;
                default:
                    SkipValue(ref reader);
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
                    case WireField.Function:
                        ReadFunction(ref reader, call.Function!);
                        break;
                    case WireField.Index:
                        call.Index = Next(ref reader) == JsonTokenType.Null ? null : ReadIndex(ref reader, "tool call");
                        break;
                    case WireField.Id:
                        call.Id = ReadString(ref reader);
                        break;
                    case WireField.Type:
                        call.Type = ReadString(ref reader);
                        break;
                    default:
                        SkipValue(ref reader);
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
                case WireField.Arguments:
                    function.Arguments = ReadString(ref reader);
                    break;
                case WireField.Name:
                    function.Name = ReadString(ref reader);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "function");
    }

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
}
