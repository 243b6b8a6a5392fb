using System.Text.Json;

namespace Flock.Extensions.AI;

/// <summary>
/// A raw prompt in one of the forms the Flock API document allows for <c>messages</c>: a string, an array of strings, an
/// array of token ids, or an array of token-id arrays (<see cref="EndOfText"/> separates documents). Send it with
/// <see cref="FlockChatClient.CompletePromptAsync"/> or <see cref="FlockChatClient.StreamPromptAsync"/>.
/// </summary>
public sealed class FlockPrompt
{
    /// <summary>The document separator, <c>&lt;|endoftext|&gt;</c>.</summary>
    public const string EndOfText = "<|endoftext|>";

    private FlockPrompt(JsonElement json) => Json = json;

    /// <summary>The value sent as <c>messages</c>.</summary>
    internal JsonElement Json { get; }

    /// <summary>One string: <c>"messages": "…"</c>.</summary>
    public static FlockPrompt FromText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Build(writer => writer.WriteStringValue(text));
    }

    /// <summary>Several strings: <c>"messages": ["…", "…"]</c>.</summary>
    public static FlockPrompt FromTexts(params string[] texts)
    {
        NotEmpty(texts, nameof(texts));
        return Build(writer =>
        {
            writer.WriteStartArray();
            foreach (var text in texts)
            {
                writer.WriteStringValue(text ?? throw new ArgumentException("Prompt strings cannot be null.", nameof(texts)));
            }

            writer.WriteEndArray();
        });
    }

    /// <summary>Token ids of the model's tokenizer: <c>"messages": [1, 2, 3]</c>.</summary>
    public static FlockPrompt FromTokens(params int[] tokens)
    {
        NotEmpty(tokens, nameof(tokens));
        return Build(writer => WriteTokens(writer, tokens, nameof(tokens)));
    }

    /// <summary>Several token-id sequences: <c>"messages": [[1, 2], [3, 4]]</c>.</summary>
    public static FlockPrompt FromTokenArrays(params int[][] tokenArrays)
    {
        NotEmpty(tokenArrays, nameof(tokenArrays));
        return Build(writer =>
        {
            writer.WriteStartArray();
            foreach (var tokens in tokenArrays)
            {
                NotEmpty(tokens, nameof(tokenArrays));
                WriteTokens(writer, tokens, nameof(tokenArrays));
            }

            writer.WriteEndArray();
        });
    }

    /// <summary>The JSON sent as <c>messages</c>.</summary>
    public override string ToString() => Json.GetRawText();

    private static void WriteTokens(Utf8JsonWriter writer, int[] tokens, string name)
    {
        writer.WriteStartArray();
        foreach (var token in tokens)
        {
            if (token < 0)
            {
                throw new ArgumentOutOfRangeException(name, token, "Token ids are non-negative integers.");
            }

            writer.WriteNumberValue(token);
        }

        writer.WriteEndArray();
    }

    private static void NotEmpty<T>(T[]? values, string name)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        if (values.Length == 0)
        {
            throw new ArgumentException("A prompt needs at least one element.", name);
        }
    }

    private static FlockPrompt Build(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JsonStringEncoder.Instance }))
        {
            write(writer);
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return new FlockPrompt(document.RootElement.Clone());
    }
}
