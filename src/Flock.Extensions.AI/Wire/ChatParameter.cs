using System.Globalization;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// One request parameter: its JSON name, how a loosely typed value (a JSON element, a template string, a CLR number, a
/// list or a map) is read into its type, the range the API document gives it, and where it goes on the wire. Everything
/// that handles settings — MEAI options, SK settings and their binding, cloning, validation, the wire writer — goes
/// through <see cref="ChatParameters"/>, the one table of these.
/// </summary>
internal sealed class ChatParameter
{
    private readonly Func<string, object?, object?> _read;
    private readonly Action<string, object>? _validate;
    private readonly Action<object, ChatRequest>? _write;
    private readonly Func<object, object>? _copy;

    public ChatParameter(
        string name, Func<string, object?, object?> read, Action<string, object>? validate, Action<object, ChatRequest>? write,
        Func<object, object>? copy = null, OptionsMember? options = null)
    {
        Name = name;
        _read = read;
        _validate = validate;
        _write = write;
        _copy = copy;
        Options = options;
    }

    /// <summary>MEAI's typed <see cref="ChatOptions"/> member for this parameter, when it has one.</summary>
    public OptionsMember? Options { get; }

    /// <summary>The JSON name, as in the API document and prompt templates.</summary>
    public string Name { get; }

    /// <summary>The position in <see cref="ChatParameters.All"/> (and in a <see cref="ChatParameterValues"/>).</summary>
    public int Index { get; internal set; }

    /// <summary>Whether the parameter is the connector's own switch rather than a field of the request body.</summary>
    public bool IsConnectorSetting => _write is null;

    /// <summary>Reads a loosely typed value; a value of the wrong type is an <see cref="ArgumentException"/> naming the parameter.</summary>
    public object? Read(object? value) => _read(Name, value);

    /// <summary>Throws an <see cref="ArgumentException"/> naming the parameter and its range when the value is outside it.</summary>
    public void Validate(object value) => _validate?.Invoke(Name, value);

    /// <summary>Puts the value on the wire request (nothing for a connector setting).</summary>
    public void Write(object value, ChatRequest request) => _write?.Invoke(value, request);

    /// <summary>A copy that shares nothing mutable with <paramref name="value"/>.</summary>
    public object? Copy(object? value) => value is null || _copy is null ? value : _copy(value);

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>
/// A parameter's typed member on MEAI's <see cref="ChatOptions"/>: <see cref="Get"/> reads it as the parameter's value (null
/// when unset), <see cref="Set"/> stores a value there. A member may not hold every value exactly (a <see cref="float"/>
/// cannot hold every <see cref="double"/>): what <see cref="Get"/> gives back after <see cref="Set"/> says whether it did.
/// <see cref="Set"/> with null clears the member.
/// </summary>
internal sealed record OptionsMember(Func<ChatOptions, object?> Get, Action<ChatOptions, object?> Set);

/// <summary>The table: every chat request parameter the connector models, each once.</summary>
internal static partial class ChatParameters
{
    public static readonly ChatParameter Temperature = Number(
        "temperature", 0, 2, static (v, r) => r.Temperature = v, new(static o => ToDouble(o.Temperature), static (o, v) => o.Temperature = (float?)(double?)v));

    public static readonly ChatParameter TopP = Number(
        "top_p", 0, 1, static (v, r) => r.TopP = v, new(static o => ToDouble(o.TopP), static (o, v) => o.TopP = (float?)(double?)v));

    public static readonly ChatParameter MaxTokens = Count(
        "max_tokens", static (v, r) => r.MaxTokens = v, new(static o => o.MaxOutputTokens, static (o, v) => o.MaxOutputTokens = (int?)v));

    public static readonly ChatParameter N = Count("n", static (v, r) => r.N = v);
    public static readonly ChatParameter BestOf = Count("best_of", static (v, r) => r.BestOf = v);

    public static readonly ChatParameter FrequencyPenalty = Number(
        "frequency_penalty", -2, 2, static (v, r) => r.FrequencyPenalty = v,
        new(static o => ToDouble(o.FrequencyPenalty), static (o, v) => o.FrequencyPenalty = (float?)(double?)v));

