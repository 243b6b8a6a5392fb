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
/// call, a fifth of what the library adds to it (docs/performance.md). This one needs no table: the characters to
/// escape and the surrogates are found with the vectorized span searches, UTF-8 is checked with
/// <see cref="System.Text.Unicode.Utf8.IsValid"/>, and runs that need no escape are copied whole.
/// </remarks>
internal sealed class JsonStringEncoder : JavaScriptEncoder
{
    public static readonly JsonStringEncoder Instance = new();

    // Printable ASCII but the quotation mark and the backslash: most text and every property name is only these.
    private const string Plain = " !#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
    private static readonly SearchValues<char> PlainChars = SearchValues.Create(Plain);
    private static readonly SearchValues<byte> PlainBytes = SearchValues.Create(Encoding.ASCII.GetBytes(Plain));

    private JsonStringEncoder()
    {
    }

    /// <summary>The longest escape: <c>\u001F</c>.</summary>
    public override int MaxOutputCharactersPerInputCharacter => 6;

    public override bool WillEncode(int unicodeScalar) => NeedsEscape(unicodeScalar);

    private static bool NeedsEscape(int c) => c is < 0x20 or '"' or '\\';

    public override unsafe int FindFirstCharacterToEncode(char* text, int textLength) =>
        FindFirst(new ReadOnlySpan<char>(text, textLength));

    public override int FindFirstCharacterToEncodeUtf8(ReadOnlySpan<byte> utf8Text)
    {
        if (!utf8Text.ContainsAnyExcept(PlainBytes))
        {
            return -1;
        }

        // Escapes are ASCII, so never inside a multi-byte sequence: the text before the first one is checked for UTF-8 whole.
        var special = IndexOfSpecial(utf8Text);
        var before = special < 0 ? utf8Text : utf8Text[..special];
        return System.Text.Unicode.Utf8.IsValid(before) ? special : IndexOfInvalid(before);
    }

