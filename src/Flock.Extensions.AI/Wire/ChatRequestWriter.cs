using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Writes a <see cref="ChatRequest"/> as <see cref="JsonSerializer"/> would with <see cref="FlockJsonContext"/>: the same
/// properties, in declaration order, nulls left out, then the extras. The source generator makes no fast path for a type
/// with <c>[JsonExtensionData]</c>, so the serializer would take its metadata path over some thirty properties on every
/// call; written here, the rarer nested values still go through their generated fast paths. The messages and
/// <c>stream_options</c>, in every request, are written here too: through the serializer, a process's first request
/// built the metadata of every message type, tool calls included, before it could send. A test compares the two byte for byte.
/// What most requests leave out (tools, tool calls, content parts, extras, the rarer nested values) is written by methods
/// of its own, entered only when the value is there, so a process's first request loads none of the types they use.
/// </summary>
internal static class ChatRequestWriter
{
    /// <summary>How request bodies are written: compact, and relaxed escaping (the body is JSON for an API, never HTML, so quotes inside tool arguments stay readable).</summary>
    public static readonly JsonWriterOptions Options = new() { SkipValidation = true, Encoder = JsonStringEncoder.Instance };

    public static void Write(Utf8JsonWriter writer, ChatRequest request)
    {
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
        if (request.LogitBias is not null)
        {
            WriteLogitBias(writer, request.LogitBias);
        }

        Write(writer, "logprobs"u8, request.Logprobs);
        Write(writer, "top_logprobs"u8, request.TopLogprobs);
        Write(writer, "seed"u8, request.Seed);
        if (request.Stop is not null)
        {
            WriteStop(writer, request.Stop);
        }

        Write(writer, "user"u8, request.User);
        if (request.Tools is not null)
        {
            WriteTools(writer, request.Tools);
        }

        Write(writer, "tool_choice"u8, request.ToolChoice);
        Write(writer, "parallel_tool_calls"u8, request.ParallelToolCalls);
        Write(writer, "response_format"u8, request.ResponseFormat);
        Write(writer, "top_k"u8, request.TopK);
        Write(writer, "min_p"u8, request.MinP);
        Write(writer, "repetition_penalty"u8, request.RepetitionPenalty);
        Write(writer, "reasoning_effort"u8, request.ReasoningEffort);
        if (request.ChatTemplateKwargs is not null)
        {
            WriteChatTemplateKwargs(writer, request.ChatTemplateKwargs);
        }

        if (request.Extra is not null)
        {
            WriteExtra(writer, request.Extra);
        }

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
                WriteContent(writer, content);
            }

            Write(writer, "name"u8, message.Name);
            if (message.ToolCalls is not null)
            {
                WriteToolCalls(writer, message.ToolCalls);
            }

            Write(writer, "tool_call_id"u8, message.ToolCallId);
            Write(writer, "reasoning_content"u8, message.ReasoningContent);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>A message's content: a JSON string, or an array of parts (<see cref="MessageContentConverter"/> writes it so too).</summary>
    public static void WriteContent(Utf8JsonWriter writer, MessageContent content)
    {
        if (content.Text is not null)
        {
            writer.WriteStringValue(content.Text);
        }
        else
        {
            WriteParts(writer, content.Parts!);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteParts(Utf8JsonWriter writer, List<ContentPart> parts)
    {
        writer.WriteStartArray();
        foreach (var part in parts)
        {
            writer.WriteStartObject();
            writer.WriteString("type", part.Type);
            if (part.Text is not null)
            {
                writer.WriteString("text", part.Text);
            }

            if (part.ImageUrl is not null)
            {
                writer.WriteStartObject("image_url");
                writer.WriteString("url", part.ImageUrl.Url);
                if (part.ImageUrl.Detail is not null)
                {
                    writer.WriteString("detail", part.ImageUrl.Detail);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteToolCalls(Utf8JsonWriter writer, List<ToolCall> calls)
    {
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
        if (options.Extra is not null)
        {
            WriteExtra(writer, options.Extra);
        }

        writer.WriteEndObject();
    }

    /// <summary>Extension data: each entry as a property, as the serializer writes <c>[JsonExtensionData]</c>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteExtra(Utf8JsonWriter writer, Dictionary<string, JsonElement> extra)
    {
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
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteTools(Utf8JsonWriter writer, List<RequestTool> tools)
    {
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

    // The rarer nested values, through their source-generated fast paths; their metadata is built only when a value is there.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteLogitBias(Utf8JsonWriter writer, IDictionary<string, int> value)
    {
        writer.WritePropertyName("logit_bias"u8);
        JsonSerializer.Serialize(writer, value, FlockJsonContext.Default.IDictionaryStringInt32);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteStop(Utf8JsonWriter writer, IList<string> value)
    {
        writer.WritePropertyName("stop"u8);
        JsonSerializer.Serialize(writer, value, FlockJsonContext.Default.IListString);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void WriteChatTemplateKwargs(Utf8JsonWriter writer, Dictionary<string, JsonElement> value)
    {
        writer.WritePropertyName("chat_template_kwargs"u8);
        JsonSerializer.Serialize(writer, value, FlockJsonContext.Default.DictionaryStringJsonElement);
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