    public static readonly ChatParameter PresencePenalty = Number(
        "presence_penalty", -2, 2, static (v, r) => r.PresencePenalty = v,
        new(static o => ToDouble(o.PresencePenalty), static (o, v) => o.PresencePenalty = (float?)(double?)v));

    public static readonly ChatParameter LogitBias = new(
        "logit_bias",
        static (name, value) => SettingValues.ToTokenMap(name, value),
        static (name, value) =>
        {
            foreach (var (token, bias) in (IDictionary<int, int>)value)
            {
                if (token < 0)
                {
                    throw new ArgumentException($"logit_bias keys must be token ids (non-negative integers); got '{token.ToString(CultureInfo.InvariantCulture)}'.", name);
                }

                if (bias is < -100 or > 100)
                {
                    throw new ArgumentOutOfRangeException(name, bias, $"logit_bias values must be between -100 and 100 (token {token.ToString(CultureInfo.InvariantCulture)}).");
                }
            }
        },
        static (value, request) =>
        {
            var bias = (IDictionary<int, int>)value;
            var wire = new Dictionary<string, int>(bias.Count);
            foreach (var (token, v) in bias)
            {
                wire[token.ToString(CultureInfo.InvariantCulture)] = v;
            }

            request.LogitBias = wire;
        },
        static value => new Dictionary<int, int>((IDictionary<int, int>)value));

    /// <summary>The API document's integer <c>logprobs</c> (0–5 most likely tokens), sent as <c>"logprobs": true, "top_logprobs": N</c>.</summary>
    public static readonly ChatParameter Logprobs = new(
        "logprobs",
        static (name, value) => SettingValues.ToInt32(name, value),
        static (name, value) =>
        {
            if ((int)value is < 0 or > 5)
            {
                throw new ArgumentOutOfRangeException(name, value, "logprobs must be between 0 and 5 (the number of most likely tokens returned per position).");
            }
        },
        static (value, request) =>
        {
            request.Logprobs = true;
            request.TopLogprobs = (int)value;
        });

    public static readonly ChatParameter Seed = new(
        "seed", static (name, value) => SettingValues.ToInt64(name, value), null, static (v, r) => r.Seed = (long)v, null,
        new(static o => o.Seed, static (o, v) => o.Seed = (long?)v));

    public static readonly ChatParameter Stop = new(
        "stop",
        static (name, value) => SettingValues.ToTextList(name, value),
        static (name, value) =>
        {
            var stop = (IList<string>)value;
            if (stop.Count > 4)
            {
                throw new ArgumentOutOfRangeException(name, stop.Count, "stop takes one string or an array of up to 4 strings.");
            }

            foreach (var s in stop)
            {
                if (string.IsNullOrEmpty(s))
                {
                    throw new ArgumentException("stop sequences must be non-empty strings.", name);
                }
            }
        },
        static (v, r) => r.Stop = (IList<string>)v,
        static value => new List<string>((IList<string>)value),
        new(static o => o.StopSequences, static (o, v) => o.StopSequences = (IList<string>?)v));

    public static readonly ChatParameter User = new("user", static (name, value) => SettingValues.ToText(name, value), null, static (v, r) => r.User = (string)v);

    /// <summary><c>stream_options</c> (a <see cref="FlockStreamOptions"/>); only with streaming, where the connector asks for usage unless told not to.</summary>
    public static readonly ChatParameter StreamOptions = new(
        "stream_options",
        static (name, value) => value switch
        {
            null or System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Null } => null,
            FlockStreamOptions options => options,
            _ => new FlockStreamOptions { IncludeUsage = SettingValues.ToBoolean("stream_options.include_usage", SettingValues.Property(name, value, "include_usage")) },
        },
        null,
        static (v, r) => (r.StreamOptions ??= new Wire.StreamOptions()).IncludeUsage = ((FlockStreamOptions)v).IncludeUsage,
        static v => new FlockStreamOptions { IncludeUsage = ((FlockStreamOptions)v).IncludeUsage });

