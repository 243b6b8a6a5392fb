using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Flock.Emulator.Protocol.JsonValues;

namespace Flock.Emulator.Protocol.Validation;

/// <summary>
/// Checks <c>messages</c>: a prompt string, strings, token ids, token-id arrays or message objects (roles, content parts,
/// echoed tool calls), and counts the prompt's tokens.
/// </summary>
internal static class MessageValidator
{
    private static readonly HashSet<string> Roles = ["system", "developer", "user", "assistant", "tool"];

    public static (List<ChatMessage> Messages, int PromptTokens) Validate(JsonObject body, ParameterReader ctx)
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

    private static List<long> ReadTokenIds(JsonArray array, string path, ParameterReader ctx)
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

    private static ChatMessage ValidateMessage(JsonNode? node, int index, ParameterReader ctx)
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

        // Read for the thinking models that want it back; other servers ignore it, so its type is not checked.
        var reasoning = message["reasoning_content"] is JsonValue r && r.GetValueKind() == JsonValueKind.String ? r.GetValue<string>() : null;
        return new ChatMessage { Role = role, Text = text, ToolCalls = toolCalls, ToolCallId = toolCallId, Name = name, Reasoning = reasoning };
    }

    private static string? ReadContent(JsonNode? content, string at, ParameterReader ctx)
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

    private static PlannedToolCall ReadEchoedToolCall(JsonNode? node, string at, ParameterReader ctx)
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
}
