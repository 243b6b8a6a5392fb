using System.Globalization;
using System.Text.Json;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// The LiteLLM proxy's own controls for one call, in the form its documentation gives each: body fields (<c>tags</c>,
/// <c>timeout</c>, <c>stream_timeout</c>, <c>num_retries</c>, <c>fallbacks</c>, <c>cache</c>) or request headers (spend-logs
/// metadata, the end user, message redaction, and the caller's own headers). Each is checked before anything is sent: header
/// values are visible ASCII only (no CR, LF or other control characters), tags hold no commas, and sizes are bounded.
/// </summary>
internal static partial class ChatParameters
{
    /// <summary>The most tags, fallbacks or extra headers a call may carry.</summary>
    public const int MaxItems = 32;

    /// <summary>The longest tag, model name, end-user id or header name.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The longest header value (the spend-logs metadata's JSON included).</summary>
    public const int MaxHeaderValueLength = 8 * 1024;

    /// <summary>Headers a caller may not set: the key's (only the client sets it, and only for the endpoint) and the transport's own.</summary>
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-litellm-api-key", "authorization", "api-key", "proxy-authorization", "cookie", "host", "content-length",
        "content-type", "transfer-encoding", "connection", "accept", "accept-encoding", "expect", "upgrade", "te", "trailer",
    };

    /// <summary>Tags for spend tracking and tag routing: the <c>tags</c> body field.</summary>
    public static readonly ChatParameter Tags = new(
        "tags",
        static (name, value) => SettingValues.ToTextList(name, value),
        static (name, value) =>
        {
            var tags = (IList<string>)value;
            Bounded(name, tags.Count);
            foreach (var tag in tags)
            {
                Visible(name, tag, MaxNameLength);
                if (tag.Contains(',', StringComparison.Ordinal))
                {
                    throw new ArgumentException($"tags must not contain commas (the proxy splits its tags header on them); got '{tag}'.", name);
                }
            }
        },
        static (v, r) => Body(r, "tags", v),
        static v => new List<string>((IList<string>)v));

    /// <summary>Metadata the proxy writes to its spend logs: the <c>x-litellm-spend-logs-metadata</c> header, as JSON.</summary>
    public static readonly ChatParameter SpendLogsMetadata = new(
        "spend_logs_metadata",
        static (name, value) => SettingValues.ToObject(name, value),
        static (name, value) => Visible(name, MetadataJson((IDictionary<string, object?>)value), MaxHeaderValueLength),
        static (v, r) => Header(r, "x-litellm-spend-logs-metadata", MetadataJson((IDictionary<string, object?>)v)),
        static v => new Dictionary<string, object?>((IDictionary<string, object?>)v));

    /// <summary>The end user (customer) the call is for, for the proxy's per-customer budgets and limits: the <c>x-litellm-end-user-id</c> header.</summary>
    public static readonly ChatParameter EndUserId = new(
        "end_user_id",
        static (name, value) => SettingValues.ToText(name, value),
        static (name, value) => Visible(name, (string)value, MaxNameLength),
        static (v, r) => Header(r, "x-litellm-end-user-id", (string)v));

    /// <summary>How long the proxy gives the model to answer: the <c>timeout</c> body field, in seconds.</summary>
    public static readonly ChatParameter RequestTimeout = Duration("timeout");

    /// <summary>How long the proxy waits for a stream's first chunk: the <c>stream_timeout</c> body field, in seconds.</summary>
    public static readonly ChatParameter StreamTimeout = Duration("stream_timeout");

    /// <summary>How many times the proxy retries the model itself: the <c>num_retries</c> body field, 0 to 10.</summary>
    public static readonly ChatParameter NumRetries = new(
        "num_retries",
        static (name, value) => SettingValues.ToInt32(name, value),
        static (name, value) =>
        {
            if ((int)value is < 0 or > 10)
            {
                throw new ArgumentOutOfRangeException(name, value, "num_retries must be between 0 and 10.");
            }
        },
        static (v, r) => Body(r, "num_retries", v));

    /// <summary>Models the proxy tries in turn when the one asked for fails: the <c>fallbacks</c> body field.</summary>
    public static readonly ChatParameter Fallbacks = new(
        "fallbacks",
        static (name, value) => SettingValues.ToTextList(name, value),
        static (name, value) =>
        {
            var models = (IList<string>)value;
            Bounded(name, models.Count);
            foreach (var model in models)
            {
                if (string.IsNullOrWhiteSpace(model) || model.Length > MaxNameLength)
                {
                    throw new ArgumentException($"fallbacks must be model names of 1 to {MaxNameLength} characters; got '{model}'.", name);
                }
            }
        },
        static (v, r) => Body(r, "fallbacks", v),
        static v => new List<string>((IList<string>)v));

    /// <summary>The proxy's cache controls: one <c>cache</c> body object.</summary>
    public static readonly ChatParameter Cache = new(
        "cache",
        static (name, value) => ToCacheControl(name, value),
        static (name, value) =>
        {
            var cache = (FlockCacheControl)value;
            NotNegative(name + ".ttl", cache.Ttl);
            NotNegative(name + ".s-maxage", cache.SMaxAge);
            if (cache.Namespace is { } ns && (ns.Length is 0 or > MaxNameLength))
            {
                throw new ArgumentException($"cache.namespace must be 1 to {MaxNameLength} characters.", name);
            }
        },
        static (v, r) => Body(r, "cache", CacheObject((FlockCacheControl)v)),
        static v =>
        {
            var c = (FlockCacheControl)v;
            return new FlockCacheControl { NoCache = c.NoCache, NoStore = c.NoStore, Ttl = c.Ttl, SMaxAge = c.SMaxAge, Namespace = c.Namespace };
        });

    /// <summary>Asks the proxy to keep messages out of its logs: the <c>x-litellm-enable-message-redaction</c> header.</summary>
    public static readonly ChatParameter EnableMessageRedaction = new(
        "enable_message_redaction",
        static (name, value) => SettingValues.ToBoolean(name, value),
        null,
        static (v, r) => Header(r, "x-litellm-enable-message-redaction", (bool)v ? "true" : "false"));

    /// <summary>The caller's own request headers, sent as they are; the key's and the transport's own cannot be set this way.</summary>
    public static readonly ChatParameter ExtraHeaders = new(
        "extra_headers",
        static (name, value) => ToHeaders(name, value),
        static (name, value) =>
        {
            var headers = (IDictionary<string, string>)value;
            Bounded(name, headers.Count);
            foreach (var (header, text) in headers)
            {
                if (header.Length is 0 or > MaxNameLength || !header.All(IsTokenChar))
                {
                    throw new ArgumentException($"extra_headers: '{header}' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~, at most {MaxNameLength}).", name);
                }

                if (ReservedHeaders.Contains(header))
                {
                    throw new ArgumentException($"extra_headers cannot set '{header}': the client sets it (the API key only ever from FlockOptions.ApiKey).", name);
                }

                Visible(name, text, MaxHeaderValueLength, $"{name}['{header}']");
            }
        },
        static (v, r) =>
        {
            foreach (var (header, text) in (IDictionary<string, string>)v)
            {
                Header(r, header, text);
            }
        },
        static v => new Dictionary<string, string>((IDictionary<string, string>)v, StringComparer.OrdinalIgnoreCase));

    private static ChatParameter Duration(string name) => new(
        name,
        static (n, value) => ToDuration(n, value),
        static (n, value) =>
        {
            var duration = (TimeSpan)value;
            if (duration <= TimeSpan.Zero || duration > TimeSpan.FromDays(1))
            {
                throw new ArgumentOutOfRangeException(n, duration, $"{n} must be more than 0 and at most a day.");
            }
        },
        (v, r) => Body(r, name, ((TimeSpan)v).TotalSeconds));

    /// <summary>A duration: a <see cref="TimeSpan"/>, a number of seconds, or text holding either (<c>"30"</c>, <c>"00:00:30"</c>).</summary>
    private static TimeSpan? ToDuration(string key, object? value) => value switch
    {
        null or JsonElement { ValueKind: JsonValueKind.Null } => null,
        TimeSpan span => span,
        string text when TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var span) && text.Contains(':', StringComparison.Ordinal) => span,
        JsonElement { ValueKind: JsonValueKind.String } e when TimeSpan.TryParseExact(e.GetString(), "c", CultureInfo.InvariantCulture, out var span) && e.GetString()!.Contains(':', StringComparison.Ordinal) => span,
        _ => SettingValues.ToDouble(key, value) is { } seconds && !double.IsNaN(seconds) && !double.IsInfinity(seconds) && Math.Abs(seconds) < 1e9
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{key} must be a duration (a TimeSpan or a number of seconds).", key),
    };

    private static FlockCacheControl? ToCacheControl(string key, object? value)
    {
        if (value is null or JsonElement { ValueKind: JsonValueKind.Null })
        {
            return null;
        }

        if (value is FlockCacheControl control)
        {
            return control;
        }

        var fields = SettingValues.ToObject(key, value)!;
        var cache = new FlockCacheControl();
        foreach (var (field, item) in fields)
        {
            switch (field)
            {
                case "no-cache":
                    cache.NoCache = SettingValues.ToBoolean(key + ".no-cache", item);
                    break;
                case "no-store":
                    cache.NoStore = SettingValues.ToBoolean(key + ".no-store", item);
                    break;
                case "ttl":
                    cache.Ttl = ToDuration(key + ".ttl", item);
                    break;
                case "s-maxage":
                    cache.SMaxAge = ToDuration(key + ".s-maxage", item);
                    break;
                case "namespace":
                    cache.Namespace = SettingValues.ToText(key + ".namespace", item);
                    break;
                default:
                    throw new ArgumentException($"cache has no control '{field}': it takes no-cache, no-store, ttl, s-maxage and namespace.", key);
            }
        }

        return cache;
    }

    private static Dictionary<string, object?> CacheObject(FlockCacheControl cache)
    {
        var fields = new Dictionary<string, object?>();
        if (cache.NoCache is { } noCache)
        {
            fields["no-cache"] = noCache;
        }

        if (cache.NoStore is { } noStore)
        {
            fields["no-store"] = noStore;
        }

        if (cache.Ttl is { } ttl)
        {
            fields["ttl"] = (long)Math.Ceiling(ttl.TotalSeconds);
        }

        if (cache.SMaxAge is { } maxAge)
        {
            fields["s-maxage"] = (long)Math.Ceiling(maxAge.TotalSeconds);
        }

        if (cache.Namespace is { } ns)
        {
            fields["namespace"] = ns;
        }

        return fields;
    }

    private static IDictionary<string, string>? ToHeaders(string key, object? value)
    {
        if (value is IDictionary<string, string> typed)
        {
            return new Dictionary<string, string>(typed, StringComparer.OrdinalIgnoreCase);
        }

        if (SettingValues.ToObject(key, value) is not { } fields)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (header, item) in fields)
        {
            headers[header] = SettingValues.ToText($"{key}['{header}']", item) ?? throw new ArgumentException($"{key}['{header}'] must be text.", key);
        }

        return headers;
    }

    /// <summary>The metadata as JSON text with every non-ASCII character escaped, so it travels in a header.</summary>
    private static string MetadataJson(IDictionary<string, object?> metadata)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            SettingValues.ToJsonElement("spend_logs_metadata", metadata).WriteTo(writer);
        }

        return System.Text.Encoding.ASCII.GetString(buffer.WrittenSpan);
    }

    private static void Body(ChatRequest request, string field, object? value) =>
        (request.Extra ??= [])[field] = SettingValues.ToJsonElement(field, value);

    private static void Header(ChatRequest request, string name, string value) =>
        (request.Headers ??= new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase))[name] = value;

    private static void Bounded(string name, int count)
    {
        if (count > MaxItems)
        {
            throw new ArgumentOutOfRangeException(name, count, $"{name} takes at most {MaxItems} entries.");
        }
    }

    private static void NotNegative(string name, TimeSpan? duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(name, duration, $"{name} must not be negative.");
        }
    }

    /// <summary>A header value: 1 to <paramref name="maxLength"/> visible ASCII characters or spaces (no CR, LF or other controls).</summary>
    private static void Visible(string name, string value, int maxLength, string? label = null)
    {
        label ??= name;
        if (value.Length is 0 || value.Length > maxLength)
        {
            throw new ArgumentException($"{label} must be 1 to {maxLength} characters long; got {value.Length}.", name);
        }

        var bad = value.AsSpan().IndexOfAnyExceptInRange(' ', '~');
        if (bad >= 0)
        {
            throw new ArgumentException(
                $"{label} travels in an HTTP header, which takes visible ASCII only: character {bad + 1} is {(value[bad] is '\r' or '\n' ? "a line break" : char.IsControl(value[bad]) ? "a control character" : "not ASCII")}.",
                name);
        }
    }

    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '!' or '#' or '$' or '%' or '&' or '\'' or '*' or '+' or '-' or '.' or '^' or '_' or '`' or '|' or '~';
}
