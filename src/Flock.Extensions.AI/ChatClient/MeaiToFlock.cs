using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>Maps Microsoft.Extensions.AI messages and options to a Flock request.</summary>
internal static class MeaiToFlock
{
    private static readonly JsonElement ToolChoiceAuto = JsonDocument.Parse("\"auto\"").RootElement.Clone();
    private static readonly JsonElement ToolChoiceNone = JsonDocument.Parse("\"none\"").RootElement.Clone();
    private static readonly JsonElement ToolChoiceRequired = JsonDocument.Parse("\"required\"").RootElement.Clone();
    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    public static ChatRequest ToRequest(IEnumerable<ChatMessage> messages, ChatOptions? options, string? defaultModelId, bool streaming, IChatClient? client = null)
    {
        var parameters = ToParameters(options);
        var model = options?.ModelId ?? defaultModelId ?? "";
        if (client is not null && options?.RawRepresentationFactory?.Invoke(client) is { } raw)
        {
            ApplyRaw(raw, parameters, ref model);
        }

        var includeReasoning = parameters[ChatParameters.IncludeReasoningInHistory] is true;
        var request = new ChatRequest
        {
            Model = model,
            Messages = ToMessages(messages, includeReasoning),
        };

        if (options?.Instructions is { Length: > 0 } instructions)
        {
            // MEAI's per-call instructions: a system message ahead of the conversation.
            request.Messages.Insert(0, new RequestMessage { Role = "system", Content = MessageContent.FromText(instructions) });
        }

        parameters.WriteTo(request, streaming);
        if (options is not null)
        {
            ApplyTools(options, request);
        }

        return request;
    }

    /// <summary>
    /// Typed options first, then additional properties by their JSON names, which win (a caller that needs a value a typed member
    /// cannot hold exactly, such as a <see cref="double"/> temperature, passes it there); unknown ones become provider extras.
    /// </summary>
    public static ChatParameterValues ToParameters(ChatOptions? options)
    {
        var parameters = new ChatParameterValues();
        if (options is null)
        {
            return parameters;
        }

        parameters.ReadFrom(options);
        if (options.TopK is { } topK)
        {
            parameters.Bind("top_k", topK);
        }

        if (options.Reasoning?.Effort is { } effort)
        {
            // MEAI's (and SK's ToChatOptions') home for "reasoning_effort"; an additional property of that name still wins.
            parameters.Bind("reasoning_effort", effort switch
            {
                ReasoningEffort.None => "none",
                ReasoningEffort.Low => "low",
                ReasoningEffort.Medium => "medium",
                ReasoningEffort.High => "high",
                ReasoningEffort.ExtraHigh => "xhigh",
                _ => effort.ToString(),
            });
        }

        if (options.AdditionalProperties is { } extra)
        {
            foreach (var (key, value) in extra)
            {
                parameters.Bind(key, value);
            }
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
                parameters.Bind(key, value);
            }
        }
    }

    public static List<RequestMessage> ToMessages(IEnumerable<ChatMessage> messages, bool includeReasoning)
    {
        var result = new List<RequestMessage>(messages is ICollection<ChatMessage> collection ? collection.Count : 4);
        foreach (var message in messages)
        {
            AddMessage(result, message, includeReasoning);
        }

        return result;
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
                    builder.AddImage(data.Uri);
                    break;
                case UriContent uri when uri.HasTopLevelMediaType("image"):
                    builder.AddImage(uri.Uri.AbsoluteUri);
                    break;
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
            }
        }

        if (builder.Build(message.Role.Value, message.AuthorName, hadToolResults) is { } built)
        {
            result.Add(built);
        }
    }

    private static readonly Dictionary<string, object?> EmptyArguments = [];

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
                if (tool is AIFunctionDeclaration function)
                {
                    (request.Tools ??= new List<RequestTool>(tools.Count)).Add(ToTool(function));
                }
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
    public static RequestTool ToTool(AIFunctionDeclaration function)
    {
        if (KernelFunctionTools.TryGetValue(function, out var cached))
        {
            return cached;
        }

        var schema = function.JsonSchema;
        if (schema.ValueKind == JsonValueKind.Object && HasSkConditionKeyword(schema, function.Description))
        {
            // A Semantic Kernel kernel function: its definition is fixed, and the kernel offers the same object on every call.
            var tool = Tool(function.Name, function.Description, WithoutSkConditionKeyword(schema));
            KernelFunctionTools.AddOrUpdate(function, tool);
            return tool;
        }

        return Tool(function.Name, function.Description, schema.ValueKind == JsonValueKind.Object ? schema : EmptyObjectSchema);
    }

    /// <summary>
    /// Tools of Semantic Kernel's kernel functions, by function: cleaning a schema costs a parse and SK builds the name anew on
    /// every read. Only these are cached (a kernel function's name, description and schema never change).
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<AIFunctionDeclaration, RequestTool> KernelFunctionTools = [];

    private static RequestTool Tool(string name, string? description, JsonElement schema) => new()
    {
        Function = new FunctionDefinition
        {
            Name = name,
            Description = string.IsNullOrEmpty(description) ? null : description,
            Parameters = schema,
        },
    };

    /// <summary>
    /// SK 1.82 writes a kernel function's description into its AIFunction schema a second time, under a top-level
    /// <c>"condition"</c> key (its internal <c>KernelFunctionSchemaModel.Description</c> is declared with <c>[JsonPropertyName("condition")]</c>). It is no
    /// JSON Schema keyword and SK's OpenAI connector never sends it; the model would read it in every tool. That exact artefact,
    /// and nothing else, is left out.
    /// </summary>
    private static bool HasSkConditionKeyword(JsonElement schema, string? description) =>
        schema.TryGetProperty("condition", out var condition) && condition.ValueKind == JsonValueKind.String
            && condition.ValueEquals(description ?? "");

    private static JsonElement WithoutSkConditionKeyword(JsonElement schema)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            foreach (var property in schema.EnumerateObject())
            {
                if (property.NameEquals("condition"))
                {
                    continue;
                }

                property.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

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
