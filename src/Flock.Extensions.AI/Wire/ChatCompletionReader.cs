using System.Text.Json;
using static Flock.Extensions.AI.Wire.WireReading;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Reads a non-streaming completion from its UTF-8 bytes with a <see cref="Utf8JsonReader"/>, building the same
/// <see cref="ChatCompletion"/> the source-generated metadata would (the serializer has no fast path for reading, and its
/// property-by-property metadata path was most of a long answer's cost beyond the content itself). The same rules: unknown
/// fields skipped, a repeated field's last value kept, <c>created</c> lenient, a value of the wrong type a
/// <see cref="JsonException"/>; usage is read by <see cref="UsageReader"/>, error and tool calls by their generated metadata.
/// </summary>
internal static class ChatCompletionReader
{
    public static ChatCompletion? Read(ReadOnlySpan<byte> json)
    {
        try
        {
            return ReadDocument(json);
        }
        catch (Exception ex) when (IsMalformed(ex))
        {
            throw new JsonException(ex.Message, ex);
        }
    }

    private static ChatCompletion? ReadDocument(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return End(ref reader, null);
        }

        ExpectCurrent(ref reader, JsonTokenType.StartObject, "completion");
        var completion = new ChatCompletion();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case WireField.Id:
                    completion.Id = ReadString(ref reader);
                    break;
                case WireField.Object:
                    completion.Object = ReadString(ref reader);
                    break;
                case WireField.Created:
                    // As LenientUnixTimeConverter: anything but a whole number is absent.
                    completion.Created = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var created) ? created : null;
                    reader.Skip();
                    break;
                case WireField.Model:
                    completion.Model = ReadString(ref reader);
                    break;
                case WireField.SystemFingerprint:
                    completion.SystemFingerprint = ReadString(ref reader);
                    break;
                case WireField.Choices:
                    completion.Choices = ReadChoices(ref reader);
                    break;
                case WireField.Usage:
                    Next(ref reader);
                    completion.Usage = UsageReader.Read(ref reader);
                    break;
                case WireField.Error:
                    Next(ref reader);
                    completion.Error = JsonSerializer.Deserialize(ref reader, FlockJsonContext.Default.ErrorDetail);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "completion");
        return End(ref reader, completion);
    }

    /// <summary>Nothing but whitespace may follow the document.</summary>
    private static ChatCompletion? End(ref Utf8JsonReader reader, ChatCompletion? completion) =>
        reader.Read() ? throw new JsonException($"The completion's JSON goes on after its end: {reader.TokenType}.") : completion;

    private static List<Choice>? ReadChoices(ref Utf8JsonReader reader)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return null;
        }

        ExpectCurrent(ref reader, JsonTokenType.StartArray, "choices");
        var choices = new List<Choice>(1);
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            // A null entry is kept, as the serializer keeps it (WireShape refuses it with its own message).
            choices.Add(reader.TokenType == JsonTokenType.Null ? null! : ReadChoice(ref reader));
        }

        return choices;
    }

    private static Choice ReadChoice(ref Utf8JsonReader reader)
    {
        ExpectCurrent(ref reader, JsonTokenType.StartObject, "choice");
        var choice = new Choice();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case WireField.Index:
                    choice.Index = Next(ref reader) == JsonTokenType.Number && reader.TryGetInt32(out var index)
                        ? index
                        : throw new JsonException($"Expected a 32-bit whole number as the choice index, got {reader.TokenType}.");
                    break;
                case WireField.Message:
                    choice.Message = ReadMessage(ref reader);
                    break;
                case WireField.FinishReason:
                    choice.FinishReason = ReadString(ref reader);
                    break;
                case WireField.Logprobs:
                    Next(ref reader);
                    choice.Logprobs = LogprobsReader.Read(ref reader);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "choice");
        return choice;
    }

    private static ResponseMessage? ReadMessage(ref Utf8JsonReader reader)
    {
        if (Next(ref reader) == JsonTokenType.Null)
        {
            return null;
        }

        ExpectCurrent(ref reader, JsonTokenType.StartObject, "message");
        var message = new ResponseMessage();
        while (Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (FieldOf(ref reader))
            {
                case WireField.Role:
                    message.Role = ReadString(ref reader);
                    break;
                case WireField.Content:
                    message.Content = ReadString(ref reader);
                    break;
                case WireField.ReasoningContent:
                    message.ReasoningContent = ReadString(ref reader);
                    break;
                case WireField.Reasoning:
                    message.Reasoning = ReadString(ref reader);
                    break;
                case WireField.ToolCalls:
                    Next(ref reader);
                    message.ToolCalls = JsonSerializer.Deserialize(ref reader, FlockJsonContext.Default.ListToolCall);
                    break;
                default:
                    SkipValue(ref reader);
                    break;
            }
        }

        ExpectCurrent(ref reader, JsonTokenType.EndObject, "message");
        return message;
    }
}
