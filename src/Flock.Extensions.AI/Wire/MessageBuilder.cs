namespace Flock.Extensions.AI.Wire;

/// <summary>
/// Collects one message's pieces (text, images, tool calls, reasoning) in order and builds its wire form: plain string
/// content when there is only text, an array of parts once an image is present. Both adapters map through it.
/// </summary>
internal struct MessageBuilder
{
    private string? _text;
    private List<ContentPart>? _parts;
    private List<ToolCall>? _toolCalls;
    private string? _reasoning;

    public void AddText(string text)
    {
        _parts?.Add(new ContentPart { Type = "text", Text = text });
        _text = _text is null ? text : _text + text;
    }

    public void AddImage(string url, string? detail = null)
    {
        if (_parts is null)
        {
            // The first image turns the content into parts; the text so far becomes the first part.
            _parts = _text is null ? [] : [new ContentPart { Type = "text", Text = _text }];
        }

        _parts.Add(new ContentPart { Type = "image_url", ImageUrl = new ImageUrl { Url = url, Detail = detail } });
    }

    public void AddToolCall(string? id, string name, string arguments) =>
        (_toolCalls ??= []).Add(new ToolCall { Id = id, Type = "function", Function = new FunctionCall { Name = name, Arguments = arguments } });

    public void AddReasoning(string text) => _reasoning = _reasoning is null ? text : _reasoning + text;

    /// <summary>The message, or null when it held only tool results (already written as <c>tool</c> messages).</summary>
    public readonly RequestMessage? Build(string role, string? name, bool hadToolResults)
    {
        if (_text is null && _parts is null && _toolCalls is null && _reasoning is null && hadToolResults)
        {
            return null;
        }

        return new RequestMessage
        {
            Role = role,
            Name = name,
            Content = _parts is not null ? MessageContent.FromParts(_parts)
                : _text is not null ? MessageContent.FromText(_text)
                : _toolCalls is not null ? null
                : MessageContent.FromText(""),
            ToolCalls = _toolCalls,
            ReasoningContent = _reasoning,
        };
    }

    /// <summary>A <c>tool</c> message answering the call <paramref name="callId"/>.</summary>
    public static RequestMessage ToolResult(string? callId, string content) =>
        new() { Role = "tool", ToolCallId = callId, Content = MessageContent.FromText(content) };
}
