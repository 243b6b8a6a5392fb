using System.Collections.ObjectModel;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel;

/// <summary>
/// Execution settings for Flock chat completions. Every property is optional: one left unset is not sent, and the server's
/// default applies. JSON names are those of the Flock API document, so prompt templates can set them.
/// </summary>
/// <remarks>
/// The values live in the core's one table of parameters, so binding from templates, cloning, validation and the wire
/// form are the same as for <c>FlockChatClient</c>'s <c>ChatOptions</c>.
/// </remarks>
public sealed class FlockPromptExecutionSettings : PromptExecutionSettings
{
    private ChatParameterValues _values = new();

    /// <summary>Sampling temperature, 0 to 2 (server default 1). Higher is more random.</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get => (double?)_values[ChatParameters.Temperature]; set => Set(ChatParameters.Temperature, value); }

    /// <summary>Nucleus sampling probability mass, 0 to 1 (server default 1).</summary>
    [JsonPropertyName("top_p")]
    public double? TopP { get => (double?)_values[ChatParameters.TopP]; set => Set(ChatParameters.TopP, value); }

    /// <summary>Maximum tokens to generate, at least 1 (server default 16).</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get => (int?)_values[ChatParameters.MaxTokens]; set => Set(ChatParameters.MaxTokens, value); }

    /// <summary>How many completions to generate (<c>n</c>), at least 1 (server default 1); each becomes its own result.</summary>
    [JsonPropertyName("n")]
    public int? ChoiceCount { get => (int?)_values[ChatParameters.N]; set => Set(ChatParameters.N, value); }

    /// <summary>Completions generated server-side to return the most likely one; at least <c>n</c>; not with streaming.</summary>
    [JsonPropertyName("best_of")]
    public int? BestOf { get => (int?)_values[ChatParameters.BestOf]; set => Set(ChatParameters.BestOf, value); }

    /// <summary>Penalty for tokens by their frequency so far, −2 to 2 (server default 0).</summary>
    [JsonPropertyName("frequency_penalty")]
    public double? FrequencyPenalty { get => (double?)_values[ChatParameters.FrequencyPenalty]; set => Set(ChatParameters.FrequencyPenalty, value); }

    /// <summary>Penalty for tokens that already appeared, −2 to 2 (server default 0).</summary>
    [JsonPropertyName("presence_penalty")]
    public double? PresencePenalty { get => (double?)_values[ChatParameters.PresencePenalty]; set => Set(ChatParameters.PresencePenalty, value); }

    /// <summary>Bias per token id, −100 to 100 (e.g. <c>{50256: -100}</c> bans &lt;|endoftext|&gt;).</summary>
    [JsonPropertyName("logit_bias")]
    public IDictionary<int, int>? LogitBias { get => (IDictionary<int, int>?)_values[ChatParameters.LogitBias]; set => Set(ChatParameters.LogitBias, value); }

    /// <summary>How many most-likely tokens to return log probabilities for at each position, 0 to 5.</summary>
    [JsonPropertyName("logprobs")]
    public int? Logprobs { get => (int?)_values[ChatParameters.Logprobs]; set => Set(ChatParameters.Logprobs, value); }

    /// <summary>Seed for deterministic sampling where the server supports it.</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get => (long?)_values[ChatParameters.Seed]; set => Set(ChatParameters.Seed, value); }

    /// <summary>Up to 4 sequences that stop generation.</summary>
    [JsonPropertyName("stop")]
    public IList<string>? StopSequences { get => (IList<string>?)_values[ChatParameters.Stop]; set => Set(ChatParameters.Stop, value); }

    /// <summary>A stable identifier of the end user.</summary>
    [JsonPropertyName("user")]
    public string? User { get => (string?)_values[ChatParameters.User]; set => Set(ChatParameters.User, value); }

