using System.Text.Json;
using System.Text.Json.Nodes;

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
}
