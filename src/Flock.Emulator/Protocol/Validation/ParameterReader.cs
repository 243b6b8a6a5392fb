using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol.Validation;

/// <summary>Typed accessors for a request's parameters that answer 400 the way the proxy does, naming the parameter.</summary>
internal sealed class ParameterReader(string model)
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
            throw Bad(name, $"{name} must be a number, got {JsonValues.Describe(node)}");
        }

        var value = node.GetValue<double>();
        if (value < min || value > max)
        {
            throw Bad(name, $"{name} must be between {F(min)} and {F(max)}, got {JsonValues.Describe(node)}");
        }
    }

    public long? Integer(JsonObject body, string name, long min = long.MinValue, long max = long.MaxValue)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        if (!JsonValues.TryGetInteger(node, out var value))
        {
            throw Bad(name, $"{name} must be an integer, got {JsonValues.Describe(node)}");
        }

        if (value < min)
        {
            throw Bad(name, $"{name} must be at least {min}, got {JsonValues.Describe(node)}");
        }

        if (value > max)
        {
            throw Bad(name, $"{name} must be at most {max}, got {JsonValues.Describe(node)}");
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
            : throw Bad(name, $"{name} must be a number, got {JsonValues.Describe(node)}");
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
            _ => throw Bad(param ?? name, $"{param ?? name} must be a boolean, got {JsonValues.Describe(node)}"),
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
            : throw Bad(name, $"{name} must be a string, got {JsonValues.Describe(node)}");
    }

    public JsonObject? Object(JsonObject body, string name)
    {
        if (!body.TryGetPropertyValue(name, out var node) || node is null)
        {
            return null;
        }

        return node as JsonObject ?? throw Bad(name, $"{name} must be an object, got {JsonValues.Describe(node)}");
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}
