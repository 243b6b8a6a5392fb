using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI;

/// <summary>
/// The request parameters <see cref="FlockChatClient"/> models, by their JSON names (as in the API document), and how it
/// reads them from <see cref="ChatOptions"/>. An adapter over another settings type (Semantic Kernel's bridge is one) builds
/// its <see cref="ChatOptions"/> with <see cref="Set"/>, the same way an MEAI caller would by hand.
/// </summary>
/// <remarks>
/// <para>
/// How <see cref="FlockChatClient"/> reads <see cref="ChatOptions"/>: its typed members first (<c>Temperature</c>,
/// <c>TopP</c>, <c>MaxOutputTokens</c>, <c>FrequencyPenalty</c>, <c>PresencePenalty</c>, <c>Seed</c>, <c>StopSequences</c>,
/// <c>TopK</c>, <c>ResponseFormat</c>, <c>Reasoning.Effort</c>), then <see cref="ChatOptions.AdditionalProperties"/> by JSON
/// name. A key never replaces a typed member's value with another value. It does give the same value more exactly than the
/// member can hold: a <see cref="double"/> that a <see cref="float"/> member rounds to (<c>Temperature = 0.12345679f</c> with
/// <c>"temperature" = 0.1234567890123</c> sends the double), or a response format of the kind (text or JSON) the member
/// states. A <see cref="float"/> member alone is read as the shortest decimal that gives it back (<c>0.3f</c> is sent as 0.3).
/// </para>
/// <para>
/// Besides <see cref="Names"/>, the client understands <c>top_logprobs</c> (the count for <c>logprobs</c>, which may also be
/// <c>true</c> or <c>false</c>), <c>strict</c> (as <c>strictJsonSchema</c>) and <c>extra_body</c> (its fields flattened into the
/// body below every other key). Any other key is sent as it is, for the model server. A value of the wrong type is an
/// <see cref="ArgumentException"/> naming the key; ranges are checked when the request is sent.
/// </para>
/// </remarks>
public static class FlockParameters
{
    /// <summary><c>n</c>: how many choices to generate, at least 1 (an <see cref="int"/>).</summary>
    public const string N = "n";

    /// <summary><c>best_of</c>: completions generated server-side to return the most likely, at least 1 (an <see cref="int"/>).</summary>
    public const string BestOf = "best_of";

    /// <summary><c>logit_bias</c>: bias per token id, −100 to 100 (an <see cref="IDictionary{TKey, TValue}"/> of <see cref="int"/> to <see cref="int"/>).</summary>
    public const string LogitBias = "logit_bias";

    /// <summary><c>logprobs</c>: how many most likely tokens to return log probabilities for, 0 to 5 (an <see cref="int"/>); sent as <c>"logprobs": true, "top_logprobs": N</c>.</summary>
    public const string Logprobs = "logprobs";

    /// <summary><c>user</c>: a stable identifier of the end user (a <see cref="string"/>).</summary>
    public const string User = "user";

    /// <summary><c>stream_options</c>: a <see cref="FlockStreamOptions"/>, sent only when streaming (usage is asked for unless it says otherwise).</summary>
    public const string StreamOptions = "stream_options";

    /// <summary><c>min_p</c>: vLLM's min-p sampling, 0 to 1 (a <see cref="double"/>).</summary>
    public const string MinP = "min_p";

    /// <summary><c>repetition_penalty</c>: vLLM's repetition penalty, greater than 0 (a <see cref="double"/>).</summary>
    public const string RepetitionPenalty = "repetition_penalty";

    /// <summary><c>reasoning_effort</c>: how hard a reasoning model thinks (a <see cref="string"/> such as <c>low</c>), sent as it is.</summary>
    public const string ReasoningEffort = "reasoning_effort";

    /// <summary><c>chat_template_kwargs</c>: arguments of the model's chat template (an <see cref="IDictionary{TKey, TValue}"/> of <see cref="string"/> to <see cref="object"/>).</summary>
    public const string ChatTemplateKwargs = "chat_template_kwargs";

    /// <summary><c>enable_thinking</c>: Qwen3's thinking switch (a <see cref="bool"/>), sent as <c>chat_template_kwargs.enable_thinking</c>.</summary>
    public const string EnableThinking = "enable_thinking";

    /// <summary><c>think_tags</c>: how thinking text inside the answer is split from it (a <see cref="FlockThinkTags"/>); not sent.</summary>
    public const string ThinkTags = "think_tags";

    /// <summary>
    /// <c>include_reasoning_in_history</c> (a <see cref="bool"/>; not sent itself): which earlier reasoning goes back as
    /// <c>reasoning_content</c>. Unset: that of every exchange that made tool calls (an exchange: the messages from one user
    /// message to the next), as DeepSeek's thinking models require; true: all of it; false: none.
    /// </summary>
    public const string IncludeReasoningInHistory = "include_reasoning_in_history";

    /// <summary><c>strictJsonSchema</c>: MEAI's strictness hint (a <see cref="bool"/>): <c>strict: true</c> on JSON schemas and function tools; not sent itself.</summary>
    public const string StrictJsonSchema = "strictJsonSchema";

    /// <summary>
    /// <c>tags</c>: tags for the proxy's spend tracking and tag routing (a list of strings, no commas, at most 32), sent as the
    /// <c>tags</c> body field.
    /// </summary>
    public const string Tags = "tags";

