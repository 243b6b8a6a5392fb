using System.Text;
using System.Text.RegularExpressions;

namespace Flock.Emulator.Protocol;

/// <summary>
/// The emulator's stand-in tokenizer: a word (with its leading whitespace) or a single punctuation mark is one token.
/// Tokens concatenate back to the exact text, so truncation and streaming never lose characters.
/// </summary>
internal static partial class Tokenizer
{
    /// <summary>The id that <see cref="Decode"/> turns into the document separator.</summary>
    public const long EndOfTextId = 50256;

    public const string EndOfText = "<|endoftext|>";

    [GeneratedRegex(@"\s*[\p{L}\p{N}_']+|\s*[^\s\p{L}\p{N}_']|\s+", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    /// <summary>Splits text into tokens whose concatenation is the original text.</summary>
    public static List<string> Split(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text))
        {
            return tokens;
        }

        foreach (var match in TokenPattern().EnumerateMatches(text))
        {
            tokens.Add(text.Substring(match.Index, match.Length));
        }

        return tokens;
    }

    /// <summary>Counts tokens.</summary>
    public static int Count(string? text) => string.IsNullOrEmpty(text) ? 0 : TokenPattern().Count(text);

    /// <summary>Keeps the first <paramref name="maxTokens"/> tokens; reports whether anything was cut.</summary>
    public static string Truncate(string text, int maxTokens, out bool truncated)
    {
        var tokens = Split(text);
        truncated = tokens.Count > maxTokens;
        return truncated ? string.Concat(tokens.Take(maxTokens)) : text;
    }

    /// <summary>
    /// Decodes token ids: ids 0–255 are UTF-8 bytes, <see cref="EndOfTextId"/> is <c>&lt;|endoftext|&gt;</c>,
    /// any other id becomes <c>&lt;|token_N|&gt;</c>.
    /// </summary>
    public static string Decode(IEnumerable<long> ids)
    {
        var sb = new StringBuilder();
        var bytes = new List<byte>();

        void FlushBytes()
        {
            if (bytes.Count > 0)
            {
                sb.Append(Encoding.UTF8.GetString(bytes.ToArray()));
                bytes.Clear();
            }
        }

        foreach (var id in ids)
        {
            if (id is >= 0 and <= 255)
            {
                bytes.Add((byte)id);
                continue;
            }

            FlushBytes();
            sb.Append(id == EndOfTextId ? EndOfText : $"<|token_{id}|>");
        }

        FlushBytes();
        return sb.ToString();
    }
}
