using System.Text.Json;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Writes a <see cref="ChatRequest"/> as <see cref="JsonSerializer"/> would with <see cref="FlockJsonContext"/>: the same
/// properties, in declaration order, nulls left out, then the extras. The source generator makes no fast path for a type
/// with <c>[JsonExtensionData]</c>, so the serializer would take its metadata path over some thirty properties on every
/// call; written here, the nested values still go through their generated fast paths. A test compares the two byte for byte.
/// </summary>
internal static class ChatRequestWriter
{
    public static void Write(Utf8JsonWriter writer, ChatRequest request)
    {
        var context = FlockJsonContext.Default;
        writer.WriteStartObject();
        if (request.Model is { } model)
        {
            writer.WriteString("model"u8, model);
        }

        if (request.Messages is { } messages)
        {
            writer.WritePropertyName("messages"u8);
            JsonSerializer.Serialize(writer, messages, context.ListRequestMessage);
        }

        Write(writer, "stream"u8, request.Stream);
        if (request.StreamOptions is { } streamOptions)
        {
            writer.WritePropertyName("stream_options"u8);
            JsonSerializer.Serialize(writer, streamOptions, context.StreamOptions);
        }

        Write(writer, "temperature"u8, request.Temperature);
        Write(writer, "top_p"u8, request.TopP);
        Write(writer, "max_tokens"u8, request.MaxTokens);
        Write(writer, "n"u8, request.N);
        Write(writer, "best_of"u8, request.BestOf);
        Write(writer, "frequency_penalty"u8, request.FrequencyPenalty);
        Write(writer, "presence_penalty"u8, request.PresencePenalty);
        if (request.LogitBias is { } logitBias)
        {
            writer.WritePropertyName("logit_bias"u8);
            JsonSerializer.Serialize(writer, logitBias, context.IDictionaryStringInt32);
        }

        Write(writer, "logprobs"u8, request.Logprobs);
        Write(writer, "top_logprobs"u8, request.TopLogprobs);
        if (request.Seed is { } seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (request.Stop is { } stop)
        {
            writer.WritePropertyName("stop"u8);
            JsonSerializer.Serialize(writer, stop, context.IListString);
        }

        if (request.User is { } user)
        {
            writer.WriteString("user"u8, user);
        }

        if (request.Tools is { } tools)
        {
            writer.WritePropertyName("tools"u8);
            JsonSerializer.Serialize(writer, tools, context.ListRequestTool);
        }

        Write(writer, "tool_choice"u8, request.ToolChoice);
        Write(writer, "parallel_tool_calls"u8, request.ParallelToolCalls);
        Write(writer, "response_format"u8, request.ResponseFormat);
        Write(writer, "top_k"u8, request.TopK);
        Write(writer, "min_p"u8, request.MinP);
        Write(writer, "repetition_penalty"u8, request.RepetitionPenalty);
        if (request.ReasoningEffort is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, effort);
        }

        if (request.ChatTemplateKwargs is { } kwargs)
        {
            writer.WritePropertyName("chat_template_kwargs"u8);
            JsonSerializer.Serialize(writer, kwargs, context.DictionaryStringJsonElement);
        }

        if (request.Extra is { } extra)
        {
            foreach (var (name, value) in extra)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
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
