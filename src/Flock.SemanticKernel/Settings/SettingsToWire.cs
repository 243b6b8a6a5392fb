using System.Text.Json;
using Flock.SemanticKernel.Wire;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Settings;

/// <summary>Writes settings onto a wire request: only what was set, under the names the API document uses.</summary>
internal static class SettingsToWire
{
    private static readonly JsonElement JsonObjectFormat = JsonDocument.Parse("""{"type":"json_object"}""").RootElement.Clone();
    private static readonly JsonElement TextFormat = JsonDocument.Parse("""{"type":"text"}""").RootElement.Clone();

    /// <summary>
    /// Schemas for a .NET type name its properties as written (<c>City</c>, not MEAI's default <c>city</c>): SK code reads the
    /// answer with <c>JsonSerializer.Deserialize&lt;T&gt;(content)</c>, whose default options are case-sensitive, as SK's OpenAI
    /// connector expects. (MEAI's own <c>GetResponseAsync&lt;T&gt;</c> passes a schema, not a type, so it keeps its camelCase.)
    /// </summary>
    private static readonly JsonSerializerOptions TypeSchemaOptions = CreateTypeSchemaOptions();

    public static void Apply(FlockPromptExecutionSettings settings, ChatRequest request, bool streaming)
    {
        settings = WithExtensionDataBound(settings);
        request.Temperature = settings.Temperature;
        request.TopP = settings.TopP;
        request.MaxTokens = settings.MaxTokens;
        request.N = settings.ChoiceCount;
        request.BestOf = settings.BestOf;
        request.FrequencyPenalty = settings.FrequencyPenalty;
        request.PresencePenalty = settings.PresencePenalty;
        request.Seed = settings.Seed;
        request.Stop = settings.StopSequences;
        request.User = settings.User;

        if (settings.LogitBias is { } bias)
        {
            var wire = new Dictionary<string, int>(bias.Count);
            foreach (var (token, value) in bias)
            {
                wire[token.ToString(System.Globalization.CultureInfo.InvariantCulture)] = value;
            }

            request.LogitBias = wire;
        }

        if (settings.Logprobs is { } top)
        {
            // The document's integer "logprobs" is the chat wire's boolean plus "top_logprobs".
            request.Logprobs = true;
            request.TopLogprobs = top;
        }

        if (streaming)
        {
            request.StreamOptions = new StreamOptions { IncludeUsage = settings.StreamOptions?.IncludeUsage ?? true };
        }

        if (settings.ResponseFormat is { } format)
        {
            request.ResponseFormat = ResponseFormat(format);
        }

        if (settings.ExtensionData is { Count: > 0 } extras)
        {
            request.Extra ??= new Dictionary<string, JsonElement>(extras.Count);
            foreach (var (key, value) in extras)
            {
                request.Extra[key] = SettingValues.ToJsonElement(key, value);
            }
        }
    }

    /// <summary>
    /// Known keys placed in <see cref="Microsoft.SemanticKernel.PromptExecutionSettings.ExtensionData"/> of Flock settings are bound
    /// like those of plain settings (a typed property that is set wins), so no key is ever sent twice.
    /// </summary>
    private static FlockPromptExecutionSettings WithExtensionDataBound(FlockPromptExecutionSettings settings)
    {
        if (settings.ExtensionData is not { Count: > 0 } extras || !extras.Keys.Any(SettingBinder.IsKnown))
        {
            return settings;
        }

        var bound = FlockPromptExecutionSettings.FromExecutionSettings(new Microsoft.SemanticKernel.PromptExecutionSettings { ExtensionData = extras });
        bound.Temperature = settings.Temperature ?? bound.Temperature;
        bound.TopP = settings.TopP ?? bound.TopP;
        bound.MaxTokens = settings.MaxTokens ?? bound.MaxTokens;
        bound.ChoiceCount = settings.ChoiceCount ?? bound.ChoiceCount;
        bound.BestOf = settings.BestOf ?? bound.BestOf;
        bound.FrequencyPenalty = settings.FrequencyPenalty ?? bound.FrequencyPenalty;
        bound.PresencePenalty = settings.PresencePenalty ?? bound.PresencePenalty;
        bound.LogitBias = settings.LogitBias ?? bound.LogitBias;
        bound.Logprobs = settings.Logprobs ?? bound.Logprobs;
        bound.Seed = settings.Seed ?? bound.Seed;
        bound.StopSequences = settings.StopSequences ?? bound.StopSequences;
        bound.User = settings.User ?? bound.User;
        bound.StreamOptions = settings.StreamOptions ?? bound.StreamOptions;
        bound.ResponseFormat = settings.ResponseFormat ?? bound.ResponseFormat;
        bound.IncludeReasoningInHistory = settings.IncludeReasoningInHistory ?? bound.IncludeReasoningInHistory;
        return bound;
    }

    /// <summary>
    /// <c>response_format</c> from what users write: <c>"json_object"</c>/<c>"text"</c>, a full format object, a bare JSON schema,
    /// MEAI's <see cref="ChatResponseFormat"/>, or a .NET type whose schema is derived.
    /// </summary>
    public static JsonElement ResponseFormat(object format)
    {
        switch (format)
        {
            case ChatResponseFormatText:
                return TextFormat;
            case ChatResponseFormatJson { Schema: null }:
                return JsonObjectFormat;
            case ChatResponseFormatJson json:
                return JsonSchemaFormat(json.Schema!.Value, json.SchemaName, json.SchemaDescription);
            case Type type:
                // The schema comes from the type's JSON metadata: any type through reflection where reflection-based
                // serialization is on, only MEAI's own under Native AOT or trimming. There, say what to pass instead.
                if (!TypeSchemaOptions.TryGetTypeInfo(type, out _))
                {
                    throw new NotSupportedException(
                        $"response_format: no JSON schema can be derived for {type.FullName}: reflection-based JSON serialization is off " +
                        "(Native AOT or trimming). Pass ChatResponseFormat.ForJsonSchema<T>(options) with the options of a source-generated " +
                        "JsonSerializerContext that includes the type, or the JSON schema itself.");
                }

                return JsonSchemaFormat(AIJsonUtilities.CreateJsonSchema(type, serializerOptions: TypeSchemaOptions), type.Name, null);
            case string text when text is "json_object" or "text" or "json_schema":
                return text == "text" ? TextFormat : JsonObjectFormat;
            case string text:
                using (var document = JsonDocument.Parse(text))
                {
                    return ResponseFormat(document.RootElement.Clone());
                }

            case JsonElement { ValueKind: JsonValueKind.String } e:
                return ResponseFormat(e.GetString()!);
            case JsonElement { ValueKind: JsonValueKind.Object } e:
                return e.TryGetProperty("type", out var kind) && kind.ValueKind == JsonValueKind.String && kind.GetString() is "json_object" or "json_schema" or "text"
                    ? e
                    : JsonSchemaFormat(e, null, null);
            default:
                return ResponseFormat(SettingValues.ToJsonElement("response_format", format));
        }
    }

    private static JsonSerializerOptions CreateTypeSchemaOptions()
    {
        var options = new JsonSerializerOptions(AIJsonUtilities.DefaultOptions) { PropertyNamingPolicy = null };
        options.MakeReadOnly();
        return options;
    }

    private static JsonElement JsonSchemaFormat(JsonElement schema, string? name, string? description)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "json_schema");
            writer.WriteStartObject("json_schema");
            writer.WriteString("name", string.IsNullOrWhiteSpace(name) ? "response" : name);
            if (description is not null)
            {
                writer.WriteString("description", description);
            }

            writer.WritePropertyName("schema");
            schema.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
