using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// A function offered call after call is written once and its bytes reused, for as long as it offers the same definition;
/// one whose definition changes is written anew, so a stale schema is never sent.
/// </summary>
public sealed class ToolWritingTests
{
    [Fact]
    public void The_same_function_offering_the_same_definition_is_written_once()
    {
        var function = AIFunctionFactory.Create((string city) => city, "weather", "The weather in a city.");

        var first = MeaiToFlock.ToTool(function);
        var second = MeaiToFlock.ToTool(function);

        Assert.Same(first, second);
        Assert.NotNull(first.Json);
        Assert.Equal(JsonSerializer.Serialize(Tool(function), FlockJsonContext.Default.RequestTool), System.Text.Encoding.UTF8.GetString(first.Json!));
    }

    [Fact]
    public void A_function_whose_schema_is_computed_anew_is_written_anew_with_the_new_schema()
    {
        var function = new ChangingDeclaration("lookup", """{"type":"object","properties":{"a":{"type":"string"}}}""");
        var before = MeaiToFlock.ToTool(function);

        function.Schema = """{"type":"object","properties":{"b":{"type":"number"}}}""";
        var after = MeaiToFlock.ToTool(function);

        Assert.NotSame(before, after);
        Assert.Contains("\"b\"", System.Text.Encoding.UTF8.GetString(after.Json!));
        Assert.DoesNotContain("\"a\"", System.Text.Encoding.UTF8.GetString(after.Json!));
    }

    [Fact]
    public void A_changed_description_is_written_anew()
    {
        var function = new ChangingDeclaration("lookup", """{"type":"object"}""");
        var before = MeaiToFlock.ToTool(function);

        function.Text = "Looks it up again.";
        var after = MeaiToFlock.ToTool(function);

        Assert.NotSame(before, after);
        Assert.Equal("Looks it up again.", after.Function.Description);
    }

    private static RequestTool Tool(AIFunctionDeclaration function) => new()
    {
        Function = new FunctionDefinition { Name = function.Name, Description = function.Description, Parameters = function.JsonSchema },
    };

    /// <summary>A declaration that parses its schema anew on every read, as a function computing it each time would.</summary>
    private sealed class ChangingDeclaration(string name, string schema) : AIFunctionDeclaration
    {
        public string Schema { get; set; } = schema;

        public string Text { get; set; } = "Looks it up.";

        public override string Name => name;

        public override string Description => Text;

        public override JsonElement JsonSchema => JsonDocument.Parse(Schema).RootElement.Clone();
    }
}
