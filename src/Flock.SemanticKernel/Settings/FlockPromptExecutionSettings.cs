using System.Collections.ObjectModel;
using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel;

/// <summary>
/// Execution settings for Flock chat completions. Every property is optional: one left unset is not sent, and the server's
/// default applies. JSON names are those of the Flock API document, so prompt templates can set them.
/// </summary>
/// <remarks>
/// A call puts the settings on MEAI's <c>ChatOptions</c> by their JSON names (<see cref="FlockParameters.Set"/>), the way an
/// MEAI caller would, so reading, validation and the wire form are <c>FlockChatClient</c>'s.
/// </remarks>
public sealed class FlockPromptExecutionSettings : PromptExecutionSettings
{
    private double? _temperature;
    private double? _topP;
    private int? _maxTokens;
    private int? _choiceCount;
    private int? _bestOf;
    private double? _frequencyPenalty;
    private double? _presencePenalty;
    private int? _logprobs;
    private long? _seed;
    private IList<string>? _stopSequences;
    private string? _user;
    private FlockStreamOptions? _streamOptions;
    private int? _topK;
    private double? _minP;
    private double? _repetitionPenalty;
    private string? _reasoningEffort;
    private bool? _enableThinking;
    private FlockThinkTags? _thinkTags;
    private string? _chatSystemPrompt;
    private string? _chatDeveloperPrompt;
    private bool? _includeReasoningInHistory;
    private bool? _strictJsonSchema;
    private object? _responseFormat;
    private IDictionary<int, int>? _logitBias;
    private IDictionary<string, object?>? _chatTemplateKwargs;
    private IList<string>? _tags;
    private IDictionary<string, object?>? _spendLogsMetadata;
    private string? _endUserId;
    private TimeSpan? _requestTimeout;
    private TimeSpan? _streamTimeout;
    private int? _numRetries;
    private IList<string>? _fallbacks;
    private FlockCacheControl? _cache;
    private bool? _enableMessageRedaction;
    private IDictionary<string, string>? _extraHeaders;

    /// <summary>Sampling temperature, 0 to 2 (server default 1). Higher is more random.</summary>
    [JsonPropertyName("temperature")]
    public double? Temperature { get => _temperature; set => _temperature = Set(value); }

    /// <summary>Nucleus sampling probability mass, 0 to 1 (server default 1).</summary>
    [JsonPropertyName("top_p")]
    public double? TopP { get => _topP; set => _topP = Set(value); }