    /// <summary>Streaming options; by default the connector sends <c>include_usage: true</c> so usage arrives on the last update.</summary>
    [JsonPropertyName("stream_options")]
    public FlockStreamOptions? StreamOptions { get => (FlockStreamOptions?)_values[ChatParameters.StreamOptions]; set => Set(ChatParameters.StreamOptions, value); }

    /// <summary>
    /// The answer's format: <c>"json_object"</c>, a JSON schema (<see cref="System.Text.Json.JsonElement"/> or text),
    /// or a .NET <see cref="Type"/> whose schema is derived.
    /// </summary>
    [JsonPropertyName("response_format")]
    public object? ResponseFormat { get => _values[ChatParameters.ResponseFormat]; set => Set(ChatParameters.ResponseFormat, value); }

    /// <summary>Top-k sampling, passed to the model server (vLLM): -1 (off) or at least 1.</summary>
    [JsonPropertyName("top_k")]
    public int? TopK { get => (int?)_values[ChatParameters.TopK]; set => Set(ChatParameters.TopK, value); }

    /// <summary>Min-p sampling, passed to the model server (vLLM): 0 to 1.</summary>
    [JsonPropertyName("min_p")]
    public double? MinP { get => (double?)_values[ChatParameters.MinP]; set => Set(ChatParameters.MinP, value); }

    /// <summary>Repetition penalty, passed to the model server (vLLM): greater than 0, 1 is none.</summary>
    [JsonPropertyName("repetition_penalty")]
    public double? RepetitionPenalty { get => (double?)_values[ChatParameters.RepetitionPenalty]; set => Set(ChatParameters.RepetitionPenalty, value); }

    /// <summary>How hard a reasoning model thinks (<c>low</c>, <c>medium</c>, <c>high</c>), passed to the model server as it is.</summary>
    [JsonPropertyName("reasoning_effort")]
    public string? ReasoningEffort { get => (string?)_values[ChatParameters.ReasoningEffort]; set => Set(ChatParameters.ReasoningEffort, value); }

    /// <summary>Qwen3's thinking switch, sent as <c>chat_template_kwargs: {"enable_thinking": …}</c>; false also turns think-tag splitting off.</summary>
    [JsonPropertyName("enable_thinking")]
    public bool? EnableThinking { get => (bool?)_values[ChatParameters.EnableThinking]; set => Set(ChatParameters.EnableThinking, value); }

    /// <summary>Arguments of the model's chat template (<c>chat_template_kwargs</c>); <see cref="EnableThinking"/> wins over its key there.</summary>
    [JsonPropertyName("chat_template_kwargs")]
    public IDictionary<string, object?>? ChatTemplateKwargs { get => (IDictionary<string, object?>?)_values[ChatParameters.ChatTemplateKwargs]; set => Set(ChatParameters.ChatTemplateKwargs, value); }

    /// <summary>How thinking text inside the answer (<c>&lt;think&gt;…&lt;/think&gt;</c>) is split from it; default <see cref="FlockOptions.ThinkTags"/>.</summary>
    [JsonPropertyName("think_tags")]
    public FlockThinkTags? ThinkTags { get => (FlockThinkTags?)_values[ChatParameters.ThinkTags]; set => Set(ChatParameters.ThinkTags, value); }

    /// <summary>A system message put ahead of the chat history (as SK's OpenAI settings' <c>ChatSystemPrompt</c>).</summary>
    [JsonPropertyName("chat_system_prompt")]
    public string? ChatSystemPrompt { get => (string?)_values[ChatParameters.ChatSystemPrompt]; set => Set(ChatParameters.ChatSystemPrompt, value); }

    /// <summary>SK's developer prompt, sent as a system message after <see cref="ChatSystemPrompt"/> (open models have no developer role).</summary>
    [JsonPropertyName("chat_developer_prompt")]
    public string? ChatDeveloperPrompt { get => (string?)_values[ChatParameters.ChatDeveloperPrompt]; set => Set(ChatParameters.ChatDeveloperPrompt, value); }

