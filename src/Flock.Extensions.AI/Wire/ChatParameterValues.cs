using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// The parameter values of one request, by <see cref="ChatParameter"/>, plus provider extras (keys the table does not know,
/// sent as they are). Built from MEAI options or SK settings, validated and written onto the wire by the table alone.
/// </summary>
internal sealed class ChatParameterValues
{
    private readonly object?[] _values = new object?[ChatParameters.All.Length];

    /// <summary>Keys no parameter models, in the order given: sent to the server as they are.</summary>
    public Dictionary<string, object?>? Extras { get; private set; }

    /// <summary>The value of <paramref name="parameter"/>, or null when unset.</summary>
    public object? this[ChatParameter parameter]
    {
        get => _values[parameter.Index];
        set => _values[parameter.Index] = value;
    }

    /// <summary>Whether any parameter or extra is set.</summary>
    public bool IsEmpty => Extras is null && Array.TrueForAll(_values, static v => v is null);

    /// <summary>Sets a parameter by JSON name from a loosely typed value; returns false (and sets nothing) for an unknown key.</summary>
    /// <exception cref="ArgumentException">The key is known and the value has the wrong type.</exception>
    public bool TryBind(string key, object? value)
    {
        if (key == "top_logprobs")
        {
            // The chat wire's name for the count; the document's integer "logprobs" is the same setting.
            _values[ChatParameters.Logprobs.Index] = ChatParameters.Logprobs.Read(value);
            return true;
        }

        if (!ChatParameters.TryFind(key, out var parameter))
        {
            return false;
        }

        if (parameter == ChatParameters.Logprobs && SettingValues.ToBooleanOrNull(value) is { } enabled)
        {
            // The chat wire's boolean form: true keeps a count already set (from "top_logprobs"), false turns it off.
            _values[parameter.Index] = enabled ? _values[parameter.Index] ?? 0 : null;
            return true;
        }

        _values[parameter.Index] = parameter.Read(value);
        return true;
    }

    /// <summary>Sets a known key, or keeps an unknown one as a provider extra (a null value removes it).</summary>
    public void Bind(string key, object? value)
    {
        if (TryBind(key, value))
        {
            return;
        }

        if (value is null)
        {
            Extras?.Remove(key);
            return;
        }

        (Extras ??= [])[key] = value;
    }

    /// <summary>A copy that shares nothing mutable (lists and maps are copied).</summary>
    public ChatParameterValues Clone()
    {
        var copy = new ChatParameterValues();
        foreach (var parameter in ChatParameters.All)
        {
            copy._values[parameter.Index] = parameter.Copy(_values[parameter.Index]);
        }

        copy.Extras = Extras is null ? null : new Dictionary<string, object?>(Extras);
        return copy;
    }

    /// <summary>Reads the parameters MEAI's <see cref="ChatOptions"/> has typed members for (the rest come from its additional properties).</summary>
    public void ReadFrom(ChatOptions options)
    {
        foreach (var parameter in ChatParameters.All)
        {
            if (parameter.Options is { } member)
            {
                _values[parameter.Index] = member.Get(options);
            }
        }
    }

    /// <summary>
    /// Puts the values on <paramref name="options"/> for <see cref="FlockChatClient"/> (Semantic Kernel's bridge does): each in
    /// its typed member where <see cref="ChatOptions"/> has one, so middleware such as telemetry sees it; under its JSON name in
    /// <see cref="ChatOptions.AdditionalProperties"/> where it has none or the member cannot hold the value exactly (a
    /// <see cref="double"/> a <see cref="float"/> would round), which the client reads after the typed members, so the exact
    /// value is what is sent. Provider extras go there as they are.
    /// </summary>
    public void WriteTo(ChatOptions options)
    {
        foreach (var parameter in ChatParameters.All)
        {
            if (_values[parameter.Index] is not { } value)
            {
                continue;
            }

            if (parameter.Options is { } member)
            {
                member.Set(options, value);
                if (Equals(member.Get(options), value))
                {
                    continue;
                }
            }

            (options.AdditionalProperties ??= [])[parameter.Name] = value;
        }

        if (Extras is { Count: > 0 } extras)
        {
            foreach (var (key, value) in extras)
            {
                (options.AdditionalProperties ??= [])[key] = value;
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

        if (streaming)
        {
            // Usage on the last chunk unless the caller said otherwise.
            (request.StreamOptions ??= new StreamOptions()).IncludeUsage ??= true;
        }

        if (Extras is { Count: > 0 } extras)
        {
            request.Extra ??= new Dictionary<string, JsonElement>(extras.Count);
            foreach (var (key, value) in extras)
            {
                request.Extra[key] = SettingValues.ToJsonElement(key, value);
            }
        }
    }
}
