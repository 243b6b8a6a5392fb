using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Flock.Benchmarks;

/// <summary>The least any connector must do: frame SSE events and read each chunk's delta with a Utf8JsonReader.</summary>
public static class Floor
{
    public static async Task<int> StreamAsync(byte[] body)
    {
        var length = 0;
        using var stream = new MemoryStream(body, writable: false);
        await foreach (var item in SseParser.Create(stream, static (_, data) => ReadDeltaLength(data)).EnumerateAsync().ConfigureAwait(false))
        {
            length += item.Data;
        }

        return length;
    }

    public static int Completion(byte[] body) => ReadDeltaLength(body);

    /// <summary>Length of every <c>content</c>/<c>arguments</c> string in the JSON, read without materialising anything.</summary>
    private static int ReadDeltaLength(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return 0;
        }

        var reader = new Utf8JsonReader(data);
        var length = 0;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.PropertyName && (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("arguments"u8)))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    length += reader.ValueSpan.Length;
                }
            }
        }

        return length;
    }
}
