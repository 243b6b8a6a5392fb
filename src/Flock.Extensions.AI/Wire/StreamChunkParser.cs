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
        var reader = new Utf8JsonReader(data);
        Expect(ref reader, JsonTokenType.StartObject, "chunk");
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                if (Next(ref reader) == JsonTokenType.StartArray)
                {
                    while (Next(ref reader) == JsonTokenType.StartObject)
                    {
                        ReadChoice(ref reader, chunk, ref chunk.AddChoice());
                    }

                    ExpectCurrent(ref reader, JsonTokenType.EndArray, "choices");
                }
                else
                {
                    ExpectCurrent(ref reader, JsonTokenType.Null, "choices");
                }
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                chunk.Id = ReadReusedString(ref reader, chunk.Id, ref chunk.IdUtf8);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                chunk.Model = ReadReusedString(ref reader, chunk.Model, ref chunk.ModelUtf8);
            }
            else if (reader.ValueTextEquals("created"u8))
            {
                // A timestamp never fails a stream: anything but a whole number is treated as absent.
                chunk.Created = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var created) ? created : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("system_fingerprint"u8))
            {
                chunk.SystemFingerprint = ReadReusedString(ref reader, chunk.SystemFingerprint, ref chunk.SystemFingerprintUtf8);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                Next(ref reader);
                chunk.Usage = JsonSerializer.Deserialize(ref reader, StreamJsonContext.Default.Usage);
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                Next(ref reader);
                chunk.Error = reader.TokenType == JsonTokenType.StartObject
                    ? JsonSerializer.Deserialize(ref reader, StreamJsonContext.Default.ErrorDetail)
                    : new ErrorDetail { Message = reader.TokenType == JsonTokenType.String ? reader.GetString() : "unknown error" };
                if (reader.TokenType is JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "chunk");
        return chunk;
    }

    private static void ReadChoice(ref Utf8JsonReader reader, StreamChunk chunk, ref ChoiceDelta choice)
    {
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
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
            else if (reader.ValueTextEquals("index"u8))
            {
                choice.Index = Next(ref reader) == JsonTokenType.Null ? 0 : ReadIndex(ref reader, "choice");
            }
            else if (reader.ValueTextEquals("finish_reason"u8))
            {
                choice.FinishReason = ReadString(ref reader) is { Length: > 0 } reason ? reason : null;
            }
            else if (reader.ValueTextEquals("logprobs"u8))
            {
                // vLLM sends "logprobs": null on every chunk when not asked: only a present value is read (and allocates).
                choice.Logprobs = Next(ref reader) == JsonTokenType.Null ? null : LogprobsReader.Read(ref reader);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "choice");
    }

    private static void ReadDelta(ref Utf8JsonReader reader, StreamChunk chunk, ref ChoiceDelta choice)
    {
        string? reasoningAlternative = null;
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                choice.Content = ReadString(ref reader) is { Length: > 0 } text ? text : null;
            }
            else if (reader.ValueTextEquals("role"u8))
            {
                choice.Role = ReadString(ref reader) switch
                {
                    null or "" => null,
                    "assistant" => "assistant",
                    var other => other,
                };
            }
            else if (reader.ValueTextEquals("reasoning_content"u8))
            {
                choice.Reasoning = ReadString(ref reader) is { Length: > 0 } reasoning ? reasoning : null;
            }
            else if (reader.ValueTextEquals("reasoning"u8))
            {
                reasoningAlternative = ReadString(ref reader);
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                ReadToolCalls(ref reader, chunk, ref choice);
            }
            else
            {
                Next(ref reader);
                reader.Skip();
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
                if (reader.ValueTextEquals("function"u8))
                {
                    if (Next(ref reader) == JsonTokenType.Null)
                    {
                        continue;
                    }

                    ExpectCurrent(ref reader, JsonTokenType.StartObject, "function");
                    while (Next(ref reader) == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("arguments"u8))
                        {
                            call.Function!.Arguments = ReadString(ref reader);
                        }
                        else if (reader.ValueTextEquals("name"u8))
                        {
                            call.Function!.Name = ReadString(ref reader);
                        }
                        else
                        {
                            Next(ref reader);
                            reader.Skip();
                        }
                    }

                    ExpectCurrent(ref reader, JsonTokenType.EndObject, "function");
                }
                else if (reader.ValueTextEquals("index"u8))
                {
                    call.Index = Next(ref reader) == JsonTokenType.Null ? null : ReadIndex(ref reader, "tool call");
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    call.Id = ReadString(ref reader);
                }
                else if (reader.ValueTextEquals("type"u8))
                {
                    call.Type = ReadString(ref reader);
                }
                else
                {
                    Next(ref reader);
                    reader.Skip();
                }
            }

            ExpectCurrent(ref reader, JsonTokenType.EndObject, "tool call");
        }
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
