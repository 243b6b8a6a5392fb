using System.Text;

namespace Flock.Extensions.AI.Http;

/// <summary>
/// Masks the API key in every string that came from the server (or goes to a log) before it is shown anywhere: whole
/// occurrences first, then cut, then a partial key left at the end of the text.
/// </summary>
internal static class Redaction
{
    /// <summary>What replaces the key.</summary>
    public const string Mask = "***";

    /// <summary>
    /// The shortest partial key that is masked at the end of a string: a tail of at least this many characters that equals
    /// the key's first characters. Shorter tails (e.g. <c>sk-</c>) are common text and reveal at most 3 characters.
    /// </summary>
    public const int MinPartial = 4;

    /// <summary>Masks every occurrence of <paramref name="apiKey"/>, and a partial key the text ends with.</summary>
    public static string Redact(string text, string apiKey)
    {
        if (apiKey.Length < MinPartial || text.Length < MinPartial)
        {
            return text;
        }

        if (text.Contains(apiKey, StringComparison.Ordinal))
        {
            text = text.Replace(apiKey, Mask, StringComparison.Ordinal);
        }

        return MaskPartialTail(text, apiKey);
    }

    /// <summary>Masks <paramref name="text"/> first, then cuts it to at most <paramref name="maxUtf8Bytes"/> UTF-8 bytes, masking a key cut in two.</summary>
    public static string RedactAndCut(string text, string apiKey, int maxUtf8Bytes, out bool cut)
    {
        text = Redact(text, apiKey);
        cut = Encoding.UTF8.GetByteCount(text) > maxUtf8Bytes;
        if (!cut)
        {
            return text;
        }

        var chars = 0;
        var bytes = 0;
        while (chars < text.Length)
        {
            var width = char.IsHighSurrogate(text[chars]) && chars + 1 < text.Length ? 2 : 1;
            var size = Encoding.UTF8.GetByteCount(text.AsSpan(chars, width));
            if (bytes + size > maxUtf8Bytes)
            {
                break;
            }

            bytes += size;
            chars += width;
        }

        return MaskPartialTail(text[..chars], apiKey);
    }

    /// <summary>A tail of the text that is the key's beginning (at least <see cref="MinPartial"/> characters) becomes the mask.</summary>
    private static string MaskPartialTail(string text, string apiKey)
    {
        if (apiKey.Length < MinPartial)
        {
            return text;
        }

        for (var length = Math.Min(apiKey.Length - 1, text.Length); length >= MinPartial; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(apiKey.AsSpan(0, length)))
            {
                return string.Concat(text.AsSpan(0, text.Length - length), Mask);
            }
        }

        return text;
    }
}