    /// <summary>
    /// The answer's format, in any form <see cref="ResponseFormats"/> reads. MEAI's member holds only a
    /// <see cref="ChatResponseFormat"/>: any other form is given there by its kind (text or JSON, what telemetry reports) and
    /// travels as it is under its JSON name.
    /// </summary>
    public static readonly ChatParameter ResponseFormat = new(
        "response_format",
        static (_, value) => value,
        null,
        static (v, r) => r.ResponseFormat = r.StrictSchemas ? StrictSchemas.ResponseFormat(ResponseFormats.ToWire(v)) : ResponseFormats.ToWire(v),
        null,
        new(static o => o.ResponseFormat, static (o, v) => o.ResponseFormat = v is null ? null : ResponseFormats.KindOf(v)));

    /// <summary>vLLM's top-k sampling: -1 (off) or at least 1 of the most likely tokens.</summary>
    public static readonly ChatParameter TopK = new(
        "top_k",
        static (name, value) => SettingValues.ToInt32(name, value),
        static (name, value) =>
        {
            if ((int)value is < -1 or 0)
            {
                throw new ArgumentOutOfRangeException(name, value, "top_k must be -1 (no limit) or at least 1.");
            }
        },
        static (v, r) => r.TopK = (int)v,
        null,
        new(static o => o.TopK, static (o, v) => o.TopK = (int?)v));

    /// <summary>vLLM's min-p sampling, 0 to 1.</summary>
    public static readonly ChatParameter MinP = Number("min_p", 0, 1, static (v, r) => r.MinP = v);

    /// <summary>vLLM's repetition penalty, greater than 0 (1 is none).</summary>
    public static readonly ChatParameter RepetitionPenalty = new(
        "repetition_penalty",
        static (name, value) => SettingValues.ToDouble(name, value),
        static (name, value) =>
        {
            var v = (double)value;
            if (double.IsNaN(v) || double.IsInfinity(v) || v <= 0)
            {
                throw new ArgumentOutOfRangeException(name, v, "repetition_penalty must be greater than 0 (1 means no penalty).");
            }
        },
        static (v, r) => r.RepetitionPenalty = (double)v);

    /// <summary>How hard a reasoning model thinks (<c>low</c>, <c>medium</c>, <c>high</c>…), passed to the model server as it is.</summary>
    public static readonly ChatParameter ReasoningEffort = new(
        "reasoning_effort", static (name, value) => SettingValues.ToText(name, value), null, static (v, r) => r.ReasoningEffort = (string)v);

    /// <summary>Arguments of the model's chat template, e.g. Qwen3's <c>{"enable_thinking": false}</c>.</summary>
    public static readonly ChatParameter ChatTemplateKwargs = new(
        "chat_template_kwargs",
        static (name, value) => SettingValues.ToObject(name, value),
        null,
        static (v, r) =>
        {
            var kwargs = r.ChatTemplateKwargs ??= [];
            foreach (var (key, item) in (IDictionary<string, object?>)v)
            {
                kwargs[key] = SettingValues.ToJsonElement("chat_template_kwargs." + key, item);
            }
        },
        static v => new Dictionary<string, object?>((IDictionary<string, object?>)v));

    /// <summary>Qwen3's thinking switch, sent as <c>chat_template_kwargs.enable_thinking</c> (it wins over the same key there).</summary>
    public static readonly ChatParameter EnableThinking = new(
        "enable_thinking",
        static (name, value) => SettingValues.ToBoolean(name, value),
        null,
        static (v, r) => (r.ChatTemplateKwargs ??= [])["enable_thinking"] = SettingValues.ToJsonElement("enable_thinking", v));


    /// <summary>How thinking text inside the answer is split from it (<see cref="FlockThinkTags"/>); the connector's, not a body field.</summary>
    public static readonly ChatParameter ThinkTags = new(
        "think_tags", static (name, value) => SettingValues.ToEnum<FlockThinkTags>(name, value), null, null);

