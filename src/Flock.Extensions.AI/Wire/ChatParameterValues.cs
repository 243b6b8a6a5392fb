using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Wire;

/// <summary>Where a value came from; a value from a higher source is never replaced by one from a lower source.</summary>
internal enum ParameterSource : byte
{
    /// <summary>A key no parameter models, outside <c>extra_body</c>: a provider extra.</summary>
    Extra,

    /// <summary>A field of <c>extra_body</c>, flattened into the body.</summary>
    ExtraBody,

    /// <summary>A key under another name MEAI uses (<c>strict</c>).</summary>
    Alias,

    /// <summary>An <c>AdditionalProperties</c> key under the parameter's own JSON name.</summary>
    Template,

    /// <summary>A typed property (SK settings) or a typed ChatOptions member.</summary>
    Typed,

    /// <summary>A field of the body returned by <c>ChatOptions.RawRepresentationFactory</c>: the caller's last word.</summary>
    Raw,
}

/// <summary>
/// The parameter values of one request, by <see cref="ChatParameter"/>, plus provider extras (keys the table does not know,
/// sent as they are). Built from MEAI options, validated and written onto the wire by the table alone. One precedence rule:
/// typed members win over keys, which win over <c>extra_body</c>, which wins over other unknown keys (<see cref="ParameterSource"/>).
/// </summary>
internal sealed class ChatParameterValues
{
    private readonly object?[] _values = new object?[ChatParameters.All.Length];
    private readonly ParameterSource[] _sources = new ParameterSource[ChatParameters.All.Length];
    private Dictionary<string, (object? Value, ParameterSource Source)>? _extras;

    // "logprobs": true asks for log probabilities without a count; a "top_logprobs" count then fills it in whatever its source.
    private bool _logprobsWithoutCount;

    /// <summary>Keys no parameter models, in the order given: sent to the server as they are.</summary>
    public IEnumerable<KeyValuePair<string, object?>> Extras =>
        _extras is null ? [] : _extras.Select(static e => KeyValuePair.Create(e.Key, e.Value.Value));

    /// <summary>The value of <paramref name="parameter"/>, or null when unset. Setting it is a typed setting.</summary>
    public object? this[ChatParameter parameter]
    {
        get => _values[parameter.Index];
        set => Set(parameter, value, ParameterSource.Typed);
    }

    /// <summary>Sets a value unless one from a higher source is already there (a null value from a source unsets it).</summary>
    public void Set(ChatParameter parameter, object? value, ParameterSource source)
    {
        if (_values[parameter.Index] is not null && _sources[parameter.Index] > source)
        {
            return;
        }

        if (parameter == ChatParameters.Logprobs)
        {
            _logprobsWithoutCount = false;
        }

        _values[parameter.Index] = value;
        _sources[parameter.Index] = source;
    }

    /// <summary>
    /// Binds a loosely typed value by key: a parameter's JSON name or alias (read into its type), <c>extra_body</c> (each
    /// field bound below template keys), or any other key as a provider extra. A null value for an unknown key is not sent.
    /// </summary>
    /// <exception cref="ArgumentException">A known key holds a value of the wrong type.</exception>
    public void Bind(string key, object? value, ParameterSource source = ParameterSource.Template)
    {
        if (key == "top_logprobs")
        {
            // The chat wire's name for the count; the API document's integer "logprobs" is the same setting.
            var count = ChatParameters.Logprobs.Read(value);
            if (_logprobsWithoutCount && count is not null)
            {
                _values[ChatParameters.Logprobs.Index] = count;
                _logprobsWithoutCount = false;
                return;
            }

            Set(ChatParameters.Logprobs, count, source);
        }
        else if (ChatParameters.TryFind(key, out var parameter))
        {
            BindKnown(parameter, value, source);
        }
        else if (ChatParameters.Aliases.TryGetValue(key, out var aliased))
        {
            BindKnown(aliased, value, source == ParameterSource.Template ? ParameterSource.Alias : source);
        }
        else if (key == "extra_body" && source >= ParameterSource.Template)
        {
            foreach (var (field, item) in SettingValues.ToObject(key, value) ?? new Dictionary<string, object?>())
            {
                if (field.StartsWith("$.", StringComparison.Ordinal))
                {
                    // SK's OpenAI connector reads such keys as JSONPath patches; sent as a field name they would mean nothing.
                    throw new NotSupportedException(
                        $"extra_body key '{field}' is a JSONPath patch (as SK's OpenAI connector reads it); Flock's extra_body takes top-level " +
                        "fields only. Give the whole field instead, e.g. extra_body: {\"thinking\": {\"enabled\": false}}.");
                }

                Bind(field, item, ParameterSource.ExtraBody);
            }
        }
        else if (value is not null and not JsonElement { ValueKind: JsonValueKind.Null })
        {
            var extras = _extras ??= [];
            // Unknown keys rank below extra_body, unless they come from the caller's raw body.
            var rank = source is ParameterSource.ExtraBody or ParameterSource.Raw ? source : ParameterSource.Extra;
            if (!extras.TryGetValue(key, out var existing) || existing.Source <= rank)
            {
                extras[key] = (value, rank);
            }
        }
    }

