using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;

namespace Flock.Emulator;

/// <summary>One HTTP request as the emulator received it, recorded before authentication and validation.</summary>
/// <remarks>Only the emulator records requests; a test reads them (<see cref="FlockEmulator.Requests"/>) and may copy one with <c>with</c>.</remarks>
public sealed record RecordedRequest
{
    internal RecordedRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
    }

    /// <summary>The HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; init; }

    /// <summary>The request path without the query string, e.g. <c>/v1/chat/completions</c>.</summary>
    public string Path { get; init; }

    /// <summary>
    /// Every request header (case-insensitive names; repeated values joined with ", "). A credential header
    /// (<c>x-litellm-api-key</c>, <c>Authorization</c>, <c>api-key</c>, <c>x-api-key</c>, <c>Proxy-Authorization</c>,
    /// <c>Cookie</c>) keeps its value only when it is the emulator's own key (public as <see cref="FlockEmulator.ApiKey"/>);
    /// any other value is recorded masked as the proxy echoes keys, <c>sk-...XXXX</c>, never as sent.
    /// </summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; }

    /// <summary>The raw request body decoded as UTF-8 (empty when there was none).</summary>
    public string Body { get; init; }

    /// <summary>
    /// The body parsed as JSON (a fresh tree on each access), or null when it is empty or not valid JSON; for a chat or image
    /// request's object body, <see cref="JsonBody"/> reads without a null check.
    /// </summary>
    public JsonNode? Json
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Body))
            {
                return null;
            }

            try
            {
                return JsonNode.Parse(Body);
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>Kestrel's id of the TCP connection the request arrived on (tells how many connections a client opened).</summary>
    public string? ConnectionId { get; init; }

    /// <summary>
    /// The query string with its <c>?</c> (empty when there was none); a <c>key</c> parameter's value is redacted as a
    /// credential header's is, so a test can see that a key was put in the URL without the key being kept.
    /// </summary>
    public string Query { get; init; } = "";

    /// <summary>
    /// The spend-tracking tags the request carries, as the proxy collects them: the body's <c>tags</c>, then
    /// <c>metadata.tags</c>, then the comma-separated <c>x-litellm-tags</c> header; trimmed, each once, in that order.
    /// </summary>
    public IReadOnlyList<string> Tags
    {
        get
        {
            var tags = new List<string>();
            void Add(string? tag)
            {
                if (tag?.Trim() is { Length: > 0 } trimmed && !tags.Contains(trimmed))
                {
                    tags.Add(trimmed);
                }
            }

            var body = Json as JsonObject;
            foreach (var list in new[] { body?["tags"], (body?["metadata"] as JsonObject)?["tags"] })
            {
                foreach (var item in (list as JsonArray) ?? [])
                {
                    Add(item is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null);
                }
            }

            foreach (var tag in Header("x-litellm-tags")?.Split(',') ?? [])
            {
                Add(tag);
            }

            return tags;
        }
    }

    /// <summary>The body's <c>metadata</c> object (a fresh tree on each access), or null when it has none.</summary>
    public JsonObject? Metadata => (Json as JsonObject)?["metadata"] as JsonObject;

    /// <summary>
    /// The spend-logs metadata: the <c>x-litellm-spend-logs-metadata</c> header's JSON object, else the body's
    /// <c>metadata.spend_logs_metadata</c> (a fresh tree on each access); null when neither is a JSON object.
    /// </summary>
    public JsonObject? SpendLogsMetadata
    {
        get
        {
            if (Header("x-litellm-spend-logs-metadata") is { } header)
            {
                try
                {
                    return JsonNode.Parse(header) as JsonObject;
                }
                catch (JsonException)
                {
                    return null;
                }
            }

            return Metadata?["spend_logs_metadata"] as JsonObject;
        }
    }

    /// <summary>
    /// The end user (customer) the request is for, found as the proxy finds it: the <c>x-litellm-customer-id</c> header,
    /// then <c>x-litellm-end-user-id</c>, then the body's <c>user</c>, then <c>litellm_metadata.user</c> and
    /// <c>metadata.user_id</c>; null when none is given.
    /// </summary>
    public string? EndUserId
    {
        get
        {
            if (Header("x-litellm-customer-id") is { Length: > 0 } customer)
            {
                return customer;
            }

            if (Header("x-litellm-end-user-id") is { Length: > 0 } endUser)
            {
                return endUser;
            }

            var body = Json as JsonObject;
            foreach (var node in new[] { body?["user"], (body?["litellm_metadata"] as JsonObject)?["user"], (body?["metadata"] as JsonObject)?["user_id"] })
            {
                if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is { Length: > 0 } user)
                {
                    return user;
                }
            }

            return null;
        }
    }

    /// <summary>The value of a header, or null when the request did not carry it.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// True when the request sent <paramref name="key"/> as its API key (<c>x-litellm-api-key</c>, or <c>Authorization:
    /// Bearer</c>). Compared by SHA-256, so a test can check a key the emulator does not keep (see <see cref="Headers"/>).
    /// </summary>
    public bool CarriesKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return SentKeyHashes.Contains(KeyHash(key));
    }

    /// <summary>SHA-256 (hex) of each API key the request presented, as the proxy stores keys.</summary>
    internal IReadOnlyList<string> SentKeyHashes { get; init; } = [];

    internal static string KeyHash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();

    /// <summary>
    /// Asserts that the JSON body has the top-level property <paramref name="name"/> with the value <paramref name="expectedJson"/>,
    /// compared as JSON (key order, whitespace and number spelling aside), e.g. <c>AssertParameter("stop", """["END"]""")</c>.
    /// </summary>
    /// <exception cref="FlockEmulatorAssertionException">The property is missing or has another value; the message shows both and the body.</exception>
    public RecordedRequest AssertParameter(string name, string expectedJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(expectedJson);
        var expected = CanonicalJson.TryWrite(expectedJson)
            ?? throw new ArgumentException($"The expected value must be JSON text (a string keeps its JSON quotes), got {expectedJson}.", nameof(expectedJson));
        var body = JsonBody();
        if (!body.TryGetPropertyValue(name, out var actual))
        {
            throw new FlockEmulatorAssertionException($"Expected \"{name}\" to be {expected}, but the request did not send it. Body: {Excerpt(Body, 2000)}");
        }

        var actualText = actual is null ? "null" : CanonicalJson.TryWrite(actual.ToJsonString())!;
        if (actualText != expected)
        {
            throw new FlockEmulatorAssertionException($"Expected \"{name}\" to be {expected}, but the request sent {actualText}. Body: {Excerpt(Body, 2000)}");
        }

        return this;
    }

    /// <summary>Asserts that the JSON body has no top-level property <paramref name="name"/> (a setting left unset is not sent).</summary>
    /// <exception cref="FlockEmulatorAssertionException">The property is there; the message shows its value.</exception>
    public RecordedRequest AssertNoParameter(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (JsonBody().TryGetPropertyValue(name, out var actual))
        {
            throw new FlockEmulatorAssertionException(
                $"Expected no \"{name}\", but the request sent {(actual is null ? "null" : actual.ToJsonString())}. Body: {Excerpt(Body, 2000)}");
        }

        return this;
    }

    /// <summary>The body as a JSON object (a fresh tree on each call), e.g. <c>request.JsonBody()["temperature"]</c>.</summary>
    /// <exception cref="FlockEmulatorAssertionException">The body is empty, not valid JSON or not an object; the message shows it.</exception>
    public JsonObject JsonBody() => Json as JsonObject
        ?? throw new FlockEmulatorAssertionException($"Expected a JSON object body on {Method} {Path}, but got: {(Body.Length == 0 ? "(empty)" : Excerpt(Body, 500))}");

    internal static string Excerpt(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length} characters)";
}