    /// <summary><c>spend_logs_metadata</c>: metadata the proxy writes to its spend logs (a map), sent as JSON in the <c>x-litellm-spend-logs-metadata</c> header.</summary>
    public const string SpendLogsMetadata = "spend_logs_metadata";

    /// <summary><c>end_user_id</c>: the end user (customer) the call is for (a string), sent in the <c>x-litellm-end-user-id</c> header.</summary>
    public const string EndUserId = "end_user_id";

    /// <summary><c>timeout</c>: how long the proxy gives the model (a <see cref="TimeSpan"/>, or seconds), sent in seconds as the <c>timeout</c> body field.</summary>
    public const string RequestTimeout = "timeout";

    /// <summary><c>stream_timeout</c>: how long the proxy waits for a stream's first chunk (a <see cref="TimeSpan"/>, or seconds), the <c>stream_timeout</c> body field.</summary>
    public const string StreamTimeout = "stream_timeout";

    /// <summary><c>num_retries</c>: how often the proxy retries the model itself, 0 to 10 (an <see cref="int"/>), the <c>num_retries</c> body field.</summary>
    public const string NumRetries = "num_retries";

    /// <summary><c>fallbacks</c>: models the proxy tries in turn when the one asked for fails (a list of names), the <c>fallbacks</c> body field.</summary>
    public const string Fallbacks = "fallbacks";

    /// <summary><c>cache</c>: the proxy's cache controls for the call (a <see cref="FlockCacheControl"/>), one <c>cache</c> body object.</summary>
    public const string Cache = "cache";

    /// <summary><c>enable_message_redaction</c>: keep messages out of the proxy's logs (a <see cref="bool"/>), the <c>x-litellm-enable-message-redaction</c> header.</summary>
    public const string EnableMessageRedaction = "enable_message_redaction";

    /// <summary>
    /// <c>extra_headers</c>: request headers of the caller's own (an <see cref="IDictionary{TKey, TValue}"/> of <see cref="string"/>
    /// to <see cref="string"/>), sent as they are; values visible ASCII only; the API key's header and the transport's own
    /// (authorization, cookie, content headers…) cannot be set.
    /// </summary>
    public const string ExtraHeaders = "extra_headers";

    /// <summary>Every parameter's JSON name, in the order the client writes them.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.AsReadOnly(Array.ConvertAll(ChatParameters.All, static p => p.Name));

    /// <summary>
    /// What <see cref="FlockChatClient"/> reads from <paramref name="options"/> (without its messages, tools and model): each
    /// parameter it models by JSON name, read into its .NET type (see the constants), then every other key as it was given,
    /// <c>extra_body</c>'s fields flattened. Nothing is range-checked here.
    /// </summary>
    /// <param name="options">The options; null reads as none.</param>
    /// <exception cref="ArgumentException">A value has the wrong type for its key (the key is the parameter name).</exception>
    /// <exception cref="NotSupportedException">An <c>extra_body</c> key is a JSONPath patch, which Flock cannot apply.</exception>
    public static IReadOnlyDictionary<string, object?> Read(ChatOptions? options)
    {
        var values = MeaiToFlock.ToParameters(options);
        var result = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var parameter in ChatParameters.All)
        {
            if (values[parameter] is { } value)
            {
                result[parameter.Name] = parameter.Copy(value);
            }
        }

        foreach (var (key, value) in values.Extras)
        {
            result[key] = value;
        }

        return result;
    }

    /// <summary>
    /// Sets one parameter on <paramref name="options"/> so that <see cref="FlockChatClient"/> reads it back unchanged: in its
    /// typed member where <see cref="ChatOptions"/> has one (so middleware such as telemetry sees it), and under its JSON name
    /// in <see cref="ChatOptions.AdditionalProperties"/> where it has none or the member cannot hold the value exactly (a
    /// <see cref="double"/> a <see cref="float"/> rounds, a response format given as text, a schema or a .NET type). A key
    /// that is not in <see cref="Names"/> (<c>top_logprobs</c>, <c>extra_body</c>, a provider extra) is put in
    /// <see cref="ChatOptions.AdditionalProperties"/> as it is given.
    /// </summary>
    /// <param name="options">The options to change.</param>
    /// <param name="name">The parameter's JSON name, or any other key.</param>
    /// <param name="value">The value, typed or loosely typed (a JSON element, text, a number, a list or a map); null removes it.</param>
    /// <exception cref="ArgumentException">The value has the wrong type for the parameter (the parameter's name is the ParamName).</exception>
    public static void Set(ChatOptions options, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(name);
        if (!ChatParameters.TryFind(name, out var parameter)
            || (parameter == ChatParameters.Logprobs && SettingValues.ToBooleanOrNull(value) is not null))
        {
            // Read by the client as it is: the wire's boolean logprobs, top_logprobs, extra_body, strict, provider extras.
            SetAdditional(options, name, value);
            return;
        }

        var typed = parameter.Read(value);
        if (parameter.Options is { } member)
        {
            member.Set(options, typed);
            if (typed is null || Equals(member.Get(options), typed))
            {
                options.AdditionalProperties?.Remove(name);
                return;
            }
        }

        SetAdditional(options, name, typed);
    }

    private static void SetAdditional(ChatOptions options, string name, object? value)
    {
        if (value is null)
        {
            options.AdditionalProperties?.Remove(name);
        }
        else
        {
            (options.AdditionalProperties ??= [])[name] = value;
        }
    }
}
