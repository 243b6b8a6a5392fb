using System.Collections.ObjectModel;
using System.Text.Json.Serialization;
using Flock.SemanticKernel.Settings;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel;

/// <summary>
/// Execution settings for Flock chat completions. Every property is optional: one left unset is not sent, and the server's
/// default applies. JSON names are those of the Flock API document, so prompt templates can set them.
/// </summary>
public sealed class FlockPromptExecutionSettings : PromptExecutionSettings
{
    private double? _temperature;
    private double? _topP;
    private int? _maxTokens;
    private int? _choiceCount;
    private int? _bestOf;
    private double? _frequencyPenalty;
    private double? _presencePenalty;
    private IDictionary<int, int>? _logitBias;
    private int? _logprobs;
    private long? _seed;
    private IList<string>? _stop;
    private string? _user;
    private FlockStreamOptions? _streamOptions;
    private object? _responseFormat;
    private bool? _includeReasoningInHistory;

    /// <summary>Sampling temperature, 0 to 2 (server default 1). Higher is more random.</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get => _temperature; set => Set(ref _temperature, value); }

    /// <summary>Nucleus sampling probability mass, 0 to 1 (server default 1).</summary>
    [JsonPropertyName("top_p")]
    public double? TopP { get => _topP; set => Set(ref _topP, value); }

    /// <summary>Maximum tokens to generate, at least 1 (server default 16).</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get => _maxTokens; set => Set(ref _maxTokens, value); }

    /// <summary>How many completions to generate (<c>n</c>), at least 1 (server default 1); each becomes its own result.</summary>
    [JsonPropertyName("n")]
    public int? ChoiceCount { get => _choiceCount; set => Set(ref _choiceCount, value); }

    /// <summary>Completions generated server-side to return the most likely one; at least <c>n</c>; not with streaming.</summary>
    [JsonPropertyName("best_of")]
    public int? BestOf { get => _bestOf; set => Set(ref _bestOf, value); }

    /// <summary>Penalty for tokens by their frequency so far, −2 to 2 (server default 0).</summary>
    [JsonPropertyName("frequency_penalty")]
    public double? FrequencyPenalty { get => _frequencyPenalty; set => Set(ref _frequencyPenalty, value); }

    /// <summary>Penalty for tokens that already appeared, −2 to 2 (server default 0).</summary>
    [JsonPropertyName("presence_penalty")]
    public double? PresencePenalty { get => _presencePenalty; set => Set(ref _presencePenalty, value); }

    /// <summary>Bias per token id, −100 to 100 (e.g. <c>{50256: -100}</c> bans &lt;|endoftext|&gt;).</summary>
    [JsonPropertyName("logit_bias")]
    public IDictionary<int, int>? LogitBias { get => _logitBias; set => Set(ref _logitBias, value); }

    /// <summary>How many most-likely tokens to return log probabilities for at each position, 0 to 5.</summary>
    [JsonPropertyName("logprobs")]
    public int? Logprobs { get => _logprobs; set => Set(ref _logprobs, value); }

    /// <summary>Seed for deterministic sampling where the server supports it.</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get => _seed; set => Set(ref _seed, value); }

    /// <summary>Up to 4 sequences that stop generation.</summary>
    [JsonPropertyName("stop")]
    public IList<string>? StopSequences { get => _stop; set => Set(ref _stop, value); }

    /// <summary>A stable identifier of the end user.</summary>
    [JsonPropertyName("user")]
    public string? User { get => _user; set => Set(ref _user, value); }

    /// <summary>Streaming options; by default the connector sends <c>include_usage: true</c> so usage arrives on the last update.</summary>
    [JsonPropertyName("stream_options")]
    public FlockStreamOptions? StreamOptions { get => _streamOptions; set => Set(ref _streamOptions, value); }

    /// <summary>
    /// The answer's format: <c>"json_object"</c>, a JSON schema (<see cref="System.Text.Json.JsonElement"/> or text),
    /// or a .NET <see cref="Type"/> whose schema is derived.
    /// </summary>
    [JsonPropertyName("response_format")]
    public object? ResponseFormat { get => _responseFormat; set => Set(ref _responseFormat, value); }

    /// <summary>Sends earlier turns' reasoning back to the server (<c>reasoning_content</c>); off by default.</summary>
    [JsonPropertyName("include_reasoning_in_history")]
    public bool? IncludeReasoningInHistory { get => _includeReasoningInHistory; set => Set(ref _includeReasoningInHistory, value); }

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
                if (!SettingBinder.TryBind(settings, key, value))
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
        Temperature = Temperature,
        TopP = TopP,
        MaxTokens = MaxTokens,
        ChoiceCount = ChoiceCount,
        BestOf = BestOf,
        FrequencyPenalty = FrequencyPenalty,
        PresencePenalty = PresencePenalty,
        LogitBias = LogitBias is null ? null : new Dictionary<int, int>(LogitBias),
        Logprobs = Logprobs,
        Seed = Seed,
        StopSequences = StopSequences is null ? null : new List<string>(StopSequences),
        User = User,
        StreamOptions = StreamOptions is null ? null : new FlockStreamOptions { IncludeUsage = StreamOptions.IncludeUsage },
        ResponseFormat = ResponseFormat,
        IncludeReasoningInHistory = IncludeReasoningInHistory,
    };

    /// <inheritdoc/>
    public override void Freeze()
    {
        if (IsFrozen)
        {
            return;
        }

        base.Freeze();
        if (_stop is not null)
        {
            _stop = new ReadOnlyCollection<string>(new List<string>(_stop));
        }

        if (_logitBias is not null)
        {
            _logitBias = new ReadOnlyDictionary<int, int>(new Dictionary<int, int>(_logitBias));
        }
    }

    private void Set<T>(ref T field, T value)
    {
        ThrowIfFrozen();
        field = value;
    }
}
