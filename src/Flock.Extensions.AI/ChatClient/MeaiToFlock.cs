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
        RefuseWhatFlockCannotDo(options);
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

        // Leading system messages, in this order: SK's system and developer prompts (template keys), MEAI's per-call instructions.
        var leading = 0;
        foreach (var prompt in (ReadOnlySpan<string?>)[parameters[ChatParameters.ChatSystemPrompt] as string, parameters[ChatParameters.ChatDeveloperPrompt] as string, options?.Instructions])
        {
            if (prompt is { Length: > 0 })
            {
                request.Messages.Insert(leading++, new RequestMessage { Role = "system", Content = MessageContent.FromText(prompt) });
            }
        }

        parameters.WriteTo(request, streaming);
        request.ThinkTags = (FlockThinkTags?)parameters[ChatParameters.ThinkTags];
        if (options is not null)
        {
            ApplyTools(options, request);
        }

        return request;
    }

    /// <summary>
    /// Typed options, then additional properties by their JSON names: template keys, which never replace a typed value with
    /// another (one rule for both stacks) but may refine one a typed member cannot hold exactly (a <see cref="double"/> a
    /// <see cref="float"/> rounds: SK's bridge passes both). Unknown keys become provider extras.
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
    /// <remarks>A strict tool (<paramref name="strict"/>) says <c>strict: true</c> and has its schema made strict (not cached here: MEAI caches the transform).</remarks>
    public static RequestTool ToTool(AIFunctionDeclaration function, bool strict = false)
    {
        if (strict)
        {
            var strictSchema = StrictSchemas.FunctionSchema(function);
            var tool = Tool(function.Name, function.Description,
                HasSkConditionKeyword(strictSchema, function.Description) ? WithoutSkConditionKeyword(strictSchema) : strictSchema);
            tool.Function.Strict = true;
            return tool;
        }

        if (KernelFunctionTools.TryGetValue(function, out var cached))
        {
            return cached;
        }

        var schema = function.JsonSchema;
        if (schema.ValueKind == JsonValueKind.Object && HasSkConditionKeyword(schema, function.Description))
        {
            // A Semantic Kernel kernel function: its definition is fixed, and the kernel offers the same object on every call.
            var kernelTool = Tool(function.Name, function.Description, WithoutSkConditionKeyword(schema)).Freeze();
            KernelFunctionTools.AddOrUpdate(function, kernelTool);
            return kernelTool;
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