    /// <summary>Sends earlier turns' reasoning back to the server (<c>reasoning_content</c>); off by default.</summary>
    [JsonPropertyName("include_reasoning_in_history")]
    public bool? IncludeReasoningInHistory { get => (bool?)_values[ChatParameters.IncludeReasoningInHistory]; set => Set(ChatParameters.IncludeReasoningInHistory, value); }

    /// <summary>
    /// Returns <paramref name="executionSettings"/> as Flock settings: the same instance when it already is one, otherwise a new
    /// instance whose properties are read from its <see cref="PromptExecutionSettings.ExtensionData"/> by their JSON names
    /// (as YAML/JSON prompt templates produce). Unknown keys stay in <see cref="PromptExecutionSettings.ExtensionData"/> and are sent as they are.
    /// </summary>
    /// <exception cref="ArgumentException">A known key holds a value of the wrong type.</exception>
    public static FlockPromptExecutionSettings FromExecutionSettings(PromptExecutionSettings? executionSettings)
    {
        switch (executionSettings)
        {
            case null:
                return new FlockPromptExecutionSettings();
            case FlockPromptExecutionSettings flock:
                return flock;
        }

        var settings = new FlockPromptExecutionSettings
        {
            ModelId = executionSettings.ModelId,
            ServiceId = executionSettings.ServiceId,
            FunctionChoiceBehavior = executionSettings.FunctionChoiceBehavior,
        };

        if (executionSettings.ExtensionData is { } data)
        {
            foreach (var (key, value) in data)
            {
                if (!settings._values.TryBind(key, value))
                {
                    (settings.ExtensionData ??= new Dictionary<string, object>())[key] = value;
                }
            }
        }

        return settings;
    }

    /// <inheritdoc/>
    public override PromptExecutionSettings Clone() => new FlockPromptExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        FunctionChoiceBehavior = FunctionChoiceBehavior,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        _values = _values.Clone(),
    };

    /// <inheritdoc/>
    public override void Freeze()
    {
        if (IsFrozen)
        {
            return;
        }

        base.Freeze();
        if (StopSequences is { } stop)
        {
            _values[ChatParameters.Stop] = new ReadOnlyCollection<string>(new List<string>(stop));
        }

        if (LogitBias is { } bias)
        {
            _values[ChatParameters.LogitBias] = new ReadOnlyDictionary<int, int>(new Dictionary<int, int>(bias));
        }
    }

    /// <summary>
    /// The values to send: keys of <see cref="PromptExecutionSettings.ExtensionData"/> by their JSON names (unknown ones as
    /// provider extras), then the typed properties, which win.
    /// </summary>
    internal ChatParameterValues ToParameterValues()
    {
        if (ExtensionData is not { Count: > 0 } extras)
        {
            return _values;
        }

        // Typed values win over template keys: binding never replaces a value from a higher source.
        var merged = _values.Clone();
        merged.BindAll(extras!);
        return merged;
    }

    /// <summary>
    /// The values to send for any settings, as <see cref="FromExecutionSettings"/> then <see cref="ToParameterValues"/> give
    /// them, without building Flock settings for plain ones. Not to be changed: it may be shared.
    /// </summary>
    internal static ChatParameterValues ParameterValuesOf(PromptExecutionSettings? settings)
    {
        switch (settings)
        {
            case FlockPromptExecutionSettings flock:
                return flock.ToParameterValues();
            case { ExtensionData.Count: > 0 }:
                var values = new ChatParameterValues();
                foreach (var (key, value) in settings.ExtensionData)
                {
                    values.Bind(key, value);
                }

                return values;
            default:
                return NoValues;
        }
    }

    private static readonly ChatParameterValues NoValues = new();

    private void Set(ChatParameter parameter, object? value)
    {
        ThrowIfFrozen();
        _values[parameter] = value;
    }
}