    /// <summary>
    /// MEAI's strictness hint (<c>strictJsonSchema</c>, also read as <c>strict</c>): <c>strict: true</c> in a JSON schema
    /// response format and on function tools, never a body field of its own.
    /// </summary>
    public static readonly ChatParameter StrictJsonSchema = new(
        "strictJsonSchema", static (name, value) => SettingValues.ToBoolean(name, value), null, static (v, r) => r.StrictSchemas = (bool)v);

    /// <summary>Which earlier reasoning goes back as <c>reasoning_content</c> (see <see cref="FlockParameters.IncludeReasoningInHistory"/>): the connector's switch, not a request field.</summary>
    public static readonly ChatParameter IncludeReasoningInHistory = new(
        "include_reasoning_in_history", static (name, value) => SettingValues.ToBoolean(name, value), null, null);

    /// <summary>Every parameter, in the order they are written (made in the static constructor: the parameters are fields of two files, whose initialisers run in no set order).</summary>
    public static readonly ChatParameter[] All;

    // A plain dictionary, not a frozen one: building a frozen dictionary analyses its keys and, in a process's first call,
    // loads System.Collections.Immutable for it, which costs more than these few lookups per call ever win back.
    private static readonly Dictionary<string, ChatParameter> ByName;

    static ChatParameters()
    {
        All =
        [
            Temperature, TopP, MaxTokens, N, BestOf, FrequencyPenalty, PresencePenalty, LogitBias, Logprobs, Seed, Stop, User,
            StreamOptions, StrictJsonSchema, ResponseFormat, TopK, MinP, RepetitionPenalty, ReasoningEffort, ChatTemplateKwargs, EnableThinking,
            ThinkTags, IncludeReasoningInHistory,
            Tags, SpendLogsMetadata, EndUserId, RequestTimeout, StreamTimeout, NumRetries, Fallbacks, Cache, EnableMessageRedaction, ExtraHeaders,
        ];
        ByName = CreateIndex();
    }

    /// <summary>
    /// Other names MEAI uses for the same parameters (<c>strict</c>, as on function tools). A value under the parameter's own
    /// name wins over one under an alias. (Semantic Kernel's names for them are the SK bridge's business.)
    /// </summary>
    public static readonly IReadOnlyDictionary<string, ChatParameter> Aliases = new Dictionary<string, ChatParameter>(StringComparer.Ordinal)
    {
        ["strict"] = StrictJsonSchema,
    };

    /// <summary>Every key binding understands: the parameters' JSON names, their aliases, <c>top_logprobs</c> and <c>extra_body</c>.</summary>
    public static IEnumerable<string> Names => ByName.Keys.Concat(Aliases.Keys).Append("top_logprobs").Append("extra_body");

    /// <summary>Finds a parameter by its JSON name.</summary>
    public static bool TryFind(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out ChatParameter? parameter) =>
        ByName.TryGetValue(name, out parameter);

    private static Dictionary<string, ChatParameter> CreateIndex()
    {
        for (var i = 0; i < All.Length; i++)
        {
            All[i].Index = i;
        }

        return All.ToDictionary(static p => p.Name, StringComparer.Ordinal);
    }

    /// <summary>A float option as the decimal the caller wrote (0.3f is read as 0.3, not 0.30000001192092896).</summary>
    public static double? ToDouble(float? value) =>
        value is { } f ? double.Parse(f.ToString("R", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : null;

    private static ChatParameter Number(string name, double min, double max, Action<double, ChatRequest> write, OptionsMember? options = null) => new(
        name,
        static (n, value) => SettingValues.ToDouble(n, value),
        (n, value) =>
        {
            var v = (double)value;
            if (double.IsNaN(v) || v < min || v > max)
            {
                throw new ArgumentOutOfRangeException(n, v,
                    $"{n} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.");
            }
        },
        (value, request) => write((double)value, request),
        null,
        options);

    private static ChatParameter Count(string name, Action<int, ChatRequest> write, OptionsMember? options = null) => new(
        name,
        static (n, value) => SettingValues.ToInt32(n, value),
        static (n, value) =>
        {
            if ((int)value < 1)
            {
                throw new ArgumentOutOfRangeException(n, value, $"{n} must be at least 1.");
            }
        },
        (value, request) => write((int)value, request),
        null,
        options);
}
