using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol;

/// <summary>A validated chat completion request, reduced to what the emulator acts on.</summary>
internal sealed class ChatRequest
{
    public required string Model { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>Prompt size in emulator tokens (messages, message overhead and tool definitions).</summary>
    public required int PromptTokens { get; init; }

    public bool Stream { get; init; }

    public bool IncludeUsage { get; init; }

    public int N { get; init; } = 1;

    public int? MaxTokens { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public long? Seed { get; init; }

    /// <summary>Null when log probabilities were not requested; otherwise how many alternatives per token (0–5).</summary>
    public int? TopLogprobs { get; init; }

    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];

    public ToolChoiceMode ToolChoice { get; init; } = ToolChoiceMode.Auto;

    /// <summary>The function named by <c>tool_choice: {"type":"function",…}</c>.</summary>
    public string? ToolChoiceName { get; init; }

    public ResponseFormatKind ResponseFormat { get; init; } = ResponseFormatKind.Text;

    public JsonObject? ResponseSchema { get; init; }

    /// <summary>
    /// True when the model thinks by default or the request asked for thinking (<c>reasoning_effort</c>,
    /// <c>chat_template_kwargs.enable_thinking</c>); <c>enable_thinking: false</c> always wins.
    /// </summary>
    public bool Thinking { get; init; }

    public required ModelProfile Profile { get; init; }

    /// <summary>The models the proxy tries, in order, when this one fails (the request's <c>fallbacks</c>).</summary>
    public IReadOnlyList<string> Fallbacks { get; init; } = [];
}

/// <summary>One message of the conversation, with its content flattened to text.</summary>
internal sealed class ChatMessage
{
    public required string Role { get; init; }

    /// <summary>The text content (text parts joined with newlines; image parts described); null when absent.</summary>
    public string? Text { get; init; }

    public IReadOnlyList<PlannedToolCall> ToolCalls { get; init; } = [];

    public string? ToolCallId { get; init; }

    public string? Name { get; init; }

    /// <summary>The <c>reasoning_content</c> an assistant message came back with (null when absent or not a string).</summary>
    public string? Reasoning { get; init; }
}

/// <summary>A function the client offered.</summary>
internal sealed record ToolDefinition(string Name, string? Description, JsonObject? Parameters);

/// <summary>A function call, requested by the emulator or echoed back by the client.</summary>
internal sealed record PlannedToolCall(string Id, string Name, string Arguments);

internal enum ToolChoiceMode
{
    Auto,
    None,
    Required,
    Function,
}

internal enum ResponseFormatKind
{
    Text,
    JsonObject,
    JsonSchema,
}
