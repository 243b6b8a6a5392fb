using System.Text.Json;
using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;

namespace Flock.Emulator;

/// <summary>One HTTP request as the emulator received it, recorded before authentication and validation.</summary>
/// <param name="Method">The HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">The request path without the query string, e.g. <c>/v1/chat/completions</c>.</param>
/// <param name="Headers">Every request header (case-insensitive names; repeated values joined with ", ").</param>
/// <param name="Body">The raw request body decoded as UTF-8 (empty when there was none).</param>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The body parsed as JSON (a fresh tree on each access), or null when it is empty or not valid JSON.</summary>
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

    /// <summary>The value of a header, or null when the request did not carry it.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

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

    private JsonObject JsonBody() => Json as JsonObject
        ?? throw new FlockEmulatorAssertionException($"Expected a JSON object body on {Method} {Path}, but got: {(Body.Length == 0 ? "(empty)" : Excerpt(Body, 500))}");

    internal static string Excerpt(string text, int max) => text.Length <= max ? text : text[..max] + $"… ({text.Length} characters)";
}
