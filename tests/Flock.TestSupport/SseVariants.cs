using System.Text;

namespace Flock.Tests.Support;

/// <summary>The same SSE stream framed in every way WHATWG allows and servers use.</summary>
public static class SseVariants
{
    public static TheoryData<string> Names => new(Transforms.Keys);

    public static byte[] Apply(string name, string sse) => Transforms[name](sse);

    private static readonly Dictionary<string, Func<string, byte[]>> Transforms = new()
    {
        ["as sent by the proxy"] = sse => Utf8(sse),
        ["CRLF line endings"] = sse => Utf8(sse.Replace("\n", "\r\n")),
        ["lone CR line endings"] = sse => Utf8(sse.Replace("\n", "\r")),
        ["data: without a space"] = sse => Utf8(sse.Replace("data: ", "data:")),
        ["keep-alive ping comments"] = sse => Utf8(": ping - 2025-01-01 00:00:00\n\n" + sse.Replace("\n\n", "\n\n: ping - 2025-01-01 00:00:15\n\n")),
        ["comment lines inside an event"] = sse => Utf8(sse.Replace("data: ", ": keep-alive\ndata: ")),
        ["event, id and retry lines"] = sse => Utf8(sse.Replace("data: ", "event: message\nid: 7\nretry: 3000\ndata: ")),
        ["an event spread over two data lines"] = sse => Utf8(sse.Replace(",\"choices\":", ",\ndata: \"choices\":")),
        ["a leading BOM"] = sse => [0xEF, 0xBB, 0xBF, .. Utf8(sse)],
        ["a BOM and CRLF"] = sse => [0xEF, 0xBB, 0xBF, .. Utf8(sse.Replace("\n", "\r\n"))],
    };

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}

/// <summary>Enumerates a stream to its end or its exception, keeping what arrived.</summary>
public static class Drain
{
    public static async Task<(List<T> Items, Exception? Error)> AllAsync<T>(IAsyncEnumerable<T> source)
    {
        var items = new List<T>();
        try
        {
            await foreach (var item in source)
            {
                items.Add(item);
            }
        }
        catch (Exception ex)
        {
            return (items, ex);
        }

        return (items, null);
    }
}