    /// <summary>Binds every pair (e.g. SK's ExtensionData or MEAI's AdditionalProperties) from one source.</summary>
    public void BindAll(IEnumerable<KeyValuePair<string, object?>>? pairs, ParameterSource source = ParameterSource.Template)
    {
        if (pairs is null)
        {
            return;
        }

        foreach (var (key, value) in pairs)
        {
            Bind(key, value, source);
        }
    }

    /// <summary>Reads the parameters MEAI's <see cref="ChatOptions"/> has typed members for (the rest come from its additional properties).</summary>
    public void ReadFrom(ChatOptions options)
    {
        foreach (var parameter in ChatParameters.All)
        {
            if (parameter.Options is { } member && member.Get(options) is { } value)
            {
                Set(parameter, value, ParameterSource.Typed);
            }
        }
    }

    /// <summary>
    /// Where <paramref name="additional"/> holds, under a typed member's JSON name, the same value more exactly than the member
    /// can (a <see cref="double"/> the <see cref="float"/> member rounds, a format of the kind the member states), the exact
    /// value is taken. A different value is not: typed members win over keys (documented on <see cref="FlockParameters"/>).
    /// </summary>
    public void RefineExactValues(IReadOnlyDictionary<string, object?> additional)
    {
        foreach (var parameter in ChatParameters.All)
        {
            if (parameter.Options is not { } member || _values[parameter.Index] is not { } typed
                || !additional.TryGetValue(parameter.Name, out var loose) || parameter.Read(loose) is not { } exact)
            {
                continue;
            }

            var probe = new ChatOptions();
            member.Set(probe, exact);
            if (Equals(member.Get(probe), typed))
            {
                _values[parameter.Index] = exact;
            }
        }
    }

    /// <summary>
    /// Validates every value against its range, then writes the request fields and extras onto <paramref name="request"/>.
    /// <c>stream_options</c> is written only when <paramref name="streaming"/> (the API document: "only used when stream: true").
    /// </summary>
    /// <exception cref="ArgumentException">A value is outside its documented range (the parameter's JSON name is the ParamName).</exception>
    public void WriteTo(ChatRequest request, bool streaming)
    {
        foreach (var parameter in ChatParameters.All)
        {
            if (_values[parameter.Index] is { } value && (streaming || parameter != ChatParameters.StreamOptions))
            {
                parameter.Validate(value);
                parameter.Write(value, request);
            }
        }

        WriteDefaultsTo(request, streaming);
        if (_extras is { Count: > 0 } extras)
        {
            request.Extra ??= new Dictionary<string, JsonElement>(extras.Count);
            foreach (var (key, (value, _)) in extras)
            {
                request.Extra[key] = SettingValues.ToJsonElement(key, value);
            }
        }
    }

    /// <summary>What a request carries when no value says otherwise: usage on a stream's last chunk.</summary>
    public static void WriteDefaultsTo(ChatRequest request, bool streaming)
    {
        if (streaming)
        {
            // Usage on the last chunk unless the caller said otherwise.
            (request.StreamOptions ??= new StreamOptions()).IncludeUsage ??= true;
        }
    }

    private void BindKnown(ChatParameter parameter, object? value, ParameterSource source)
    {
        if (parameter == ChatParameters.Logprobs && SettingValues.ToBooleanOrNull(value) is { } enabled)
        {
            // The chat wire's boolean form: true keeps a count already set (from "top_logprobs"), false turns it off.
            if (!enabled)
            {
                Set(parameter, null, source);
            }
            else if (_values[parameter.Index] is null)
            {
                Set(parameter, 0, source);
                _logprobsWithoutCount = true;
            }

            return;
        }

        Set(parameter, parameter.Read(value), source);
    }
}
