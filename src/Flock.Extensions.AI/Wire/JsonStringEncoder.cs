using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// How the library's JSON escapes strings: only what JSON itself requires (the quotation mark, the backslash and the
/// control characters U+0000 to U+001F, with their short escapes where JSON has one). Everything else is written as
/// UTF-8, emoji and U+2028 included, which <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/> escapes. Text that
/// is not valid Unicode (a lone surrogate, bytes that are not UTF-8) becomes U+FFFD, as with the built-in encoders.
/// </summary>
/// <remarks>
/// The built-in encoders build a table of every defined character when first used: about 2 ms of a process's first
/// call, a fifth of what the library adds to it (docs/performance.md). This one needs no table: printable ASCII is
/// found with the vectorized span searches, and only the characters outside it are looked at one by one.
/// </remarks>
internal sealed class JsonStringEncoder : JavaScriptEncoder
{
    public static readonly JsonStringEncoder Instance = new();

    private JsonStringEncoder()
    {
    }

    /// <summary>The longest escape: <c>\u001F</c>.</summary>
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => unicodeScalar is < 0x20 or '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        FindFirst(new ReadOnlySpan<char>(text, textLength));

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        var index = 0;
        while (true)
        {
            var found = IndexOfNotPlain(utf8Text[index..]);
            if (found < 0)
            {
                return -1;
            }

            index += found;
            if (utf8Text[index] < 0x80)
            {
                if (WillEncode(utf8Text[index]))
                {
                    return index;
                }

                index++;
                continue;
            }

            // A run of non-ASCII text: valid UTF-8 goes as it is.
            while (index < utf8Text.Length && utf8Text[index] >= 0x80)
            {
                if (Rune.DecodeFromUtf8(utf8Text[index..], out _, out var length) != OperationStatus.Done)
                {
                    return index;
                }

                index += length;
            }
        }
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!WillEncode(unicodeScalar))
        {
            return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        var escape = unicodeScalar switch
        {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\b' => "\\b",
            '\f' => "\\f",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            _ => null,
        };
        if (destination.Length < (escape?.Length ?? 6))
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        if (escape is not null)
        {
            escape.CopyTo(destination);
            numberOfCharactersWritten = escape.Length;
            return true;
        }

        // \u00XX, upper-case hex as the built-in encoders write it.
        "\\u00".CopyTo(destination);
        destination[4] = HexDigit(unicodeScalar >> 4);
        destination[5] = HexDigit(unicodeScalar & 0xF);
        numberOfCharactersWritten = 6;
        return true;
    }

    private static int FindFirst(ReadOnlySpan<char> text)
    {
        var index = 0;
        while (true)
        {
            var found = IndexOfNotPlain(text[index..]);
            if (found < 0)
            {
                return -1;
            }

            index += found;
            var c = text[index];
            if (c < 0x80)
            {
                if (c is < (char)0x20 or '"' or '\\')
                {
                    return index;
                }

                index++;
                continue;
            }

            // A run of non-ASCII text: everything but a lone surrogate goes as it is.
            while (index < text.Length && text[index] >= 0x80)
            {
                if (char.IsSurrogate(text[index]))
                {
                    if (!char.IsHighSurrogate(text[index]) || index + 1 == text.Length || !char.IsLowSurrogate(text[index + 1]))
                    {
                        return index;
                    }

                    index++;
                }

                index++;
            }
        }
    }

    /// <summary>The first character that is not printable ASCII other than the quotation mark and the backslash, or -1.</summary>
    private static int IndexOfNotPlain(ReadOnlySpan<char> text)
    {
        var end = text.IndexOfAnyExceptInRange(' ', '~');
        var special = (end < 0 ? text : text[..end]).IndexOfAny('"', '\\');
        return special >= 0 ? special : end;
    }

    /// <inheritdoc cref="IndexOfNotPlain(ReadOnlySpan{char})"/>
    private static int IndexOfNotPlain(ReadOnlySpan<byte> text)
    {
        var end = text.IndexOfAnyExceptInRange((byte)' ', (byte)'~');
        var special = (end < 0 ? text : text[..end]).IndexOfAny((byte)'"', (byte)'\\');
        return special >= 0 ? special : end;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