    /// <summary>Maximum tokens to generate, at least 1 (server default 16).</summary>
    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get => _maxTokens; set => _maxTokens = Set(value); }

    /// <summary>How many completions to generate (<c>n</c>), at least 1 (server default 1); each becomes its own result.</summary>
    [JsonPropertyName("n")]
    public int? ChoiceCount { get => _choiceCount; set => _choiceCount = Set(value); }

    /// <summary>Completions generated server-side to return the most likely one; at least <c>n</c>; not with streaming.</summary>
    [JsonPropertyName("best_of")]
    public int? BestOf { get => _bestOf; set => _bestOf = Set(value); }

    /// <summary>Penalty for tokens by their frequency so far, −2 to 2 (server default 0).</summary>
    [JsonPropertyName("frequency_penalty")]
    public double? FrequencyPenalty { get => _frequencyPenalty; set => _frequencyPenalty = Set(value); }

    /// <summary>Penalty for tokens that already appeared, −2 to 2 (server default 0).</summary>
    [JsonPropertyName("presence_penalty")]
    public double? PresencePenalty { get => _presencePenalty; set => _presencePenalty = Set(value); }

    /// <summary>Bias per token id, −100 to 100 (e.g. <c>{50256: -100}</c> bans &lt;|endoftext|&gt;).</summary>
    [JsonPropertyName("logit_bias")]
    public IDictionary<int, int>? LogitBias { get => _logitBias; set => _logitBias = Set(value); }

    /// <summary>How many most-likely tokens to return log probabilities for at each position, 0 to 5.</summary>
    [JsonPropertyName("logprobs")]
    public int? Logprobs { get => _logprobs; set => _logprobs = Set(value); }

    /// <summary>Seed for deterministic sampling where the server supports it.</summary>
    [JsonPropertyName("seed")]
    public long? Seed { get => _seed; set => _seed = Set(value); }

    /// <summary>Up to 4 sequences that stop generation.</summary>
    [JsonPropertyName("stop")]
    public IList<string>? StopSequences { get => _stopSequences; set => _stopSequences = Set(value); }

    /// <summary>A stable identifier of the end user.</summary>
    [JsonPropertyName("user")]
    public string? User { get => _user; set => _user = Set(value); }

    /// <summary>Streaming options; by default the connector sends <c>include_usage: true</c> so usage arrives on the last update.</summary>
    [JsonPropertyName("stream_options")]
    public FlockStreamOptions? StreamOptions { get => _streamOptions; set => _streamOptions = Set(value); }

    /// <summary>
    /// The answer's format: <c>"json_object"</c>, a JSON schema (<see cref="System.Text.Json.JsonElement"/> or text),
    /// or a .NET <see cref="Type"/> whose schema is derived.
    /// </summary>
    [JsonPropertyName("response_format")]
    public object? ResponseFormat { get => _responseFormat; set => _responseFormat = Set(value); }

    /// <summary>Top-k sampling, passed to the model server (vLLM): -1 (off) or at least 1.</summary>
    [JsonPropertyName("top_k")]
    public int? TopK { get => _topK; set => _topK = Set(value); }

    /// <summary>Min-p sampling, passed to the model server (vLLM): 0 to 1.</summary>
    [JsonPropertyName("min_p")]
    public double? MinP { get => _minP; set => _minP = Set(value); }

    /// <summary>Repetition penalty, passed to the model server (vLLM): greater than 0, 1 is none.</summary>
    [JsonPropertyName("repetition_penalty")]
    public double? RepetitionPenalty { get => _repetitionPenalty; set => _repetitionPenalty = Set(value); }

    /// <summary>How hard a reasoning model thinks (<c>low</c>, <c>medium</c>, <c>high</c>), passed to the model server as it is.</summary>
    [JsonPropertyName("reasoning_effort")]
    public string? ReasoningEffort { get => _reasoningEffort; set => _reasoningEffort = Set(value); }

    /// <summary>Qwen3's thinking switch, sent as <c>chat_template_kwargs: {"enable_thinking": …}</c>; false also turns think-tag splitting off.</summary>
    [JsonPropertyName("enable_thinking")]
    public bool? EnableThinking { get => _enableThinking; set => _enableThinking = Set(value); }

    /// <summary>Arguments of the model's chat template (<c>chat_template_kwargs</c>); <see cref="EnableThinking"/> wins over its key there.</summary>
    [JsonPropertyName("chat_template_kwargs")]
    public IDictionary<string, object?>? ChatTemplateKwargs { get => _chatTemplateKwargs; set => _chatTemplateKwargs = Set(value); }

    /// <summary>How thinking text inside the answer (<c>&lt;think&gt;…&lt;/think&gt;</c>) is split from it; default <see cref="FlockOptions.ThinkTags"/>.</summary>
    [JsonPropertyName("think_tags")]
    public FlockThinkTags? ThinkTags { get => _thinkTags; set => _thinkTags = Set(value); }

    /// <summary>A system message put ahead of the chat history (as SK's OpenAI settings' <c>ChatSystemPrompt</c>).</summary>
    [JsonPropertyName("chat_system_prompt")]
    public string? ChatSystemPrompt { get => _chatSystemPrompt; set => _chatSystemPrompt = Set(value); }

    /// <summary>SK's developer prompt, sent as a system message after <see cref="ChatSystemPrompt"/> (open models have no developer role).</summary>
    [JsonPropertyName("chat_developer_prompt")]
    public string? ChatDeveloperPrompt { get => _chatDeveloperPrompt; set => _chatDeveloperPrompt = Set(value); }

    /// <summary>
    /// Which earlier reasoning goes back to the server as <c>reasoning_content</c>: unset, that of every exchange that made tool
    /// calls (DeepSeek's thinking models require it); true, all of it; false, none.
    /// </summary>
    [JsonPropertyName("include_reasoning_in_history")]
    public bool? IncludeReasoningInHistory { get => _includeReasoningInHistory; set => _includeReasoningInHistory = Set(value); }

    /// <summary>Makes the JSON schemas sent strict (<c>strict: true</c> in a JSON schema response format and on function tools), as MEAI's <c>strictJsonSchema</c>.</summary>
    [JsonPropertyName("strictJsonSchema")]
    public bool? StrictJsonSchema { get => _strictJsonSchema; set => _strictJsonSchema = Set(value); }

    /// <summary>Tags for the proxy's spend tracking and tag routing (<c>tags</c>; no commas, at most 32).</summary>
    [JsonPropertyName("tags")]
    public IList<string>? Tags { get => _tags; set => _tags = Set(value); }

    /// <summary>Metadata for the proxy's spend logs, sent as JSON in the <c>x-litellm-spend-logs-metadata</c> header.</summary>
    [JsonPropertyName("spend_logs_metadata")]
    public IDictionary<string, object?>? SpendLogsMetadata { get => _spendLogsMetadata; set => _spendLogsMetadata = Set(value); }

    /// <summary>The end user (customer) the call is for, for the proxy's per-customer budgets: the <c>x-litellm-end-user-id</c> header.</summary>
    [JsonPropertyName("end_user_id")]
    public string? EndUserId { get => _endUserId; set => _endUserId = Set(value); }

    /// <summary>How long the proxy gives the model to answer (<c>timeout</c>, sent in seconds; more than 0, at most a day).</summary>
    [JsonPropertyName("timeout")]
    public TimeSpan? RequestTimeout { get => _requestTimeout; set => _requestTimeout = Set(value); }

    /// <summary>How long the proxy waits for a stream's first chunk (<c>stream_timeout</c>, in seconds).</summary>
    [JsonPropertyName("stream_timeout")]
    public TimeSpan? StreamTimeout { get => _streamTimeout; set => _streamTimeout = Set(value); }

    /// <summary>How often the proxy retries the model itself (<c>num_retries</c>, 0 to 10).</summary>
    [JsonPropertyName("num_retries")]
    public int? NumRetries { get => _numRetries; set => _numRetries = Set(value); }

    /// <summary>Models the proxy tries in turn when the one asked for fails (<c>fallbacks</c>).</summary>
    [JsonPropertyName("fallbacks")]
    public IList<string>? Fallbacks { get => _fallbacks; set => _fallbacks = Set(value); }

    /// <summary>The proxy's cache controls for the call (one <c>cache</c> object).</summary>
    [JsonPropertyName("cache")]
    public FlockCacheControl? Cache { get => _cache; set => _cache = Set(value); }

    /// <summary>Keeps the call's messages out of the proxy's logs (the <c>x-litellm-enable-message-redaction</c> header).</summary>
    [JsonPropertyName("enable_message_redaction")]
    public bool? EnableMessageRedaction { get => _enableMessageRedaction; set => _enableMessageRedaction = Set(value); }

    /// <summary>Request headers of your own, sent as they are (visible ASCII; the key's header and the transport's own cannot be set).</summary>
    [JsonPropertyName("extra_headers")]
    public IDictionary<string, string>? ExtraHeaders { get => _extraHeaders; set => _extraHeaders = Set(value); }

    /// <summary>
    /// Returns <paramref name="executionSettings"/> as Flock settings: the same instance when it already is one, otherwise a new
    /// instance with its meaning kept. Another connector's settings (SK's <c>OpenAIPromptExecutionSettings</c>…) are read by the
    /// JSON names of their properties, as SK's connectors do (<c>max_tokens</c>, <c>stop_sequences</c>, <c>chat_system_prompt</c>,
    /// <c>token_selection_biases</c>, <c>top_logprobs</c>, <c>extra_body</c>…); then <see cref="PromptExecutionSettings.ExtensionData"/>
    /// (as YAML/JSON prompt templates produce), whose keys never replace a typed value. Values are read as
    /// <c>FlockChatClient</c> reads <c>ChatOptions.AdditionalProperties</c> (see <see cref="FlockParameters"/>); keys the
    /// connector does not model stay in <see cref="PromptExecutionSettings.ExtensionData"/> and are sent as they are; the
    /// function choice behavior is kept as it is.
    /// </summary>
    /// <exception cref="ArgumentException">A known key holds a value of the wrong type.</exception>
    /// <exception cref="NotSupportedException">
    /// Another connector's settings under Native AOT or trimming (reading them needs reflection-based JSON), or a value with no
    /// JSON form a server can read.
    /// </exception>
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

        var entries = executionSettings.GetType() == typeof(PromptExecutionSettings)
            ? TemplateEntries(executionSettings.ExtensionData)
            : ForeignSettings.Read(executionSettings);
        var keys = SettingKeys.Merge(entries);
        settings._chatSystemPrompt = SettingKeys.TakeText(keys, SettingKeys.ChatSystemPrompt);
        settings._chatDeveloperPrompt = SettingKeys.TakeText(keys, SettingKeys.ChatDeveloperPrompt);
        if (keys.Count == 0)
        {
            return settings;
        }

        foreach (var (key, value) in FlockParameters.Read(new Microsoft.Extensions.AI.ChatOptions { AdditionalProperties = new(keys) }))
        {
            if (!settings.TrySet(key, value) && value is not null)
            {
                // A key the connector does not model: kept, and sent as it is.
                (settings.ExtensionData ??= new Dictionary<string, object>())[key] = value;
            }
        }

        return settings;
    }

    /// <inheritdoc/>
    public override PromptExecutionSettings Clone()
    {
        var clone = new FlockPromptExecutionSettings
        {
            ModelId = ModelId,
            ServiceId = ServiceId,
            FunctionChoiceBehavior = FunctionChoiceBehavior,
            ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
            _chatSystemPrompt = _chatSystemPrompt,
            _chatDeveloperPrompt = _chatDeveloperPrompt,
        };

        foreach (var (_, get, set) in Properties)
        {
            set(clone, Copy(get(this)));
        }

        return clone;
    }

    /// <summary>A value that shares nothing mutable with <paramref name="value"/>.</summary>
    private static object? Copy(object? value) => value switch
    {
        IList<string> list => new List<string>(list),
        IDictionary<int, int> bias => new Dictionary<int, int>(bias),
        IDictionary<string, object?> map => new Dictionary<string, object?>(map),
        IDictionary<string, string> headers => new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase),
        FlockStreamOptions options => new FlockStreamOptions { IncludeUsage = options.IncludeUsage },
        FlockCacheControl cache => new FlockCacheControl { NoCache = cache.NoCache, NoStore = cache.NoStore, Ttl = cache.Ttl, SMaxAge = cache.SMaxAge, Namespace = cache.Namespace },
        _ => value,
    };

    /// <inheritdoc/>
    public override void Freeze()
    {
        if (IsFrozen)
        {
            return;
        }

        base.Freeze();
        if (_stopSequences is { } stop)
        {
            _stopSequences = new ReadOnlyCollection<string>(new List<string>(stop));
        }

        if (_logitBias is { } bias)
        {
            _logitBias = new ReadOnlyDictionary<int, int>(new Dictionary<int, int>(bias));
        }

        if (_chatTemplateKwargs is { } kwargs)
        {
            _chatTemplateKwargs = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(kwargs));
        }

        if (_spendLogsMetadata is { } metadata)
        {
            _spendLogsMetadata = new ReadOnlyDictionary<string, object?>(new Dictionary<string, object?>(metadata));
        }

        if (_tags is { } tags)
        {
            _tags = new ReadOnlyCollection<string>(new List<string>(tags));
        }

        if (_fallbacks is { } fallbacks)
        {
            _fallbacks = new ReadOnlyCollection<string>(new List<string>(fallbacks));
        }

        if (_extraHeaders is { } headers)
        {
            _extraHeaders = new ReadOnlyDictionary<string, string>(new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase));
        }
    }

    /// <summary>
    /// Puts the settings on <paramref name="options"/> as an MEAI caller would: each typed property by its JSON name through
    /// <see cref="FlockParameters.Set"/>, then the keys of <see cref="PromptExecutionSettings.ExtensionData"/> that no property
    /// already set (SK's other names for a parameter only where its own name is absent).
    /// </summary>
    internal void WriteTo(Microsoft.Extensions.AI.ChatOptions options)
    {
        foreach (var (name, get, _) in Properties)
        {
            if (get(this) is { } value)
            {
                FlockParameters.Set(options, name, value);
            }
        }

        if (ExtensionData is { Count: > 0 } data)
        {
            SettingKeys.WriteTo(options, data, this);
        }
    }

    /// <summary>Whether a typed property holds a value for the parameter <paramref name="name"/> (a JSON name).</summary>
    internal bool HasValue(string name)
    {
        foreach (var (property, get, _) in Properties)
        {
            if (property == name)
            {
                return get(this) is not null;
            }
        }

        return name switch
        {
            SettingKeys.ChatSystemPrompt => _chatSystemPrompt is not null,
            SettingKeys.ChatDeveloperPrompt => _chatDeveloperPrompt is not null,
            _ => false,
        };
    }

    private bool TrySet(string name, object? value)
    {
        foreach (var (property, _, set) in Properties)
        {
            if (property == name)
            {
                set(this, value);
                return true;
            }
        }

        return false;
    }

    private static List<ForeignSettings.Entry> TemplateEntries(IDictionary<string, object>? data)
    {
        var entries = new List<ForeignSettings.Entry>(data?.Count ?? 0);
        foreach (var (key, value) in data ?? new Dictionary<string, object>())
        {
            entries.Add(new ForeignSettings.Entry(key, value, Typed: false));
        }

        return entries;
    }

    /// <summary>The typed properties that are request parameters, by their JSON names (the names <see cref="FlockParameters"/> reads them by).</summary>
    private static readonly (string Name, Func<FlockPromptExecutionSettings, object?> Get, Action<FlockPromptExecutionSettings, object?> Set)[] Properties =
    [
        ("temperature", static s => s._temperature, static (s, v) => s._temperature = (double?)v),
        ("top_p", static s => s._topP, static (s, v) => s._topP = (double?)v),
        ("max_tokens", static s => s._maxTokens, static (s, v) => s._maxTokens = (int?)v),
        (FlockParameters.N, static s => s._choiceCount, static (s, v) => s._choiceCount = (int?)v),
        (FlockParameters.BestOf, static s => s._bestOf, static (s, v) => s._bestOf = (int?)v),
        ("frequency_penalty", static s => s._frequencyPenalty, static (s, v) => s._frequencyPenalty = (double?)v),
        ("presence_penalty", static s => s._presencePenalty, static (s, v) => s._presencePenalty = (double?)v),
        (FlockParameters.LogitBias, static s => s._logitBias, static (s, v) => s._logitBias = (IDictionary<int, int>?)v),
        (FlockParameters.Logprobs, static s => s._logprobs, static (s, v) => s._logprobs = (int?)v),
        ("seed", static s => s._seed, static (s, v) => s._seed = (long?)v),
        ("stop", static s => s._stopSequences, static (s, v) => s._stopSequences = (IList<string>?)v),
        (FlockParameters.User, static s => s._user, static (s, v) => s._user = (string?)v),
        (FlockParameters.StreamOptions, static s => s._streamOptions, static (s, v) => s._streamOptions = (FlockStreamOptions?)v),
        (FlockParameters.StrictJsonSchema, static s => s._strictJsonSchema, static (s, v) => s._strictJsonSchema = (bool?)v),
        ("response_format", static s => s._responseFormat, static (s, v) => s._responseFormat = v),
        ("top_k", static s => s._topK, static (s, v) => s._topK = (int?)v),
        (FlockParameters.MinP, static s => s._minP, static (s, v) => s._minP = (double?)v),
        (FlockParameters.RepetitionPenalty, static s => s._repetitionPenalty, static (s, v) => s._repetitionPenalty = (double?)v),
        (FlockParameters.ReasoningEffort, static s => s._reasoningEffort, static (s, v) => s._reasoningEffort = (string?)v),
        (FlockParameters.ChatTemplateKwargs, static s => s._chatTemplateKwargs, static (s, v) => s._chatTemplateKwargs = (IDictionary<string, object?>?)v),
        (FlockParameters.EnableThinking, static s => s._enableThinking, static (s, v) => s._enableThinking = (bool?)v),
        (FlockParameters.ThinkTags, static s => s._thinkTags, static (s, v) => s._thinkTags = (FlockThinkTags?)v),
        (FlockParameters.IncludeReasoningInHistory, static s => s._includeReasoningInHistory, static (s, v) => s._includeReasoningInHistory = (bool?)v),
        (FlockParameters.Tags, static s => s._tags, static (s, v) => s._tags = (IList<string>?)v),
        (FlockParameters.SpendLogsMetadata, static s => s._spendLogsMetadata, static (s, v) => s._spendLogsMetadata = (IDictionary<string, object?>?)v),
        (FlockParameters.EndUserId, static s => s._endUserId, static (s, v) => s._endUserId = (string?)v),
        (FlockParameters.RequestTimeout, static s => s._requestTimeout, static (s, v) => s._requestTimeout = (TimeSpan?)v),
        (FlockParameters.StreamTimeout, static s => s._streamTimeout, static (s, v) => s._streamTimeout = (TimeSpan?)v),
        (FlockParameters.NumRetries, static s => s._numRetries, static (s, v) => s._numRetries = (int?)v),
        (FlockParameters.Fallbacks, static s => s._fallbacks, static (s, v) => s._fallbacks = (IList<string>?)v),
        (FlockParameters.Cache, static s => s._cache, static (s, v) => s._cache = (FlockCacheControl?)v),
        (FlockParameters.EnableMessageRedaction, static s => s._enableMessageRedaction, static (s, v) => s._enableMessageRedaction = (bool?)v),
        (FlockParameters.ExtraHeaders, static s => s._extraHeaders, static (s, v) => s._extraHeaders = (IDictionary<string, string>?)v),
    ];

    private T Set<T>(T value)
    {
        ThrowIfFrozen();
        return value;
    }
}
