using System.Text.Json;
using System.Text.Json.Nodes;
using static Flock.Emulator.Protocol.JsonValues;

namespace Flock.Emulator.Protocol.Validation;

/// <summary>Checks <c>response_format</c>: text, a JSON object, or a JSON schema.</summary>
internal static class ResponseFormatValidator
{
    public static (ResponseFormatKind Kind, JsonObject? Schema) Validate(JsonObject body, ParameterReader ctx)
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
}
