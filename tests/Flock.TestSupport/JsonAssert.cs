using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flock.Tests.Support;

/// <summary>Compares JSON documents structurally (property order and whitespace do not matter, values and types do).</summary>
public static class JsonAssert
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Equal(string expected, string? actual)
    {
        Assert.NotNull(actual);
        var expectedNode = JsonNode.Parse(expected);
        var actualNode = JsonNode.Parse(actual!);
        if (!JsonNode.DeepEquals(expectedNode, actualNode))
        {
            Assert.Fail($"JSON differs.\nExpected:\n{expectedNode?.ToJsonString(Indented)}\nActual:\n{actualNode?.ToJsonString(Indented)}");
        }
    }

    /// <summary>The JSON object of a request body.</summary>
    public static JsonObject Object(string? body)
    {
        Assert.NotNull(body);
        return Assert.IsType<JsonObject>(JsonNode.Parse(body!));
    }
}