    /// <summary>Copies each run that needs no escape whole (the base class goes character by character).</summary>
    public override OperationStatus Encode(ReadOnlySpan<char> source, Span<char> destination, out int charsConsumed, out int charsWritten, bool isFinalBlock = true)
    {
        Span<char> escape = stackalloc char[6];
        charsConsumed = charsWritten = 0;
        while (true)
        {
            var next = FindFirst(source[charsConsumed..]);
            var run = next < 0 ? source.Length - charsConsumed : next;
            if (!source.Slice(charsConsumed, run).TryCopyTo(destination[charsWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsConsumed += run;
            charsWritten += run;
            if (next < 0)
            {
                return OperationStatus.Done;
            }

            // A character to escape, or a lone surrogate: U+FFFD, unless more text may complete its pair.
            var c = source[charsConsumed];
            if (char.IsHighSurrogate(c) && charsConsumed + 1 == source.Length && !isFinalBlock)
            {
                return OperationStatus.NeedMoreData;
            }

            var length = char.IsSurrogate(c) ? Replacement(escape) : Escape(c, escape);
            if (!escape[..length].TryCopyTo(destination[charsWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }

            charsConsumed++;
            charsWritten += length;
        }
    }

    /// <inheritdoc cref="Encode(ReadOnlySpan{char}, Span{char}, out int, out int, bool)"/>
    public override OperationStatus EncodeUtf8(ReadOnlySpan<byte> utf8Source, Span<byte> utf8Destination, out int bytesConsumed, out int bytesWritten, bool isFinalBlock = true)
    {
        Span<char> escape = stackalloc char[6];
        Span<byte> utf8Escape = stackalloc byte[6];
        bytesConsumed = bytesWritten = 0;
        while (true)
        {
            var next = FindFirstCharacterToEncodeUtf8(utf8Source[bytesConsumed..]);
            var run = next < 0 ? utf8Source.Length - bytesConsumed : next;
            if (!utf8Source.Slice(bytesConsumed, run).TryCopyTo(utf8Destination[bytesWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }

            bytesConsumed += run;
            bytesWritten += run;
            if (next < 0)
            {
                return OperationStatus.Done;
            }

            // A byte to escape, or a sequence that is not UTF-8: U+FFFD, unless more bytes may complete it.
            var c = utf8Source[bytesConsumed];
            var consumed = 1;
            scoped ReadOnlySpan<byte> bytes;
            if (c < 0x80)
            {
                // Escapes are ASCII.
                var length = Escape(c, escape);
                for (var i = 0; i < length; i++)
                {
                    utf8Escape[i] = (byte)escape[i];
                }

                bytes = utf8Escape[..length];
            }
            else if (Rune.DecodeFromUtf8(utf8Source[bytesConsumed..], out _, out consumed) == OperationStatus.NeedMoreData && !isFinalBlock)
            {
                return OperationStatus.NeedMoreData;
            }
            else
            {
                bytes = "\uFFFD"u8;
            }

            if (!bytes.TryCopyTo(utf8Destination[bytesWritten..]))
            {
                return OperationStatus.DestinationTooSmall;
            }

            bytesConsumed += consumed;
            bytesWritten += bytes.Length;
        }
    }

    public override unsafe bool TryEncodeUnicodeScalar(int unicodeScalar, char* buffer, int bufferLength, out int numberOfCharactersWritten)
    {
        var destination = new Span<char>(buffer, bufferLength);
        if (!NeedsEscape(unicodeScalar))
        {
            return new Rune(unicodeScalar).TryEncodeToUtf16(destination, out numberOfCharactersWritten);
        }

        Span<char> escape = stackalloc char[6];
        numberOfCharactersWritten = Escape(unicodeScalar, escape);
        if (!escape[..numberOfCharactersWritten].TryCopyTo(destination))
        {
            numberOfCharactersWritten = 0;
            return false;
        }

        return true;
    }

    /// <summary>Writes the escape of <paramref name="c"/> (one <see cref="NeedsEscape"/> holds for) and returns its length.</summary>
    private static int Escape(int c, Span<char> escape)
    {
        var letter = c switch
        {
            '"' => '"',
            '\\' => '\\',
            '\b' => 'b',
            '\f' => 'f',
            '\n' => 'n',
            '\r' => 'r',
            '\t' => 't',
            _ => '\0',
        };
        escape[0] = '\\';
        if (letter != '\0')
        {
            escape[1] = letter;
            return 2;
        }

        // \u00XX, upper-case hex as the built-in encoders write it.
        escape[1] = 'u';
        escape[2] = '0';
        escape[3] = '0';
        escape[4] = HexDigit(c >> 4);
        escape[5] = HexDigit(c & 0xF);
        return 6;
    }

    private static int Replacement(Span<char> escape)
    {
        escape[0] = '\uFFFD';
        return 1;
    }

    /// <summary>The first character to escape or replace, or -1: each search is vectorized, so text goes by in blocks.</summary>
    private static int FindFirst(ReadOnlySpan<char> text)
    {
        if (!text.ContainsAnyExcept(PlainChars))
        {
            return -1;
        }

        var special = IndexOfSpecial(text);
        var end = special < 0 ? text.Length : special;
        var index = 0;
        while (true)
        {
            // A surrogate before the first escape is replaced unless its pair follows.
            var surrogate = text[index..end].IndexOfAnyInRange('\uD800', '\uDFFF');
            if (surrogate < 0)
            {
                return special;
            }

            index += surrogate;
            if (!char.IsHighSurrogate(text[index]) || index + 1 == text.Length || !char.IsLowSurrogate(text[index + 1]))
            {
                return index;
            }

            index += 2;
        }
    }

    /// <summary>The first quotation mark, backslash or control character, or -1.</summary>
    private static int IndexOfSpecial(ReadOnlySpan<char> text)
    {
        // Control characters are the ones below the space.
        var control = text.IndexOfAnyExceptInRange(' ', char.MaxValue);
        var quote = (control < 0 ? text : text[..control]).IndexOfAny('"', '\\');
        return quote >= 0 ? quote : control;
    }

    /// <inheritdoc cref="IndexOfSpecial(ReadOnlySpan{char})"/>
    private static int IndexOfSpecial(ReadOnlySpan<byte> text)
    {
        var control = text.IndexOfAnyExceptInRange((byte)' ', byte.MaxValue);
        var quote = (control < 0 ? text : text[..control]).IndexOfAny((byte)'"', (byte)'\\');
        return quote >= 0 ? quote : control;
    }

    /// <summary>Where the first sequence that is not UTF-8 starts (text known to hold one).</summary>
    private static int IndexOfInvalid(ReadOnlySpan<byte> text)
    {
        var index = 0;
        while (Rune.DecodeFromUtf8(text[index..], out _, out var length) == OperationStatus.Done)
        {
            index += length;
        }

        return index;
    }

    private static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'A' + value - 10);
}
