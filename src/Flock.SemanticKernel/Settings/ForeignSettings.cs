using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel;

/// <summary>
/// Reads another connector's settings (SK's <c>OpenAIPromptExecutionSettings</c>, any <see cref="PromptExecutionSettings"/>
/// subclass) by the JSON names its own contract gives its properties, as SK's connectors do with a JSON round trip, so each
/// keeps its meaning here. Values stay what they are where the table reads them as such (a <see cref="Type"/> response
/// format, which System.Text.Json cannot write, survives); everything else is taken in the JSON form the settings write.
/// </summary>
internal static class ForeignSettings
{
    /// <summary>One value: its JSON name, the value, and whether it is a typed property (otherwise an ExtensionData key).</summary>
    public readonly record struct Entry(string Key, object Value, bool Typed);

    /// <summary>The typed properties of <paramref name="settings"/> by their JSON names, then its ExtensionData.</summary>
    /// <exception cref="NotSupportedException">
    /// Reflection-based JSON is off (Native AOT, trimming), or a property holds a value with no JSON form a server can read.
    /// </exception>
    public static List<Entry> Read(PromptExecutionSettings settings)
    {
        if (!JsonSerializer.IsReflectionEnabledByDefault)
        {
            throw new NotSupportedException(
                $"{settings.GetType().FullName} cannot be read here: another connector's settings are read by their JSON names, which needs " +
                "reflection-based JSON serialization, and it is off (Native AOT or trimming). Pass FlockPromptExecutionSettings, or " +
                "PromptExecutionSettings with the values in ExtensionData under their JSON names.");
        }

        var entries = ReadTypedProperties(settings);
        if (settings.ExtensionData is { } data)
        {
            foreach (var (key, value) in data)
            {
                if (value is not null)
                {
                    entries.Add(new Entry(key, value, Typed: false));
                }
            }
        }

        return entries;
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode",
        Justification = "Only called when JsonSerializer.IsReflectionEnabledByDefault, a feature switch that trimmed and Native AOT apps turn off " +
            "(Read then throws, and this code is trimmed away); an app that turns reflection-based JSON back on opts into it, as SK's own connectors need.")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode",
        Justification = "Only called when JsonSerializer.IsReflectionEnabledByDefault, which Native AOT apps turn off (see IL2026 above).")]
    private static List<Entry> ReadTypedProperties(PromptExecutionSettings settings)
    {
        var options = LazyInitializer.EnsureInitialized(ref s_options, CreateOptions);
        var type = settings.GetType();
        var contract = options.GetTypeInfo(type);

        JsonElement json;
        try
        {
            json = JsonSerializer.SerializeToElement(settings, contract);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new NotSupportedException(
                $"{type.FullName} could not be read by its JSON names ({ex.Message}). Pass FlockPromptExecutionSettings instead.", ex);
        }

        var entries = new List<Entry>(contract.Properties.Count);
        foreach (var property in contract.Properties)
        {
            if (property.Get is null || IsBaseProperty(property) || property.Get(settings) is not { } value)
            {
                continue;
            }

            if (value is Type)
            {
                // Never written (System.Text.Json refuses it): a response format's .NET type, read as itself.
                entries.Add(new Entry(property.Name, value, Typed: true));
            }
            else if (json.TryGetProperty(property.Name, out var written))
            {
                // Only what the settings' own contract writes (its ignore conditions apply).
                entries.Add(new Entry(property.Name, KeptAsItIs(value) ? value : Readable(type, property, value, written), Typed: true));
            }
        }

        return entries;
    }

    /// <summary>Values the table reads as they are: text, JSON, MEAI's response format.</summary>
    private static bool KeptAsItIs(object value) =>
        value is string or JsonElement or JsonNode or Microsoft.Extensions.AI.ChatResponseFormat;

    /// <summary>
    /// The JSON a property wrote, unless it carries nothing a server could read: an object whose JSON holds no data (another
    /// SDK's model types, such as OpenAI's <c>ChatResponseFormat</c> or <c>ChatAudioOptions</c>, write <c>{}</c> or only nulls), or an
    /// enum written as its .NET number. A struct that names itself (<c>ChatReasoningEffortLevel</c> and other extensible
    /// enums) is taken by its name.
    /// </summary>
    private static object Readable(Type settingsType, JsonPropertyInfo property, object value, JsonElement written)
    {
        var noData = written.ValueKind == JsonValueKind.Object && !CarriesData(written) && value is not System.Collections.IEnumerable;
        if (noData && value.GetType().IsValueType && value.ToString() is { Length: > 0 } name && name != value.GetType().ToString())
        {
            return name;
        }

        if (noData || (value is Enum && written.ValueKind == JsonValueKind.Number))
        {
            var member = (property.AttributeProvider as System.Reflection.MemberInfo)?.Name ?? property.Name;
            throw new NotSupportedException(
                $"{settingsType.Name}.{member} ('{property.Name}') holds a {value.GetType().FullName}, which has no JSON form a server can read " +
                $"(it is written as {written.GetRawText()}), so it cannot be sent to Flock. Give the value as text or JSON, or use " +
                "FlockPromptExecutionSettings (functions go in FunctionChoiceBehavior).");
        }

        return written;
    }

    /// <summary>Whether a JSON value holds anything but nulls and empty objects.</summary>
    private static bool CarriesData(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => false,
        JsonValueKind.Object => element.EnumerateObject().Any(static p => CarriesData(p.Value)),
        _ => true,
    };

    /// <summary>The base class's own properties (model, service, function choice, ExtensionData): read as themselves, not by name.</summary>
    private static bool IsBaseProperty(JsonPropertyInfo property) =>
        property.IsExtensionData || (property.AttributeProvider as System.Reflection.MemberInfo)?.DeclaringType == typeof(PromptExecutionSettings);

    private static JsonSerializerOptions? s_options;

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = "Reached only through ReadTypedProperties (see there).")]
    [UnconditionalSuppressMessage("AOT", "IL3050:RequiresDynamicCode", Justification = "Reached only through ReadTypedProperties (see there).")]
    private static JsonSerializerOptions CreateOptions()
    {
        // SK's connectors serialize settings with the default options: the same names, converters and ignore conditions. A
        // Type, which System.Text.Json refuses to write, is read as itself instead, and the base class's properties are read
        // directly (a function choice behavior is carried over as the object).
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(static contract =>
        {
            foreach (var property in contract.Properties)
            {
                if (IsBaseProperty(property))
                {
                    property.ShouldSerialize = static (_, _) => false;
                }
                else if (property.PropertyType.IsAssignableFrom(typeof(Type)))
                {
                    var shouldSerialize = property.ShouldSerialize;
                    property.ShouldSerialize = (owner, value) => value is not Type && (shouldSerialize?.Invoke(owner, value) ?? true);
                }
            }
        });

        var options = new JsonSerializerOptions { TypeInfoResolver = resolver };
        options.MakeReadOnly();
        return options;
    }
}
