using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using static Flock.Emulator.Protocol.JsonValues;

namespace Flock.Emulator.Protocol.Validation;

/// <summary>Checks <c>tools</c> (function definitions) and <c>tool_choice</c>.</summary>
internal static partial class ToolValidator
{
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FunctionNamePattern();

    public static List<ToolDefinition> ValidateTools(JsonObject body, ParameterReader ctx)
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

    public static (ToolChoiceMode Mode, string? Name) ValidateToolChoice(JsonObject body, List<ToolDefinition> tools, ParameterReader ctx)
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
}
