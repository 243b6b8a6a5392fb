using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flock.Extensions.AI.Wire;

/// <summary>The body of <c>POST /chat/completions</c>, exactly as the API document names its fields.</summary>
internal sealed class ChatRequest
{
    [JsonPropertyName("model")] public string Model { get; set; } = "";

    /// <summary>The conversation. (The raw-prompt form of <c>messages</c> travels in <see cref="Extra"/> instead.)</summary>
    [JsonPropertyName("messages")] public List<RequestMessage>? Messages { get; set; }

    [JsonPropertyName("stream")] public bool? Stream { get; set; }
    [JsonPropertyName("stream_options")] public StreamOptions? StreamOptions { get; set; }
    [JsonPropertyName("temperature")] public double? Temperature { get; set; }
    [JsonPropertyName("top_p")] public double? TopP { get; set; }
    [JsonPropertyName("max_tokens")] public int? MaxTokens { get; set; }
    [JsonPropertyName("n")] public int? N { get; set; }
    [JsonPropertyName("best_of")] public int? BestOf { get; set; }
    [JsonPropertyName("frequency_penalty")] public double? FrequencyPenalty { get; set; }
    [JsonPropertyName("presence_penalty")] public double? PresencePenalty { get; set; }
    [JsonPropertyName("logit_bias")] public IDictionary<string, int>? LogitBias { get; set; }
    [JsonPropertyName("logprobs")] public bool? Logprobs { get; set; }
    [JsonPropertyName("top_logprobs")] public int? TopLogprobs { get; set; }
    [JsonPropertyName("seed")] public long? Seed { get; set; }
    [JsonPropertyName("stop")] public IList<string>? Stop { get; set; }
    [JsonPropertyName("user")] public string? User { get; set; }
    [JsonPropertyName("tools")] public List<RequestTool>? Tools { get; set; }
    [JsonPropertyName("tool_choice")] public JsonElement? ToolChoice { get; set; }
    [JsonPropertyName("parallel_tool_calls")] public bool? ParallelToolCalls { get; set; }
    [JsonPropertyName("response_format")] public JsonElement? ResponseFormat { get; set; }

    // Passed through the proxy to vLLM-served models (not in the API document; documented as server-dependent).
    [JsonPropertyName("top_k")] public int? TopK { get; set; }
    [JsonPropertyName("min_p")] public double? MinP { get; set; }
    [JsonPropertyName("repetition_penalty")] public double? RepetitionPenalty { get; set; }
    [JsonPropertyName("reasoning_effort")] public string? ReasoningEffort { get; set; }
    [JsonPropertyName("chat_template_kwargs")] public Dictionary<string, JsonElement>? ChatTemplateKwargs { get; set; }

    /// <summary>Whether JSON schemas go out strict (the caller's strictness hint); not a body field.</summary>
    [JsonIgnore] public bool StrictSchemas { get; set; }

    /// <summary>How the answer's thinking text is split from it, when the call says (<c>think_tags</c>); not a body field.</summary>
    [JsonIgnore] public FlockThinkTags? ThinkTags { get; set; }

    /// <summary>Provider extras the settings do not model, written into the body as they are.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>Request headers the proxy's controls travel in (tags' spend metadata, the end user, the caller's own); not a body field.</summary>
    [JsonIgnore] public Dictionary<string, string>? Headers { get; set; }
}

/// <summary><c>stream_options</c>.</summary>
internal sealed class StreamOptions
{
    [JsonPropertyName("include_usage")] public bool? IncludeUsage { get; set; }

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>One chat message on the wire.</summary>
internal sealed class RequestMessage
{
    [JsonPropertyName("role")] public string Role { get; set; } = "user";

    /// <summary>Plain text, or parts (text and images); null only for assistant tool-call turns.</summary>
    [JsonPropertyName("content")] public MessageContent? Content { get; set; }

    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("tool_calls")] public List<ToolCall>? ToolCalls { get; set; }
    [JsonPropertyName("tool_call_id")] public string? ToolCallId { get; set; }
    [JsonPropertyName("reasoning_content")] public string? ReasoningContent { get; set; }
}

/// <summary>Message content: either a string or an array of parts.</summary>
[JsonConverter(typeof(MessageContentConverter))]
internal readonly struct MessageContent
{
    // A struct: one less object per message on the request path.
    private MessageContent(string? text, List<ContentPart>? parts) { Text = text; Parts = parts; }

    public string? Text { get; }
    public List<ContentPart>? Parts { get; }

    public static MessageContent FromText(string text) => new(text, null);
    public static MessageContent FromParts(List<ContentPart> parts) => new(null, parts);
}

/// <summary>A content part: <c>{"type":"text","text":…}</c> or <c>{"type":"image_url","image_url":{"url":…}}</c>.</summary>
internal sealed class ContentPart
{
    [JsonPropertyName("type")] public string Type { get; set; } = "text";
    [JsonPropertyName("text")] public string? Text { get; set; }
    [JsonPropertyName("image_url")] public ImageUrl? ImageUrl { get; set; }
}

/// <summary>An image reference: a URL or a data URI.</summary>
internal sealed class ImageUrl
{
    [JsonPropertyName("url")] public string Url { get; set; } = "";
    [JsonPropertyName("detail")] public string? Detail { get; set; }
}

/// <summary>A tool offered to the model.</summary>
internal sealed class RequestTool
{
    [JsonPropertyName("type")] public string Type { get; set; } = "function";
    [JsonPropertyName("function")] public FunctionDefinition Function { get; set; } = new();

    /// <summary>The tool as the request writer writes it, once <see cref="Freeze"/> made it final; then copied, never serialized again.</summary>
    [JsonIgnore] public byte[]? Json { get; private set; }

    /// <summary>
    /// For a tool offered on call after call: writes it once, so each request copies its bytes instead
    /// of walking its schema again. Nothing may change the tool after.
    /// </summary>
    public RequestTool Freeze()
    {
        Json = ChatRequestWriter.ToJson(this);
        return this;
    }
}

/// <summary>A function's name, description and JSON schema.</summary>
internal sealed class FunctionDefinition
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("description")] public string? Description { get; set; }
    [JsonPropertyName("parameters")] public JsonElement? Parameters { get; set; }
    [JsonPropertyName("strict")] public bool? Strict { get; set; }
}

/// <summary>A tool call, in an assistant message or a response.</summary>
internal sealed class ToolCall
{
    [JsonPropertyName("index")] public int? Index { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("type")] public string? Type { get; set; }
    [JsonPropertyName("function")] public FunctionCall? Function { get; set; }
}

/// <summary>The function part of a tool call; arguments are a JSON text.</summary>
internal sealed class FunctionCall
{
    [JsonPropertyName("name")] public string? Name { get; set; }
    [JsonPropertyName("arguments")] public string? Arguments { get; set; }
}
