using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Mapping;

/// <summary>
/// SK's <see cref="Microsoft.SemanticKernel.FunctionChoiceBehaviorOptions.AllowStrictSchemaAdherence"/>: the functions are
/// offered as strict declarations of themselves (MEAI's per-function <c>strictJsonSchema</c>), which the core sends with
/// <c>strict: true</c> and a strict schema. The response format is not affected, as with SK's OpenAI connector.
/// </summary>
internal static class StrictTools
{
    /// <summary>
    /// Set on the options of an auto-invoking call, whose tools must stay kernel functions for SK's function invocation; the
    /// layer below it (<see cref="Services.OfferedNamesChatClient"/>) removes it and offers the tools strict. Never sent.
    /// </summary>
    public const string Marker = "Flock.SemanticKernel.StrictTools";

    // One declaration per function, so the core's caches of a function's (strict) schema keep working across calls.
    private static readonly ConditionalWeakTable<AIFunctionDeclaration, StrictDeclaration> Declarations = [];

    /// <summary>A declaration of <paramref name="function"/> that asks for strictness.</summary>
    public static AIFunctionDeclaration Declare(AIFunctionDeclaration function) =>
        function is StrictDeclaration ? function : Declarations.GetValue(function, static f => new StrictDeclaration(f));

    /// <summary>The options to send on: as they are, or, when <see cref="Marker"/> is set, a copy without it whose functions are strict.</summary>
    public static ChatOptions? Apply(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.ContainsKey(Marker) is not true)
        {
            return options;
        }

        var copy = options.Clone();
        copy.AdditionalProperties!.Remove(Marker);
        if (copy.Tools is { } tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                if (tools[i] is AIFunctionDeclaration function)
                {
                    tools[i] = Declare(function);
                }
            }
        }

        return copy;
    }

    private sealed class StrictDeclaration(AIFunctionDeclaration inner) : AIFunctionDeclaration
    {
        private readonly IReadOnlyDictionary<string, object?> _properties = new Dictionary<string, object?>(inner.AdditionalProperties)
        {
            ["strictJsonSchema"] = true,
        };

        public override string Name => inner.Name;

        public override string Description => inner.Description;

        public override JsonElement JsonSchema => inner.JsonSchema;

        public override JsonElement? ReturnJsonSchema => inner.ReturnJsonSchema;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => _properties;

        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            base.GetService(serviceType, serviceKey) ?? inner.GetService(serviceType, serviceKey);

        public override string ToString() => inner.ToString();
    }
}
