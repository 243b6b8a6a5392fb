using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol;

/// <summary>An error answered before any output, in the proxy's error shape, with the headers the proxy sends with it.</summary>
internal sealed class ProtocolException(
    int status, string message, string? type, string? param, IReadOnlyList<KeyValuePair<string, string>>? headers = null) : Exception(message)
{
    public int Status { get; } = status;

    public string? Type { get; } = type;

    public string? Param { get; } = param;

    /// <summary>Headers the answer carries besides the ones every answer has (a 429's <c>retry-after</c>, say).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; } = headers ?? [];
}

/// <summary>Shared JSON writing settings: compact, readable (non-ASCII and HTML characters left as they are).</summary>
internal static class JsonDefaults
{
    public static readonly JsonSerializerOptions Compact = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Write(JsonNode node) => node.ToJsonString(Compact);
}

/// <summary>Builds the proxy's error bodies.</summary>
internal static class ErrorBodies
{
    /// <summary><c>{"error":{"message":…,"type":…,"param":…,"code":"&lt;status&gt;"}}</c>, as the proxy answers before a stream starts.</summary>
    public static string Build(int status, string message, string? type, string? param) => JsonDefaults.Write(new JsonObject
    {
        ["error"] = new JsonObject
        {
            ["message"] = message,
            ["type"] = type,
            ["param"] = param,
            ["code"] = status.ToString(CultureInfo.InvariantCulture),
        },
    });

    /// <summary>The mid-stream error event as Python's <c>json.dumps</c> writes it: spaces after separators, non-ASCII escaped.</summary>
    public static string BuildPythonStyle(int status, string message)
    {
        var sb = new StringBuilder();
        sb.Append("{\"error\": {\"message\": ");
        AppendPythonString(sb, message);
        sb.Append(", \"type\": \"None\", \"param\": \"None\", \"code\": \"");
        sb.Append(status.ToString(CultureInfo.InvariantCulture));
        sb.Append("\"}}");
        return sb.ToString();
    }

    private static void AppendPythonString(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7F)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }
}
