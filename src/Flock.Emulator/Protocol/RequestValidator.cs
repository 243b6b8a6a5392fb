using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Flock.Emulator.Protocol;

/// <summary>
/// Checks a chat completion body against the Flock API document (types and ranges) and answers 400s the way the proxy does:
/// <c>litellm.BadRequestError: …</c> with <c>param</c> naming the offending parameter. Unknown keys are ignored.
/// </summary>
internal static partial class RequestValidator
{
    private const int MaxN = 128;
    private const int MaxLogprobs = 5;
    private const int MaxStop = 4;

    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    /// <summary>The efforts vLLM's OpenAI server accepts (a pydantic literal; anything else is a 400 there too).</summary>
    private static readonly string[] ReasoningEfforts = ["low", "medium", "high"];

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionNamePattern();

    /// <summary>Parses the body text as a JSON object, or answers 400.</summary>
    public static JsonObject ParseBody(string body)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });
        }
        catch (JsonException ex)
        {
            throw new ProtocolException(400, $"litellm.BadRequestError: Invalid JSON payload received. {ex.Message}", "invalid_request_error", null);
        }

        return node as JsonObject
            ?? throw new ProtocolException(400, "litellm.BadRequestError: The request body must be a JSON object.", "invalid_request_error", null);
    }

    /// <summary>Validates a chat completion request body.</summary>
    public static ChatRequest ValidateChat(JsonObject body, IList<string> models)
    {
        var model = ValidateModel(body, models);
        var profile = ModelCatalog.Profile(model);
        var ctx = new Context(model);

        var (messages, promptTokens) = ValidateMessages(body, ctx);

        ctx.Range("temperature", 0, 2, body);
        ctx.Range("top_p", 0, 1, body);
        ctx.Range("frequency_penalty", -2, 2, body);
        ctx.Range("presence_penalty", -2, 2, body);

        // Sampling parameters the proxy passes through to vLLM, checked as vLLM checks them.
        ctx.Integer(body, "top_k", min: -1);
        ctx.Range("min_p", 0, 1, body);
        if (ctx.Number(body, "repetition_penalty") is <= 0)
        {
            throw ctx.Bad("repetition_penalty", $"repetition_penalty must be greater than 0, got {Describe(body["repetition_penalty"])}");
        }

        var effort = ctx.String(body, "reasoning_effort");
        if (effort is not null && !ReasoningEfforts.Contains(effort))
        {
            throw ctx.Bad("reasoning_effort", $"reasoning_effort must be one of {string.Join(", ", ReasoningEfforts.Select(e => $"'{e}'"))}, got '{effort}'");
        }

        var templateKwargs = ctx.Object(body, "chat_template_kwargs");
        bool? enableThinking = null;
        if (templateKwargs is not null)
        {
            enableThinking = ctx.Boolean(templateKwargs, "enable_thinking", "chat_template_kwargs.enable_thinking");
        }

        var maxTokens = ctx.Integer(body, "max_tokens", min: 1);
        var maxCompletionTokens = ctx.Integer(body, "max_completion_tokens", min: 1);
        var n = ctx.Integer(body, "n", min: 1, max: MaxN) ?? 1;
        var stream = ctx.Boolean(body, "stream") ?? false;

        var bestOf = ctx.Integer(body, "best_of", min: 1);
        if (bestOf is not null)
        {
            if (stream)
            {
                throw ctx.Bad("best_of", "best_of is not supported with stream=true");
            }

            if (bestOf < n)
            {
                throw ctx.Bad("best_of", $"best_of must be greater than or equal to n, got best_of={bestOf} and n={n}");
            }
        }

        var topLogprobs = ValidateLogprobs(body, ctx);
        var stop = ValidateStop(body, ctx);
        ValidateLogitBias(body, ctx);
        var seed = ctx.Integer(body, "seed", min: long.MinValue);
        ctx.String(body, "user");

        var includeUsage = false;
        if (ctx.Object(body, "stream_options") is { } streamOptions)
        {
            if (!stream)
            {
                throw ctx.Bad("stream_options", "stream_options is only allowed when stream is true");
            }

            includeUsage = ctx.Boolean(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
            ctx.Boolean(streamOptions, "continuous_usage_stats", "stream_options.continuous_usage_stats");
        }

        var tools = ValidateTools(body, ctx);
        var (toolChoice, toolChoiceName) = ValidateToolChoice(body, tools, ctx);
        if (tools.Count > 0 && toolChoice == ToolChoiceMode.Auto && profile.FunctionCalling == false)
        {
            // vLLM without a tool-call parser refuses automatic tool choice (a named or required choice still works).
            throw ctx.Bad("tools", "\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set");
        }

        ctx.Boolean(body, "parallel_tool_calls");
        var (format, schema) = ValidateResponseFormat(body, ctx);

        if (tools.Count > 0)
        {
            promptTokens += Tokenizer.Count(body["tools"]!.ToJsonString());
        }

        int? limit = (maxTokens, maxCompletionTokens) switch
        {
            (null, null) => null,
            (long a, null) => (int)Math.Min(a, int.MaxValue),
            (null, long b) => (int)Math.Min(b, int.MaxValue),
            (long a, long b) => (int)Math.Min(Math.Min(a, b), int.MaxValue),
        };

        return new ChatRequest
        {
            Model = model,
            Messages = messages,
            PromptTokens = promptTokens,
            Stream = stream,
            IncludeUsage = includeUsage,
            N = (int)n,
            MaxTokens = limit,
            Stop = stop,
            Seed = seed,
            TopLogprobs = topLogprobs,
            Tools = tools,
            ToolChoice = toolChoice,
            ToolChoiceName = toolChoiceName,
            ResponseFormat = format,
            ResponseSchema = schema,
            Profile = profile,
            Thinking = enableThinking ?? (profile.ThinksByDefault || effort is not null || templateKwargs?["thinking"]?.GetValueKind() == JsonValueKind.True),
        };
    }

    private static string ValidateModel(JsonObject body, IList<string> models)
    {
        if (!body.TryGetPropertyValue("model", out var node) || node is null)
        {
            throw new ProtocolException(400, "litellm.BadRequestError: model is a required parameter. Call /v1/models to view available models for your key.", "invalid_request_error", "model");
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw new ProtocolException(400, $"litellm.BadRequestError: model must be a string, got {Describe(node)}", "invalid_request_error", "model");
        }

        var model = node.GetValue<string>();
        if (!models.Contains(model))
        {
            throw new ProtocolException(
                400,
                $"litellm.BadRequestError: Invalid model name passed in model={model}. Call /v1/models to view available models for your key.",
                "invalid_request_error",
                "model");
        }

        return model;
    }

    private static (List<ChatMessage> Messages, int PromptTokens) ValidateMessages(JsonObject body, Context ctx)
    {
        if (!body.TryGetPropertyValue("messages", out var node) || node is null)
        {
            throw ctx.Bad("messages", "messages is a required parameter");
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            var prompt = node.GetValue<string>();
            return ([new ChatMessage { Role = "user", Text = prompt }], Tokenizer.Count(prompt));
        }

        if (node is not JsonArray array)
        {
            throw ctx.Bad("messages", $"messages must be a string or an array, got {Describe(node)}");
        }

        if (array.Count == 0)
        {
            throw ctx.Bad("messages", "messages must not be empty");
        }

        var firstKind = array[0]?.GetValueKind() ?? JsonValueKind.Null;
        switch (firstKind)
        {
            case JsonValueKind.String:
                {
                    var prompts = array.Select((item, i) => item?.GetValueKind() == JsonValueKind.String
                        ? item.GetValue<string>()
                        : throw ctx.Bad("messages", $"messages[{i}] must be a string like the other elements, got {Describe(item)}")).ToList();
                    var prompt = string.Join("\n", prompts);
                    return ([new ChatMessage { Role = "user", Text = prompt }], Tokenizer.Count(prompt));
                }

            case JsonValueKind.Number:
                {
                    var ids = ReadTokenIds(array, "messages", ctx);
                    return ([new ChatMessage { Role = "user", Text = Tokenizer.Decode(ids) }], ids.Count);
                }

            case JsonValueKind.Array:
                {
                    var documents = new List<string>();
                    var count = 0;
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is not JsonArray inner || inner.Count == 0)
                        {
                            throw ctx.Bad("messages", $"messages[{i}] must be a non-empty array of token ids like the other elements, got {Describe(array[i])}");
                        }

                        var ids = ReadTokenIds(inner, $"messages[{i}]", ctx);
                        documents.Add(Tokenizer.Decode(ids));
                        count += ids.Count;
                    }

                    return ([new ChatMessage { Role = "user", Text = string.Join(Tokenizer.EndOfText, documents) }], count + documents.Count - 1);
                }

            case JsonValueKind.Object:
                {
                    var messages = new List<ChatMessage>();
                    var tokens = 3;
                    for (var i = 0; i < array.Count; i++)
                    {
                        var message = ValidateMessage(array[i], i, ctx);
                        messages.Add(message);
                        tokens += 4 + Tokenizer.Count(message.Text)
                            + message.ToolCalls.Sum(c => Tokenizer.Count(c.Name) + Tokenizer.Count(c.Arguments));
                    }

                    return (messages, tokens);
                }

            default:
                throw ctx.Bad("messages", $"messages must be a string, an array of strings, of token ids, of token-id arrays or of message objects, got {Describe(array[0])} as the first element");
        }
    }

    private static List<long> ReadTokenIds(JsonArray array, string path, Context ctx)
    {
        var ids = new List<long>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            var item = array[i];
            if (item is null || item.GetValueKind() != JsonValueKind.Number || !TryGetInteger(item, out var id) || id < 0)
            {
                throw ctx.Bad("messages", $"{path}[{i}] must be a non-negative integer token id, got {Describe(item)}");
            }

            ids.Add(id);
        }

        return ids;
    }

    private static ChatMessage ValidateMessage(JsonNode? node, int index, Context ctx)
    {
        var at = $"messages[{index}]";
        if (node is not JsonObject message)
        {
            throw ctx.Bad("messages", $"{at} must be an object with role and content, got {Describe(node)}");
        }

        if (!message.TryGetPropertyValue("role", out var roleNode) || roleNode is null)
        {
            throw ctx.Bad("messages", $"{at}.role is required");
        }

        if (roleNode.GetValueKind() != JsonValueKind.String)
        {
            throw ctx.Bad("messages", $"{at}.role must be a string, got {Describe(roleNode)}");
        }

        var role = roleNode.GetValue<string>();
        if (!Roles.Contains(role))
        {
            throw ctx.Bad("messages", $"{at}.role must be one of system, user, assistant, tool, got '{role}'");
        }

        var hasContent = message.TryGetPropertyValue("content", out var contentNode);
        string? text = ReadContent(contentNode, at, ctx);

        var toolCalls = new List<PlannedToolCall>();
        if (message.TryGetPropertyValue("tool_calls", out var callsNode) && callsNode is not null)
        {
            if (role != "assistant")
            {
                throw ctx.Bad("messages", $"{at}.tool_calls is only allowed on assistant messages");
            }

            if (callsNode is not JsonArray calls)
            {
                throw ctx.Bad("messages", $"{at}.tool_calls must be an array, got {Describe(callsNode)}");
            }

            for (var j = 0; j < calls.Count; j++)
            {
                toolCalls.Add(ReadEchoedToolCall(calls[j], $"{at}.tool_calls[{j}]", ctx));
            }
        }

        if (role is "system" or "developer" or "user" && (!hasContent || contentNode is null))
        {
            throw ctx.Bad("messages", $"{at}.content is required for role '{role}'");
        }

        string? toolCallId = null;
        if (role == "tool")
        {
            if (!message.TryGetPropertyValue("tool_call_id", out var idNode) || idNode is null)
            {
                throw ctx.Bad("messages", $"{at}.tool_call_id is required for role 'tool'");
            }

            if (idNode.GetValueKind() != JsonValueKind.String)
            {
                throw ctx.Bad("messages", $"{at}.tool_call_id must be a string, got {Describe(idNode)}");
            }

            toolCallId = idNode.GetValue<string>();
        }

        string? name = null;
        if (message.TryGetPropertyValue("name", out var nameNode) && nameNode is not null)
        {
            if (nameNode.GetValueKind() != JsonValueKind.String)
            {
                throw ctx.Bad("messages", $"{at}.name must be a string, got {Describe(nameNode)}");
            }

            name = nameNode.GetValue<string>();
        }

        return new ChatMessage { Role = role, Text = text, ToolCalls = toolCalls, ToolCallId = toolCallId, Name = name };
    }

    private static string? ReadContent(JsonNode? content, string at, Context ctx)
    {
        if (content is null)
        {
            return null;
        }

        if (content.GetValueKind() == JsonValueKind.String)
        {
            return content.GetValue<string>();
        }

        if (content is not JsonArray parts)
        {
            throw ctx.Bad("messages", $"{at}.content must be a string, null or an array of content parts, got {Describe(content)}");
        }

        var sb = new StringBuilder();
        for (var j = 0; j < parts.Count; j++)
        {
            var partAt = $"{at}.content[{j}]";
            if (parts[j] is not JsonObject part)
            {
                throw ctx.Bad("messages", $"{partAt} must be an object with a type, got {Describe(parts[j])}");
            }

            var type = part["type"] is { } typeNode && typeNode.GetValueKind() == JsonValueKind.String ? typeNode.GetValue<string>() : null;
            switch (type)
            {
                case "text":
                    if (part["text"] is not { } textNode || textNode.GetValueKind() != JsonValueKind.String)
                    {
                        throw ctx.Bad("messages", $"{partAt}.text must be a string");
                    }

                    if (sb.Length > 0)
                    {
                        sb.Append('\n');
                    }

                    sb.Append(textNode.GetValue<string>());
                    break;

                case "image_url":
                    var imageUrl = part["image_url"];
                    var url = imageUrl switch
                    {
                        JsonObject o when o["url"] is { } u && u.GetValueKind() == JsonValueKind.String => u.GetValue<string>(),
                        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
                        _ => throw ctx.Bad("messages", $"{partAt}.image_url must be an object with a string url"),
                    };
                    if (sb.Length > 0)
                    {
                        sb.Append('\n');
                    }

                    sb.Append("[image: ").Append(url.StartsWith("data:", StringComparison.Ordinal) ? "inline data" : url).Append(']');
                    break;

                default:
                    throw ctx.Bad("messages", $"{partAt}.type must be 'text' or 'image_url', got {Describe(part["type"])}");
            }
        }

        return sb.ToString();
    }

    private static PlannedToolCall ReadEchoedToolCall(JsonNode? node, string at, Context ctx)
    {
        if (node is not JsonObject call)
        {
            throw ctx.Bad("messages", $"{at} must be an object, got {Describe(node)}");
        }

        var id = call["id"] is { } idNode && idNode.GetValueKind() == JsonValueKind.String
            ? idNode.GetValue<string>()
            : throw ctx.Bad("messages", $"{at}.id must be a string");

        if (call["type"] is { } typeNode && (typeNode.GetValueKind() != JsonValueKind.String || typeNode.GetValue<string>() != "function"))
        {
            throw ctx.Bad("messages", $"{at}.type must be 'function', got {Describe(typeNode)}");
        }

        if (call["function"] is not JsonObject function)
        {
            throw ctx.Bad("messages", $"{at}.function must be an object with name and arguments");
        }

        var name = function["name"] is { } nameNode && nameNode.GetValueKind() == JsonValueKind.String
            ? nameNode.GetValue<string>()
            : throw ctx.Bad("messages", $"{at}.function.name must be a string");

        var arguments = function["arguments"] switch
        {
            null => "",
            var a when a.GetValueKind() == JsonValueKind.String => a.GetValue<string>(),
            var a => throw ctx.Bad("messages", $"{at}.function.arguments must be a string, got {Describe(a)}"),
        };

        return new PlannedToolCall(id, name, arguments);
    }

    private static int? ValidateLogprobs(JsonObject body, Context ctx)
    {
        int? top = null;
        if (body.TryGetPropertyValue("logprobs", out var node) && node is not null)
        {
            switch (node.GetValueKind())
            {
                case JsonValueKind.True:
                    top = 0;
                    break;
                case JsonValueKind.False:
                    break;
                case JsonValueKind.Number:
                    if (!TryGetInteger(node, out var value))
                    {
                        throw ctx.Bad("logprobs", $"logprobs must be a boolean or an integer, got {Describe(node)}");
                    }

                    if (value is < 0 or > MaxLogprobs)
                    {
                        throw ctx.Bad("logprobs", $"logprobs must be between 0 and {MaxLogprobs}, got {Describe(node)}");
                    }

                    top = (int)value;
                    break;
                default:
                    throw ctx.Bad("logprobs", $"logprobs must be a boolean or an integer, got {Describe(node)}");
            }
        }

        var topLogprobs = ctx.Integer(body, "top_logprobs", min: 0, max: MaxLogprobs);
        if (topLogprobs is not null)
        {
            if (top is null)
            {
                throw ctx.Bad("top_logprobs", "top_logprobs requires logprobs to be true");
            }

            top = (int)topLogprobs.Value;
        }

        return top;
    }

    private static List<string> ValidateStop(JsonObject body, Context ctx)
    {
        if (!body.TryGetPropertyValue("stop", out var node) || node is null)
        {
            return [];
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            var single = node.GetValue<string>();
            return single.Length == 0 ? [] : [single];
        }

        if (node is not JsonArray array)
        {
            throw ctx.Bad("stop", $"stop must be a string or an array of strings, got {Describe(node)}");
        }

        if (array.Count > MaxStop)
        {
            throw ctx.Bad("stop", $"stop allows at most {MaxStop} sequences, got {array.Count}");
        }

        var stops = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not { } item || item.GetValueKind() != JsonValueKind.String)
            {
                throw ctx.Bad("stop", $"stop[{i}] must be a string, got {Describe(array[i])}");
            }

            if (item.GetValue<string>() is { Length: > 0 } s)
            {
                stops.Add(s);
            }
        }

        return stops;
    }

    private static void ValidateLogitBias(JsonObject body, Context ctx)
    {
        if (ctx.Object(body, "logit_bias") is not { } bias)
        {
            return;
        }

        foreach (var (key, value) in bias)
        {
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw ctx.Bad("logit_bias", $"logit_bias keys must be token ids, got '{key}'");
            }

            if (value is null || value.GetValueKind() != JsonValueKind.Number)
            {
                throw ctx.Bad("logit_bias", $"logit_bias[{key}] must be a number, got {Describe(value)}");
            }

            var bias100 = value.GetValue<double>();
            if (bias100 is < -100 or > 100)
            {
                throw ctx.Bad("logit_bias", $"logit_bias values must be between -100 and 100, got {Describe(value)} for token {key}");
            }
        }
    }

    private static List<ToolDefinition> ValidateTools(JsonObject body, Context ctx)
    {
        if (!body.TryGetPropertyValue("tools", out var node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw ctx.Bad("tools", $"tools must be an array, got {Describe(node)}");
        }

        var tools = new List<ToolDefinition>();
        for (var i = 0; i < array.Count; i++)
        {
            var at = $"tools[{i}]";
            if (array[i] is not JsonObject tool)
            {
                throw ctx.Bad("tools", $"{at} must be an object, got {Describe(array[i])}");
            }

            if (tool["type"] is not { } type || type.GetValueKind() != JsonValueKind.String || type.GetValue<string>() != "function")
            {
                throw ctx.Bad("tools", $"{at}.type must be 'function', got {Describe(tool["type"])}");
            }

            if (tool["function"] is not JsonObject function)
            {
                throw ctx.Bad("tools", $"{at}.function must be an object");
            }

            if (function["name"] is not { } nameNode || nameNode.GetValueKind() != JsonValueKind.String)
            {
                throw ctx.Bad("tools", $"{at}.function.name must be a string");
            }

            var name = nameNode.GetValue<string>();
            if (!FunctionNamePattern().IsMatch(name))
            {
                throw ctx.Bad("tools", $"{at}.function.name must match ^[a-zA-Z0-9_-]{{1,64}}$, got '{name}'");
            }

            string? description = null;
            if (function["description"] is { } d)
            {
                description = d.GetValueKind() == JsonValueKind.String
                    ? d.GetValue<string>()
                    : throw ctx.Bad("tools", $"{at}.function.description must be a string");
            }

            JsonObject? parameters = null;
            if (function["parameters"] is { } p)
            {
                parameters = p as JsonObject ?? throw ctx.Bad("tools", $"{at}.function.parameters must be a JSON schema object");
            }

            tools.Add(new ToolDefinition(name, description, parameters));
        }

        return tools;
    }

    private static (ToolChoiceMode Mode, string? Name) ValidateToolChoice(JsonObject body, List<ToolDefinition> tools, Context ctx)
    {
        if (!body.TryGetPropertyValue("tool_choice", out var node) || node is null)
        {
            return (ToolChoiceMode.Auto, null);
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            var mode = node.GetValue<string>() switch
            {
                "auto" => ToolChoiceMode.Auto,
                "none" => ToolChoiceMode.None,
                "required" => ToolChoiceMode.Required,
                var other => throw ctx.Bad("tool_choice", $"tool_choice must be 'none', 'auto', 'required' or a function object, got '{other}'"),
            };
            if (mode == ToolChoiceMode.Required && tools.Count == 0)
            {
                throw ctx.Bad("tool_choice", "tool_choice 'required' needs at least one tool in tools");
            }

            return (mode, null);
        }

        if (node is JsonObject choice
            && choice["type"] is { } type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "function"
            && choice["function"] is JsonObject function
            && function["name"] is { } nameNode && nameNode.GetValueKind() == JsonValueKind.String)
        {
            var name = nameNode.GetValue<string>();
            if (!tools.Any(t => t.Name == name))
            {
                throw ctx.Bad("tool_choice", $"tool_choice names function '{name}', which is not in tools");
            }

            return (ToolChoiceMode.Function, name);
        }

        throw ctx.Bad("tool_choice", $"tool_choice must be 'none', 'auto', 'required' or {{\"type\":\"function\",\"function\":{{\"name\":…}}}}, got {Describe(node)}");
    }

    private static (ResponseFormatKind Kind, JsonObject? Schema) ValidateResponseFormat(JsonObject body, Context ctx)
    {
        if (ctx.Object(body, "response_format") is not { } format)
        {
            return (ResponseFormatKind.Text, null);
        }

        if (format["type"] is not { } typeNode || typeNode.GetValueKind() != JsonValueKind.String)
        {
            throw ctx.Bad("response_format", "response_format.type must be a string");
        }

        switch (typeNode.GetValue<string>())
        {
            case "text":
                return (ResponseFormatKind.Text, null);
            case "json_object":
                return (ResponseFormatKind.JsonObject, null);
            case "json_schema":
                if (format["json_schema"] is not JsonObject jsonSchema)
                {
                    throw ctx.Bad("response_format", "response_format.json_schema must be an object when type is 'json_schema'");
                }

                var schema = jsonSchema["schema"] switch
                {
                    null => null,
                    JsonObject o => o,
                    var other => throw ctx.Bad("response_format", $"response_format.json_schema.schema must be an object, got {Describe(other)}"),
                };
                return (ResponseFormatKind.JsonSchema, schema);
            case var other:
                throw ctx.Bad("response_format", $"response_format.type must be 'text', 'json_object' or 'json_schema', got '{other}'");
        }
    }

    internal static bool TryGetInteger(JsonNode node, out long value)
    {
        value = 0;
        if (node.GetValueKind() != JsonValueKind.Number)
        {
            return false;
        }

        var element = node.GetValue<JsonElement>();
        if (element.TryGetInt64(out value))
        {
            return true;
        }

        var d = element.GetDouble();
        if (Math.Floor(d) == d && d >= long.MinValue && d <= long.MaxValue)
        {
            value = (long)d;
            return true;
        }

        return false;
    }

    internal static string Describe(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var text = node.ToJsonString(JsonDefaults.Compact);
        return text.Length > 60 ? text[..57] + "..." : text;
    }

    /// <summary>Typed accessors that answer 400 naming the parameter.</summary>
    private sealed class Context(string model)
    {
        public ProtocolException Bad(string param, string text) => new(
            400,
            $"litellm.BadRequestError: Hosted_vllmException - {text}. Received Model Group={model}\nAvailable Model Group Fallbacks=None",
            "invalid_request_error",
            param);

        public void Range(string name, double min, double max, JsonObject body)
        {
            if (!body.TryGetPropertyValue(name, out var node) || node is null)
            {
                return;
            }

            if (node.GetValueKind() != JsonValueKind.Number)
            {
                throw Bad(name, $"{name} must be a number, got {Describe(node)}");
            }

            var value = node.GetValue<double>();
            if (value < min || value > max)
            {
                throw Bad(name, $"{name} must be between {F(min)} and {F(max)}, got {Describe(node)}");
            }
        }

        public long? Integer(JsonObject body, string name, long min = long.MinValue, long max = long.MaxValue)
        {
            if (!body.TryGetPropertyValue(name, out var node) || node is null)
            {
                return null;
            }

            if (!TryGetInteger(node, out var value))
            {
                throw Bad(name, $"{name} must be an integer, got {Describe(node)}");
            }

            if (value < min)
            {
                throw Bad(name, $"{name} must be at least {min}, got {Describe(node)}");
            }

            if (value > max)
            {
                throw Bad(name, $"{name} must be at most {max}, got {Describe(node)}");
            }

            return value;
        }

        public double? Number(JsonObject body, string name)
        {
            if (!body.TryGetPropertyValue(name, out var node) || node is null)
            {
                return null;
            }

            return node.GetValueKind() == JsonValueKind.Number
                ? node.GetValue<double>()
                : throw Bad(name, $"{name} must be a number, got {Describe(node)}");
        }

        public bool? Boolean(JsonObject body, string name, string? param = null)
        {
            if (!body.TryGetPropertyValue(name, out var node) || node is null)
            {
                return null;
            }

            return node.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Bad(param ?? name, $"{param ?? name} must be a boolean, got {Describe(node)}"),
            };
        }

        public string? String(JsonObject body, string name)
        {
            if (!body.TryGetPropertyValue(name, out var node) || node is null)
            {
                return null;
            }

            return node.GetValueKind() == JsonValueKind.String
                ? node.GetValue<string>()
                : throw Bad(name, $"{name} must be a string, got {Describe(node)}");
        }

        public JsonObject? Object(JsonObject body, string name)
        {
            if (!body.TryGetPropertyValue(name, out var node) || node is null)
            {
                return null;
            }

            return node as JsonObject ?? throw Bad(name, $"{name} must be an object, got {Describe(node)}");
        }

        private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
