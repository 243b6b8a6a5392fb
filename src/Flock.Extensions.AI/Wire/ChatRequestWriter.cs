using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Writes a <see cref="ChatRequest"/> as <see cref="JsonSerializer"/> would with <see cref="FlockJsonContext"/>: the same
/// properties, in declaration order, nulls left out, then the extras. The source generator makes no fast path for a type
/// with <c>[JsonExtensionData]</c>, so the serializer would take its metadata path over some thirty properties on every
/// call; written here, the rarer nested values still go through their generated fast paths. The messages and
/// <c>stream_options</c>, in every request, are written here too: through the serializer, a process's first request
/// built the metadata of every message type, tool calls included, before it could send. A test compares the two byte for byte.
/// </summary>
internal static class ChatRequestWriter
{
    /// <summary>How request bodies are written: compact, and relaxed escaping (the body is JSON for an API, never HTML, so quotes inside tool arguments stay readable).</summary>
    public static readonly JsonWriterOptions Options = new() { SkipValidation = true, Encoder = JsonStringEncoder.Instance };

    public static void Write(Utf8JsonWriter writer, ChatRequest request)
    {
        // The nested values' metadata is asked for only when the value is there: building it is most of a first call's cost.
        writer.WriteStartObject();
        Write(writer, "model"u8, request.Model);
        WriteMessages(writer, request.Messages);
        Write(writer, "stream"u8, request.Stream);
        WriteStreamOptions(writer, request.StreamOptions);
        Write(writer, "temperature"u8, request.Temperature);
        Write(writer, "top_p"u8, request.TopP);
        Write(writer, "max_tokens"u8, request.MaxTokens);
        Write(writer, "n"u8, request.N);
        Write(writer, "best_of"u8, request.BestOf);
        Write(writer, "frequency_penalty"u8, request.FrequencyPenalty);
        Write(writer, "presence_penalty"u8, request.PresencePenalty);
        Write(writer, "logit_bias"u8, request.LogitBias, static () => FlockJsonContext.Default.IDictionaryStringInt32);
        Write(writer, "logprobs"u8, request.Logprobs);
        Write(writer, "top_logprobs"u8, request.TopLogprobs);
        Write(writer, "seed"u8, request.Seed);
        Write(writer, "stop"u8, request.Stop, static () => FlockJsonContext.Default.IListString);
        Write(writer, "user"u8, request.User);
        WriteTools(writer, request.Tools);
        Write(writer, "tool_choice"u8, request.ToolChoice);
        Write(writer, "parallel_tool_calls"u8, request.ParallelToolCalls);
        Write(writer, "response_format"u8, request.ResponseFormat);
        Write(writer, "top_k"u8, request.TopK);
        Write(writer, "min_p"u8, request.MinP);
        Write(writer, "repetition_penalty"u8, request.RepetitionPenalty);
        Write(writer, "reasoning_effort"u8, request.ReasoningEffort);
        Write(writer, "chat_template_kwargs"u8, request.ChatTemplateKwargs, static () => FlockJsonContext.Default.DictionaryStringJsonElement);
        WriteExtra(writer, request.Extra);
        writer.WriteEndObject();
    }

    private static void WriteMessages(Utf8JsonWriter writer, List<RequestMessage>? messages)
    {
        if (messages is null)
        {
            return;
        }

        writer.WritePropertyName("messages"u8);
        writer.WriteStartArray();
        foreach (var message in messages)
        {
            if (message is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            Write(writer, "role"u8, message.Role);
            if (message.Content is { } content)
            {
                writer.WritePropertyName("content"u8);
                MessageContentConverter.WriteContent(writer, content);
            }

            Write(writer, "name"u8, message.Name);
            WriteToolCalls(writer, message.ToolCalls);
            Write(writer, "tool_call_id"u8, message.ToolCallId);
            Write(writer, "reasoning_content"u8, message.ReasoningContent);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, List<ToolCall>? calls)
    {
        if (calls is null)
        {
            return;
        }

        writer.WritePropertyName("tool_calls"u8);
        writer.WriteStartArray();
        foreach (var call in calls)
        {
            if (call is null)
            {
                writer.WriteNullValue();
                continue;
            }

            writer.WriteStartObject();
            Write(writer, "index"u8, call.Index);
            Write(writer, "id"u8, call.Id);
            Write(writer, "type"u8, call.Type);
            if (call.Function is { } function)
            {
                writer.WriteStartObject("function"u8);
                Write(writer, "name"u8, function.Name);
                Write(writer, "arguments"u8, function.Arguments);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteStreamOptions(Utf8JsonWriter writer, StreamOptions? options)
    {
        if (options is null)
        {
            return;
        }

        writer.WriteStartObject("stream_options"u8);
        Write(writer, "include_usage"u8, options.IncludeUsage);
        WriteExtra(writer, options.Extra);
        writer.WriteEndObject();
    }

    /// <summary>Extension data: each entry as a property, as the serializer writes <c>[JsonExtensionData]</c>.</summary>
    private static void WriteExtra(Utf8JsonWriter writer, Dictionary<string, JsonElement>? extra)
    {
        if (extra is null)
        {
            return;
        }

        foreach (var (name, value) in extra)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }

    /// <summary>The tool's JSON as a request body holds it (see <see cref="RequestTool.Freeze"/>).</summary>
    public static byte[] ToJson(RequestTool tool)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            JsonSerializer.Serialize(writer, tool, FlockJsonContext.Default.RequestTool);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The tools: a frozen tool's bytes copied, any other through its generated fast path.</summary>
    private static void WriteTools(Utf8JsonWriter writer, List<RequestTool>? tools)
    {
        if (tools is null)
        {
            return;
        }

        writer.WritePropertyName("tools"u8);
        writer.WriteStartArray();
        foreach (var tool in tools)
        {
            if (tool.Json is { } json)
            {
                writer.WriteRawValue(json, skipInputValidation: true);
            }
            else
            {
                JsonSerializer.Serialize(writer, tool, FlockJsonContext.Default.RequestTool);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>A nested value, through its source-generated fast path; its metadata is asked for only when the value is there.</summary>
    private static void Write<T>(Utf8JsonWriter writer, ReadOnlySpan<byte> name, T? value, Func<JsonTypeInfo<T>> typeInfo)
        where T : class
    {
        if (value is not null)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value, typeInfo());
        }
    }

    private static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> name, bool? value)
    {
        if (value is { } present)
        {
            writer.WriteBoolean(name, present);
        }
    }

    private static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> name, int? value)
    {
        if (value is { } present)
        {
            writer.WriteNumber(name, present);
        }
    }

    private static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } present)
        {
            writer.WriteNumber(name, present);
        }
    }

    private static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> name, double? value)
    {
        if (value is { } present)
        {
            writer.WriteNumber(name, present);
        }
    }

    private static void Write(Utf8JsonWriter writer, ReadOnlySpan<byte> name, JsonElement? value)
    {
        if (value is { } present)
        {
            writer.WritePropertyName(name);
            present.WriteTo(writer);
        }
    }
}
