using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol;

/// <summary>Small readings of JSON values shared by the validators and the other routes.</summary>
internal static class JsonValues
{
    /// <summary>Reads an integral JSON number (also one written as <c>2.0</c>) as a long.</summary>
    public static bool TryGetInteger(JsonNode node, out long value)
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

    /// <summary>The node as compact JSON for an error message, cut to 60 characters.</summary>
    public static string Describe(JsonNode? node)
    {
        if (node is null)
        {
            return "null";
        }

        var text = node.ToJsonString(JsonDefaults.Compact);
        return text.Length > 60 ? text[..57] + "..." : text;
    }
}
