using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;

namespace Flock.Emulator.Recording;

/// <summary>
/// One recorded exchange, as stored in its JSON file: the request (auth headers removed) and the response status, headers
/// and body segments in the order and sizes they arrived (UTF-8 text when every segment is valid UTF-8, else base64).
/// </summary>
internal sealed record Exchange(
    string Method,
    string Path,
    string Query,
    IReadOnlyList<KeyValuePair<string, string>> RequestHeaders,
    byte[] RequestBody,
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> ResponseHeaders,
    IReadOnlyList<byte[]> Segments,
    bool Truncated)
{
    /// <summary>Headers never written to a recording: credentials, and what the transport decides anew when replaying.</summary>
    private static readonly HashSet<string> DroppedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "x-litellm-api-key", "authorization", "proxy-authorization", "api-key", "x-api-key", "cookie", "set-cookie",
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "date", "server",
    };

    private static readonly JsonSerializerOptions FileJson = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The rule a request is matched by: method, route, query and canonical body; see <see cref="ReplayOptions"/>.</summary>
    public string MatchKey => Key(Method, Path, Query, RequestBody);

    public static bool IsRecordable(string header) => !DroppedHeaders.Contains(header);

    public static string Key(string method, string path, string query, byte[] body)
    {
        var route = Hosting.EmulatorHandler.Route(path.TrimEnd('/'));
        var text = Encoding.UTF8.GetString(body);
        var canonical = body.Length == 0 ? "" : CanonicalJson.TryWrite(text) ?? "raw:" + text;
        return $"{method.ToUpperInvariant()} {route}{query} {canonical}";
    }

    /// <summary>A short stable name for a match key, used in file names and error messages.</summary>
    public static string Hash(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant()[..16];

    /// <summary>The file-name prefix shared by every recording of one request: <c>post_chat-completions_&lt;hash&gt;</c>.</summary>
    public static string FilePrefix(string method, string path, string key)
    {
        var route = Hosting.EmulatorHandler.Route(path.TrimEnd('/')).Trim('/');
        var slug = new string(route.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-').ToArray());
        return $"{method.ToLowerInvariant()}_{(slug.Length == 0 ? "root" : slug)}_{Hash(key)}";
    }

    public string ToJson(string key)
    {
        var request = new JsonObject
        {
            ["method"] = Method,
            ["path"] = Path,
        };
        if (Query.Length > 0)
        {
            request["query"] = Query;
        }

        request["headers"] = Headers(RequestHeaders);
        if (RequestBody.Length > 0)
        {
            // JSON bodies are stored as JSON to stay readable; matching reads them back canonically, so nothing is lost.
            var text = Encoding.UTF8.GetString(RequestBody);
            if (TryParse(text) is { } json)
            {
                request["body"] = json;
            }
            else
            {
                request["bodyText"] = text;
            }
        }

        var response = new JsonObject
        {
            ["status"] = Status,
            ["headers"] = Headers(ResponseHeaders),
        };

        var texts = new JsonArray();
        try
        {
            foreach (var segment in Segments)
            {
                texts.Add(StrictUtf8.GetString(segment));
            }

            response["body"] = texts;
        }
        catch (DecoderFallbackException)
        {
            // A segment ends inside a multi-byte character (or the body is binary): keep the bytes exactly.
            response["bodyBase64"] = new JsonArray(Segments.Select(s => (JsonNode?)Convert.ToBase64String(s)).ToArray());
        }

        if (Truncated)
        {
            response["truncated"] = true;
        }

        var root = new JsonObject
        {
            ["match"] = key,
            ["request"] = request,
            ["response"] = response,
        };
        return root.ToJsonString(FileJson);
    }

    private static JsonNode? TryParse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a recording file; throws <see cref="InvalidDataException"/> naming the file when it is not one.</summary>
    public static Exchange FromJson(string json, string file)
    {
        try
        {
            var root = JsonNode.Parse(json)!.AsObject();
            var request = root["request"]!.AsObject();
            var response = root["response"]!.AsObject();
            var body = request["body"] is { } b
                ? Encoding.UTF8.GetBytes(b.ToJsonString())
                : Encoding.UTF8.GetBytes((string?)request["bodyText"] ?? "");
            var segments = response["bodyBase64"] is JsonArray base64
                ? base64.Select(s => Convert.FromBase64String((string)s!)).ToList()
                : (response["body"] as JsonArray ?? []).Select(s => Encoding.UTF8.GetBytes((string)s!)).ToList();
            return new Exchange(
                (string)request["method"]!,
                (string)request["path"]!,
                (string?)request["query"] ?? "",
                ReadHeaders(request["headers"]),
                body,
                (int)response["status"]!,
                ReadHeaders(response["headers"]),
                segments,
                (bool?)response["truncated"] ?? false);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException or FormatException or KeyNotFoundException)
        {
            throw new InvalidDataException($"'{file}' is not a Flock emulator recording: {ex.Message}", ex);
        }
    }

    private static JsonObject Headers(IEnumerable<KeyValuePair<string, string>> headers)
    {
        var result = new JsonObject();
        foreach (var group in headers.GroupBy(h => h.Key.ToLowerInvariant()))
        {
            var values = group.Select(h => h.Value).ToArray();
            result[group.Key] = values.Length == 1 ? values[0] : new JsonArray(values.Select(v => (JsonNode?)v).ToArray());
        }

        return result;
    }

    private static List<KeyValuePair<string, string>> ReadHeaders(JsonNode? node)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in node?.AsObject() ?? [])
        {
            if (value is JsonArray values)
            {
                headers.AddRange(values.Select(v => new KeyValuePair<string, string>(name, (string)v!)));
            }
            else if (value is not null)
            {
                headers.Add(new(name, value.GetValueKind() == JsonValueKind.String ? (string)value! : value.ToJsonString()));
            }
        }

        return headers;
    }

    /// <summary>The occurrence number in a recording's file name (<c>…_3.json</c> → 3).</summary>
    public static int Occurrence(string file)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(file);
        var underscore = name.LastIndexOf('_');
        return underscore >= 0 && int.TryParse(name[(underscore + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 1;
    }
}
