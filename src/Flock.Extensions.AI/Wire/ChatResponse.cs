using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flock.Extensions.AI.Wire;

/// <summary>A non-streaming completion (<c>chat.completion</c>).</summary>
internal sealed class ChatCompletion
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("object")] public string? Object { get; set; }
    [JsonPropertyName("created")][JsonConverter(typeof(LenientUnixTimeConverter))] public long? Created { get; set; }
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("system_fingerprint")] public string? SystemFingerprint { get; set; }
    [JsonPropertyName("choices")] public List<Choice>? Choices { get; set; }
    [JsonPropertyName("usage")] public Usage? Usage { get; set; }
    [JsonPropertyName("error")] public ErrorDetail? Error { get; set; }

    /// <summary>What the proxy said in the answer's headers (call id, limits, cost); not a body field.</summary>
    [JsonIgnore] public FlockResponseInfo? ResponseInfo { get; set; }
}

/// <summary>One choice of a non-streaming completion.</summary>
internal sealed class Choice
{
    [JsonPropertyName("index")] public int Index { get; set; }
    [JsonPropertyName("message")] public ResponseMessage? Message { get; set; }
    [JsonPropertyName("finish_reason")] public string? FinishReason { get; set; }
    [JsonPropertyName("logprobs")][JsonConverter(typeof(LogprobsConverter))] public FlockLogprobs? Logprobs { get; set; }
}

/// <summary>The assistant message of a choice, or the delta of a chunk.</summary>
internal sealed class ResponseMessage
{
    [JsonPropertyName("role")] public string? Role { get; set; }
    [JsonPropertyName("content")] public string? Content { get; set; }

    /// <summary>Reasoning text as most servers name it.</summary>
    [JsonPropertyName("reasoning_content")] public string? ReasoningContent { get; set; }

    /// <summary>Reasoning text as newer vLLM names it; read only when <see cref="ReasoningContent"/> is absent.</summary>
    [JsonPropertyName("reasoning")] public string? Reasoning { get; set; }

    [JsonPropertyName("tool_calls")] public List<ToolCall>? ToolCalls { get; set; }

    /// <summary>The reasoning text, from whichever field the server used (never both).</summary>
    [JsonIgnore] public string? ReasoningText => ReasoningContent ?? Reasoning;
}

/// <summary>Token usage; some servers add details.</summary>
internal sealed class Usage
{
    [JsonPropertyName("prompt_tokens")] public int? PromptTokens { get; set; }
    [JsonPropertyName("completion_tokens")] public int? CompletionTokens { get; set; }
    [JsonPropertyName("total_tokens")] public int? TotalTokens { get; set; }
    [JsonPropertyName("completion_tokens_details")] public CompletionTokensDetails? CompletionTokensDetails { get; set; }
    [JsonPropertyName("prompt_tokens_details")] public PromptTokensDetails? PromptTokensDetails { get; set; }

    /// <summary>What the call cost in USD, when the proxy puts it in the usage (streamed answers with <c>include_cost_in_streaming_usage</c>).</summary>
    [JsonPropertyName("cost")][JsonConverter(typeof(UsageCost))] public decimal? Cost { get; set; }
}

/// <summary>
/// <c>usage.cost</c>, read leniently: a number from 0 up to a billion USD, anything else (text, a negative or absurd amount,
/// an object) unknown, never an error: a cost the connector cannot read must not cost the answer.
/// </summary>
internal sealed class UsageCost : JsonConverter<decimal?>
{
    public override bool HandleNull => true;

    public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => Read(ref reader);

    /// <summary>Reads the value the reader is on and leaves the reader on its last token.</summary>
    public static decimal? Read(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.TryGetDecimal(out var cost) && cost >= 0 && cost < 1_000_000_000 ? cost : null;
        }

        reader.Skip();
        return null;
    }

    public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
    {
        if (value is { } cost)
        {
            writer.WriteNumberValue(cost);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}

/// <summary><c>usage.completion_tokens_details</c>.</summary>
internal sealed class CompletionTokensDetails
{
    [JsonPropertyName("reasoning_tokens")] public int? ReasoningTokens { get; set; }
}

/// <summary><c>usage.prompt_tokens_details</c>.</summary>
internal sealed class PromptTokensDetails
{
    [JsonPropertyName("cached_tokens")] public int? CachedTokens { get; set; }
}

/// <summary>The proxy's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed class ErrorBody
{
    [JsonPropertyName("error")] public ErrorDetail? Error { get; set; }
}

/// <summary>The fields of an error; <c>code</c> may be a string or a number, <c>type</c>/<c>param</c> often the string "None".</summary>
internal sealed class ErrorDetail
{
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("type")][JsonConverter(typeof(LenientStringConverter))] public string? Type { get; set; }
    [JsonPropertyName("param")][JsonConverter(typeof(LenientStringConverter))] public string? Param { get; set; }
    [JsonPropertyName("code")][JsonConverter(typeof(LenientStringConverter))] public string? Code { get; set; }
}

/// <summary><c>GET /models</c>.</summary>
internal sealed class ModelList
{
    [JsonPropertyName("data")] public List<ModelEntry>? Data { get; set; }
}

/// <summary>One model of <c>GET /models</c>.</summary>
internal sealed class ModelEntry
{
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("created")][JsonConverter(typeof(LenientUnixTimeConverter))] public long? Created { get; set; }
    [JsonPropertyName("owned_by")] public string? OwnedBy { get; set; }
}
