using System.Text.Json;

namespace Flock.SemanticKernel.Settings;

/// <summary>Binds a setting given by its JSON name (prompt-template extension data, MEAI additional properties) to the typed property.</summary>
internal static class SettingBinder
{
    /// <summary>Whether <paramref name="key"/> is a setting the typed properties model.</summary>
    /// <remarks>Asked of a throw-away instance, so the switch below stays the one list of keys.</remarks>
    public static bool IsKnown(string key) => TryBind(new FlockPromptExecutionSettings(), key, null);

    /// <summary>Returns false for a key the settings do not model; the caller passes it through as a provider extra.</summary>
    public static bool TryBind(FlockPromptExecutionSettings settings, string key, object? value)
    {
        switch (key)
        {
            case "temperature": settings.Temperature = SettingValues.ToDouble(key, value); return true;
            case "top_p": settings.TopP = SettingValues.ToDouble(key, value); return true;
            case "max_tokens": settings.MaxTokens = SettingValues.ToInt32(key, value); return true;
            case "n": settings.ChoiceCount = SettingValues.ToInt32(key, value); return true;
            case "best_of": settings.BestOf = SettingValues.ToInt32(key, value); return true;
            case "frequency_penalty": settings.FrequencyPenalty = SettingValues.ToDouble(key, value); return true;
            case "presence_penalty": settings.PresencePenalty = SettingValues.ToDouble(key, value); return true;
            case "logit_bias": settings.LogitBias = SettingValues.ToTokenMap(key, value); return true;
            case "seed": settings.Seed = SettingValues.ToInt64(key, value); return true;
            case "stop": settings.StopSequences = SettingValues.ToTextList(key, value); return true;
            case "user": settings.User = SettingValues.ToText(key, value); return true;
            case "response_format": settings.ResponseFormat = value; return true;
            case "include_reasoning_in_history": settings.IncludeReasoningInHistory = SettingValues.ToBoolean(key, value); return true;
            case "top_logprobs": settings.Logprobs = SettingValues.ToInt32(key, value); return true;
            case "logprobs":
                // The API document's integer form; the chat wire's boolean form ("logprobs": true with "top_logprobs").
                if (SettingValues.ToBooleanOrNull(value) is { } enabled)
                {
                    settings.Logprobs = enabled ? settings.Logprobs ?? 0 : null;
                }
                else
                {
                    settings.Logprobs = SettingValues.ToInt32(key, value);
                }

                return true;
            case "stream_options":
                settings.StreamOptions = value is null or JsonElement { ValueKind: JsonValueKind.Null }
                    ? null
                    : new FlockStreamOptions { IncludeUsage = SettingValues.ToBoolean("stream_options.include_usage", SettingValues.Property(key, value, "include_usage")) };
                return true;
            default:
                return false;
        }
    }
}
