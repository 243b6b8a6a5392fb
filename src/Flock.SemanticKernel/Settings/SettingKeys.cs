using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel;

/// <summary>
/// What Semantic Kernel adds to the keys <c>FlockChatClient</c> reads (<see cref="FlockParameters"/>): the system and developer
/// prompts of its OpenAI settings, which become leading system messages, and the names its connectors give some parameters.
/// A parameter's own name wins over another name for it, and a typed property over a template key.
/// </summary>
internal static class SettingKeys
{
    /// <summary>SK's <c>ChatSystemPrompt</c>: a system message ahead of the chat history.</summary>
    public const string ChatSystemPrompt = "chat_system_prompt";

    /// <summary>SK's <c>ChatDeveloperPrompt</c>: a system message after it (open models have no developer role).</summary>
    public const string ChatDeveloperPrompt = "chat_developer_prompt";

    /// <summary>SK's OpenAI settings' names for parameters, by the parameter they mean.</summary>
    private static readonly Dictionary<string, string> OtherNames = new(StringComparer.Ordinal)
    {
        ["stop_sequences"] = "stop",
        ["max_completion_tokens"] = "max_tokens",
        ["token_selection_biases"] = FlockParameters.LogitBias,
    };

    /// <summary>A key under the name <c>FlockChatClient</c> reads it by.</summary>
    public static string Canonical(string key) => OtherNames.TryGetValue(key, out var name) ? name : key;

    /// <summary>Whether <paramref name="key"/> is another name for a parameter.</summary>
    public static bool IsOtherName(string key) => OtherNames.ContainsKey(key);

    /// <summary>
    /// One value per key, under the parameter's own name: typed entries before template keys, and a parameter's own name
    /// before another name for it, the first value given winning.
    /// </summary>
    public static Dictionary<string, object?> Merge(IReadOnlyList<ForeignSettings.Entry> entries)
    {
        var keys = new Dictionary<string, object?>(entries.Count, StringComparer.Ordinal);
        foreach (var typed in (ReadOnlySpan<bool>)[true, false])
        {
            foreach (var otherName in (ReadOnlySpan<bool>)[false, true])
            {
                foreach (var entry in entries)
                {
                    if (entry.Typed == typed && IsOtherName(entry.Key) == otherName)
                    {
                        keys.TryAdd(Canonical(entry.Key), entry.Value);
                    }
                }
            }
        }

        return keys;
    }

    /// <summary>Removes <paramref name="key"/> from <paramref name="keys"/> and reads it as text.</summary>
    /// <exception cref="ArgumentException">The value is not text.</exception>
    public static string? TakeText(Dictionary<string, object?> keys, string key) =>
        keys.Remove(key, out var value) ? Text(key, value) : null;

    /// <summary>A prompt's text: a string, or a JSON string (null for null).</summary>
    public static string? Text(string key, object? value) => value switch
    {
        null => null,
        string text => text,
        JsonElement { ValueKind: JsonValueKind.Null } => null,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
        _ => throw new ArgumentException($"{key} must be a string; got {value.GetType().Name}.", key),
    };

    /// <summary>A whole number from a CLR number, a JSON number or text (as YAML configs give scalars); null for null.</summary>
    public static int? Int32(string key, object? value)
    {
        var parsed = value switch
        {
            null or JsonElement { ValueKind: JsonValueKind.Null } => (int?)null,
            int i => i,
            long or short or byte or sbyte or ushort or uint when Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) is var l && l is >= int.MinValue and <= int.MaxValue => (int)l,
            JsonElement { ValueKind: JsonValueKind.Number } element when element.TryGetInt32(out var i) => i,
            JsonElement { ValueKind: JsonValueKind.String } element when int.TryParse(element.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var i) => i,
            string text when int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var i) => i,
            _ => throw new ArgumentException($"{key} must be a whole number; got {Describe(value)}.", key),
        };

        return parsed;
    }

    private static string Describe(object value) => value is JsonElement element ? element.GetRawText() : $"{value} ({value.GetType().Name})";

    /// <summary>
    /// Puts template keys on <paramref name="options"/> (<see cref="FlockParameters.Set"/>), except a key whose parameter a
    /// typed property of <paramref name="settings"/> already holds, SK's prompts (the messages take them) and another name for
    /// a parameter whose own name is also given.
    /// </summary>
    public static void WriteTo(ChatOptions options, IDictionary<string, object> data, FlockPromptExecutionSettings? settings)
    {
        foreach (var (key, value) in data)
        {
            var name = Canonical(key);
            if (name is ChatSystemPrompt or ChatDeveloperPrompt
                || settings?.HasValue(name) is true
                || (!ReferenceEquals(name, key) && data.ContainsKey(name)))
            {
                continue;
            }

            FlockParameters.Set(options, name, value);
        }
    }

    /// <summary>The system and developer prompts a call's settings give: a typed property, else a template key.</summary>
    public static (string? System, string? Developer) Prompts(PromptExecutionSettings settings)
    {
        var flock = settings as FlockPromptExecutionSettings;
        return (flock?.ChatSystemPrompt ?? Key(settings, ChatSystemPrompt), flock?.ChatDeveloperPrompt ?? Key(settings, ChatDeveloperPrompt));
    }

    private static string? Key(PromptExecutionSettings settings, string key) =>
        settings.ExtensionData?.TryGetValue(key, out var value) is true ? Text(key, value) : null;
}
