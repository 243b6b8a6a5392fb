using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Mapping;

/// <summary>
/// Kernel functions as the model is offered them: declarations whose schema is SK's without the <c>"condition"</c> artefact,
/// and strict (MEAI's per-function <c>strictJsonSchema</c>) with <see cref="Microsoft.SemanticKernel.FunctionChoiceBehaviorOptions.AllowStrictSchemaAdherence"/>,
/// as SK's OpenAI connector sends them. One declaration per function and strictness, whose schema never changes, so the core
/// writes each tool once.
/// </summary>
/// <remarks>
/// SK 1.82 writes a kernel function's description into its <c>AIFunction</c> schema a second time, under a top-level
/// <c>"condition"</c> key (its internal <c>KernelFunctionSchemaModel.Description</c> is declared with
/// <c>[JsonPropertyName("condition")]</c>). It is no JSON Schema keyword and SK's OpenAI connector never sends it; the model
/// would read it in every tool. That exact artefact, and nothing else, is left out.
/// </remarks>
internal static class OfferedTools
{
    /// <summary>
    /// Set on the options of an auto-invoking call, whose tools must stay kernel functions for SK's function invocation; the
    /// layer below it (<see cref="Services.OfferedNamesChatClient"/>) removes it and offers the tools strict. Never sent.
    /// </summary>
    public const string StrictMarker = "Flock.SemanticKernel.StrictTools";

    private static readonly ConditionalWeakTable<AIFunctionDeclaration, Declaration> Plain = [];
    private static readonly ConditionalWeakTable<AIFunctionDeclaration, Declaration> Strict = [];

    /// <summary>The declaration <paramref name="function"/> is offered as.</summary>
    public static AIFunctionDeclaration Declare(AIFunctionDeclaration function, bool strict) =>
        function is Declaration declared && declared.IsStrict == strict ? function
        : (strict ? Strict : Plain).GetValue(function is Declaration d ? d.Inner : function, f => new Declaration(f, strict));

    /// <summary>
    /// The options to send on from below SK's function invocation: a copy whose functions are offered declarations (strict when
    /// <see cref="StrictMarker"/> is set, which the copy leaves out); the options as they are when they offer none.
    /// </summary>
    public static ChatOptions? Apply(ChatOptions? options)
    {
        if (options?.Tools is not { Count: > 0 })
        {
            return options;
        }

        var copy = options.Clone();
        var strict = copy.AdditionalProperties?.Remove(StrictMarker) is true;
        var tools = copy.Tools!;
        for (var i = 0; i < tools.Count; i++)
        {
            if (tools[i] is AIFunctionDeclaration function)
            {
                tools[i] = Declare(function, strict);
            }
        }

        return copy;
    }

    private sealed class Declaration : AIFunctionDeclaration
    {
        private readonly JsonElement _schema;
        private readonly IReadOnlyDictionary<string, object?> _properties;

        public Declaration(AIFunctionDeclaration inner, bool strict)
        {
            Inner = inner;
            IsStrict = strict;
            var schema = inner.JsonSchema;
            _schema = HasConditionArtefact(schema, inner.Description) ? WithoutCondition(schema) : schema;
            _properties = strict ? new Dictionary<string, object?>(inner.AdditionalProperties) { ["strictJsonSchema"] = true } : inner.AdditionalProperties;
        }

        public AIFunctionDeclaration Inner { get; }

        public bool IsStrict { get; }

        public override string Name => Inner.Name;

        public override string Description => Inner.Description;

        public override JsonElement JsonSchema => _schema;

        public override JsonElement? ReturnJsonSchema => Inner.ReturnJsonSchema;

        public override IReadOnlyDictionary<string, object?> AdditionalProperties => _properties;

        public override object? GetService(Type serviceType, object? serviceKey = null) =>
            base.GetService(serviceType, serviceKey) ?? Inner.GetService(serviceType, serviceKey);

        public override string ToString() => Inner.ToString();

        private static bool HasConditionArtefact(JsonElement schema, string? description) =>
            schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("condition", out var condition)
            && condition.ValueKind == JsonValueKind.String && condition.ValueEquals(description ?? "");

        private static JsonElement WithoutCondition(JsonElement schema)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartObject();
                foreach (var property in schema.EnumerateObject())
                {
                    if (!property.NameEquals("condition"))
                    {
                        property.WriteTo(writer);
                    }
                }

                writer.WriteEndObject();
            }

            using var document = JsonDocument.Parse(buffer.WrittenMemory);
            return document.RootElement.Clone();
        }
    }
}
