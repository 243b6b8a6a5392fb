using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>Which earlier reasoning goes back in the history (<c>include_reasoning_in_history</c>: unset, true, false).</summary>
internal enum ReasoningHistory
{
    /// <summary>That of every exchange that made tool calls (the default, DeepSeek's rule).</summary>
    ToolExchanges,

    /// <summary>All of it.</summary>
    All,

    /// <summary>None.</summary>
    None,
}

/// <summary>Maps Microsoft.Extensions.AI messages and options to a Flock request.</summary>
internal static class MeaiToFlock
{
    private static readonly JsonElement ToolChoiceAuto = JsonDocument.Parse("\"auto\"").RootElement.Clone();
    private static readonly JsonElement ToolChoiceNone = JsonDocument.Parse("\"none\"").RootElement.Clone();
    private static readonly JsonElement ToolChoiceRequired = JsonDocument.Parse("\"required\"").RootElement.Clone();
    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    /// <summary>What reasoning goes back when the caller says nothing: an exchange's that made tool calls, as DeepSeek requires.</summary>
    private const ReasoningHistory DefaultReasoningHistory = ReasoningHistory.ToolExchanges;

    public static ChatRequest ToRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, bool streaming, IChatClient? client = null)
    {
        if (options is null)
        {
            // No options, no parameters: the parameter table is not even built (a process's first call would build it for
            // nothing). The table is touched only in the method below, so compiling this one does not build it either.
            var plain = new ChatRequest { Model = defaultModelId ?? "", Messages = ToMessages(messages, DefaultReasoningHistory) };
            ChatParameterValues.WriteDefaultsTo(plain, streaming);
            return plain;
        }

        return ToRequestWithOptions(messages, options, defaultModelId, streaming, client);
    }

    private static ChatRequest ToRequestWithOptions(IEnumerable<ChatMessage> messages, ChatOptions options, string? defaultModelId, bool streaming, IChatClient? client)
    {
        RefuseWhatFlockCannotDo(options);
        var parameters = ToParameters(options);
        var model = options.ModelId ?? defaultModelId ?? "";
        if (client is not null && options.RawRepresentationFactory?.Invoke(client) is { } raw)
        {
            ApplyRaw(raw, parameters, ref model);
        }

        var reasoning = parameters[ChatParameters.IncludeReasoningInHistory] switch
        {
            true => ReasoningHistory.All,
            false => ReasoningHistory.None,
            _ => DefaultReasoningHistory,
        };
        var request = new ChatRequest
        {
            Model = model,
            Messages = ToMessages(messages, reasoning),
        };

        // MEAI's per-call instructions lead the conversation as a system message.
        if (options.Instructions is { Length: > 0 } instructions)
        {
            request.Messages.Insert(0, new RequestMessage { Role = "system", Content = MessageContent.FromText(instructions) });
        }

        parameters.WriteTo(request, streaming);
        request.ThinkTags = (FlockThinkTags?)parameters[ChatParameters.ThinkTags];
        ApplyTools(options, request);
        return request;
    }

    /// <summary>
    /// A raw prompt's request: the prompt as <c>messages</c>, and the options' sampling parameters (a raw prompt takes no tools
    /// and no instructions).
    /// </summary>
    public static ChatRequest ToPromptRequest(FlockPrompt prompt, ChatOptions? options, string? defaultModelId, bool streaming)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (options is { Tools.Count: > 0 } or { Instructions: not null })
        {
            throw new ArgumentException("A raw prompt is not a conversation: ChatOptions.Tools and Instructions cannot be sent with it.", nameof(options));
        }

        RefuseWhatFlockCannotDo(options);
        var request = new ChatRequest { Model = options?.ModelId ?? defaultModelId ?? "" };
        ToParameters(options).WriteTo(request, streaming);

        // The raw forms are not chat messages: they travel as they are under "messages", which the wire record leaves null.
        request.Extra ??= [];
        request.Extra["messages"] = prompt.Json;
        return request;
    }

    /// <summary>
    /// Typed options, then additional properties by their JSON names, which never replace a typed value with another but may
    /// refine one a typed member cannot hold exactly (a <see cref="double"/> a <see cref="float"/> rounds; see
    /// <see cref="FlockParameters"/>). Unknown keys become provider extras.
    /// </summary>
    public static ChatParameterValues ToParameters(ChatOptions? options)
    {
        var parameters = new ChatParameterValues();
        if (options is null)
        {
            return parameters;
        }

        parameters.ReadFrom(options);
        switch (options.Reasoning?.Effort)
        {
            case null:
                break;
            case ReasoningEffort.None:
                // No thinking at all: Qwen3's switch (models that take an effort have no "none").
                parameters[ChatParameters.EnableThinking] = false;
                break;
            case var effort:
                parameters[ChatParameters.ReasoningEffort] = effort switch
                {
                    ReasoningEffort.Low => "low",
                    ReasoningEffort.Medium => "medium",
                    ReasoningEffort.High => "high",
                    ReasoningEffort.ExtraHigh => "xhigh",
                    _ => effort.ToString()!.ToLowerInvariant(),
                };
                break;
        }

        if (options.AdditionalProperties is { } additional)
        {
            parameters.RefineExactValues(additional);
            parameters.BindAll(additional);
        }

        return parameters;
    }

    /// <summary>
    /// The escape hatch: a request body from <see cref="ChatOptions.RawRepresentationFactory"/> (a <see cref="System.Text.Json.Nodes.JsonObject"/>,
    /// a JSON object element, or a dictionary) whose fields win over the options: known ones by their JSON names, the rest sent as they are.
    /// </summary>
    private static void ApplyRaw(object raw, ChatParameterValues parameters, ref string model)
    {
        IEnumerable<KeyValuePair<string, object?>> fields = raw switch
        {
            System.Text.Json.Nodes.JsonObject node => node.Select(static p => KeyValuePair.Create(
                p.Key, p.Value is null ? null : (object?)JsonSerializer.SerializeToElement(p.Value, FlockJsonContext.Default.JsonNode))),
            JsonElement { ValueKind: JsonValueKind.Object } element => element.EnumerateObject().Select(static p => KeyValuePair.Create(p.Name, (object?)p.Value)),
            IEnumerable<KeyValuePair<string, object?>> pairs => pairs,
            _ => throw new NotSupportedException(
                $"ChatOptions.RawRepresentationFactory returned a {raw.GetType().Name}; FlockChatClient takes a JsonObject, a JSON object element or a dictionary of request fields."),
        };

        foreach (var (key, value) in fields)
        {
            if (key == "model")
            {
                model = SettingValues.ToText(key, value) ?? model;
            }
            else if (key is "messages" or "stream")
            {
                throw new NotSupportedException($"'{key}' cannot come from ChatOptions.RawRepresentationFactory: FlockChatClient writes it from the call itself.");
            }
            else
            {
                parameters.Bind(key, value, ParameterSource.Raw);
            }
        }
    }

    /// <summary>
    /// Options that only a stateful or hosted service can honour: Flock keeps no conversations and runs nothing in the
    /// background, so a call that depends on them is refused before anything is sent rather than answered without them.
    /// (<see cref="ChatOptions.AllowBackgroundResponses"/> only allows; a foreground answer honours it, so it is ignored.)
    /// A summary of the reasoning is refused too: models behind Flock return their reasoning whole or not at all.
    /// </summary>
    private static void RefuseWhatFlockCannotDo(ChatOptions? options)
    {
        if (options?.Reasoning?.Output == ReasoningOutput.Summary)
        {
            throw new NotSupportedException(
                "ReasoningOptions.Output = Summary asks for a summary of the model's reasoning; models behind Flock return their reasoning " +
                "as they produce it, not summarised. Use ReasoningOutput.Full (the default) or ReasoningOutput.None (reasoning left out of the response).");
        }

        if (options?.ConversationId is { } conversation)
        {
            throw new NotSupportedException(
                $"ChatOptions.ConversationId ('{conversation}') asks the service to keep the conversation; Flock keeps none. Send the whole history with each call instead.");
        }

        if (options?.ContinuationToken is not null)
        {
            throw new NotSupportedException("ChatOptions.ContinuationToken continues a background response; Flock answers in the foreground only and returns no continuation token.");
        }
    }

    /// <summary>
    /// The conversation on the wire. Earlier turns' reasoning goes back as <paramref name="reasoning"/> says: by default each
    /// assistant message of an exchange that made tool calls (an exchange: the messages from one user message to the next),
    /// as DeepSeek's thinking mode requires of every such exchange, current or earlier; all of it, or none, when asked.
    /// </summary>
    public static List<RequestMessage> ToMessages(IEnumerable<ChatMessage> messages, ReasoningHistory reasoning)
    {
        var list = messages as IList<ChatMessage> ?? messages.ToList();
        var result = new List<RequestMessage>(list.Count);
        var toolExchange = false;
        for (var i = 0; i < list.Count; i++)
        {
            if (reasoning == ReasoningHistory.ToolExchanges && (i == 0 || list[i].Role == ChatRole.User))
            {
                toolExchange = MakesToolCalls(list, i);
            }

            AddMessage(result, list[i], reasoning == ReasoningHistory.All || (reasoning == ReasoningHistory.ToolExchanges && toolExchange));
        }

        return result;
    }

    /// <summary>Whether the exchange starting at <paramref name="start"/> (up to the next user message) holds a tool call.</summary>
    private static bool MakesToolCalls(IList<ChatMessage> messages, int start)
    {
        for (var i = start; i < messages.Count && (i == start || messages[i].Role != ChatRole.User); i++)
        {
            var contents = messages[i].Contents;
            for (var j = 0; j < contents.Count; j++)
            {
                if (contents[j] is FunctionCallContent)
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void AddMessage(List<RequestMessage> result, ChatMessage message, bool includeReasoning)
    {
        var builder = new MessageBuilder();
        var hadToolResults = false;
        var contents = message.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            switch (contents[i])
            {
                case TextContent { Text.Length: > 0 } text:
                    builder.AddText(text.Text);
                    break;
                case DataContent data when data.HasTopLevelMediaType("image"):
                    builder.AddImage(data.Uri, ImageDetail(data));
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    builder.AddImage(uri.Uri.AbsoluteUri, ImageDetail(uri));
                    break;
                case DataContent or UriContent or HostedFileContent:
                    // Audio, PDF and other files have no form in Flock's chat API: refuse rather than send the text alone.
                    throw Unsupported(contents[i]);
                case FunctionCallContent call:
                    builder.AddToolCall(call.CallId, call.Name, SettingValues.ToJsonText("arguments", call.Arguments ?? EmptyArguments));
                    break;
                case FunctionResultContent functionResult:
                    result.Add(MessageBuilder.ToolResult(functionResult.CallId, ResultText(functionResult.Result, functionResult.Exception)));
                    hadToolResults = true;
                    break;
                case TextReasoningContent { Text.Length: > 0 } reasoning when includeReasoning:
                    builder.AddReasoning(reasoning.Text);
                    break;
                case TextContent or TextReasoningContent or UsageContent or ErrorContent:
                    // Empty text; reasoning not asked back; usage and past errors describe calls, they are not conversation.
                    break;
                case var other when other.GetType() != typeof(AIContent):
                    // Any other content (approvals, hosted tool calls, vector stores…) has no form on Flock's wire.
                    throw Unsupported(other);
            }
        }

        if (builder.Build(message.Role.Value, message.AuthorName, hadToolResults) is { } built)
        {
            result.Add(built);
        }
    }

    private static readonly Dictionary<string, object?> EmptyArguments = [];

    /// <summary>An image's detail level (<c>low</c>, <c>high</c>, <c>auto</c>) from its <c>detail</c> additional property, sent as <c>image_url.detail</c>.</summary>
    private static string? ImageDetail(AIContent image) =>
        image.AdditionalProperties?.TryGetValue("detail", out var detail) is true ? SettingValues.ToText("detail", detail is Enum e ? e.ToString().ToLowerInvariant() : detail) : null;

    private static NotSupportedException Unsupported(AIContent content)
    {
        var mediaType = content switch
        {
            DataContent data => data.MediaType,
            UriContent uri => uri.MediaType,
            HostedFileContent file => file.MediaType ?? "a hosted file",
            _ => content.GetType().Name,
        };

        return UnsupportedContent(mediaType, content.GetType().Name);
    }

    /// <summary>The refusal of content Flock's chat API has no form for, naming what it is (<paramref name="what"/>: its media type or kind).</summary>
    internal static NotSupportedException UnsupportedContent(string what, string contentType) => new(
        $"A message holds {what} content ({contentType}); Flock's chat API takes text and images only, so nothing was sent. " +
        "Send the content as text, or as an image (image/*).");

    /// <summary>A tool result as the text of a <c>tool</c> message: strings as they are, anything else as JSON.</summary>
    public static string ResultText(object? result, Exception? exception) => result switch
    {
        null => exception is { } ex ? $"Error: {ex.Message}" : "",
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } e => e.GetString()!,
        var other => SettingValues.ToJsonText("result", other),
    };

    private static void ApplyTools(ChatOptions options, ChatRequest request)
    {
        if (options.Tools is { Count: > 0 } tools)
        {
            foreach (var tool in tools)
            {
                var function = tool as AIFunctionDeclaration
                    ?? throw new NotSupportedException(
                        $"The tool '{tool.Name}' ({tool.GetType().Name}) runs on the provider's side; Flock only takes functions (AIFunction) as tools, so nothing was sent.");
                (request.Tools ??= new List<RequestTool>(tools.Count)).Add(ToTool(function, StrictSchemas.Requested(function.AdditionalProperties) ?? request.StrictSchemas));
            }
        }

        if (request.Tools is not null)
        {
            request.ToolChoice = options.ToolMode switch
            {
                NoneChatToolMode => ToolChoiceNone,
                RequiredChatToolMode { RequiredFunctionName: { } name } => NamedToolChoice(name),
                RequiredChatToolMode => ToolChoiceRequired,
                AutoChatToolMode => ToolChoiceAuto,
                _ => null,
            };

            request.ParallelToolCalls = options.AllowMultipleToolCalls;
        }
    }

    /// <summary>A function offered as a tool under its name.</summary>
    /// <remarks>
    /// A strict tool (<paramref name="strict"/>) says <c>strict: true</c> and has its schema made strict (not cached here: MEAI
    /// caches the transform). Any other tool is written once and its bytes reused while the function still offers the same
    /// definition: the same name and description, and its schema from the same JSON document (an <c>AIFunction</c>'s schema
    /// is computed once, and a function that computes it anew gets it written anew).
    /// </remarks>
    public static RequestTool ToTool(AIFunctionDeclaration function, bool strict = false)
    {
        if (strict)
        {
            var tool = Tool(function.Name, function.Description, StrictSchemas.FunctionSchema(function));
            tool.Function.Strict = true;
            return tool;
        }

        var name = function.Name;
        var description = function.Description;
        var schema = function.JsonSchema;
        if (WrittenTools.TryGetValue(function, out var written) && written.IsFor(name, description, schema))
        {
            return written.Tool;
        }

        var frozen = Tool(name, description, schema.ValueKind == JsonValueKind.Object ? schema : EmptyObjectSchema).Freeze();
        WrittenTools.AddOrUpdate(function, new WrittenTool(frozen, name, description, schema));
        return frozen;
    }

    /// <summary>Tools written before, by function: offered on call after call, a tool's schema need not be walked each time.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AIFunctionDeclaration, WrittenTool> WrittenTools = [];

    /// <summary>A written tool and the definition it was written from.</summary>
    private sealed class WrittenTool(RequestTool tool, string name, string? description, JsonElement schema)
    {
        public RequestTool Tool { get; } = tool;

        /// <summary>Whether the definition is still the same: equal texts, and the schema read from the same bytes of the same document.</summary>
        public bool IsFor(string name2, string? description2, JsonElement schema2)
        {
            if (name2 != name || description2 != description || schema2.ValueKind != schema.ValueKind)
            {
                return false;
            }

            if (schema.ValueKind != JsonValueKind.Object)
            {
                return true;
            }

            try
            {
                var before = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(schema);
                var now = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(schema2);
                return before.Length == now.Length
                    && System.Runtime.CompilerServices.Unsafe.AreSame(
                        ref System.Runtime.InteropServices.MemoryMarshal.GetReference(before), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(now));
            }
            catch (ObjectDisposedException)
            {
                // A schema whose document was disposed: written anew (and the write reports it, if it is the new one).
                return false;
            }
        }
    }

    private static RequestTool Tool(string name, string? description, JsonElement schema) => new()
    {
        Function = new FunctionDefinition
        {
            Name = name,
            Description = string.IsNullOrEmpty(description) ? null : description,
            Parameters = schema,
        },
    };

    private static JsonElement NamedToolChoice(string name)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "function");
            writer.WriteStartObject("function");
            writer.WriteString("name", name);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
