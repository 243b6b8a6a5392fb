using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using CsCheck;
using Flock.Extensions.AI.Wire;

namespace Flock.Extensions.AI.Tests.Wire;

/// <summary>
/// The library's JSON escapes only what JSON requires: every string must still read back as the built-in relaxed encoder's
/// output does (lone surrogates and bytes that are not UTF-8 becoming U+FFFD alike), whatever it holds.
/// </summary>
public sealed class JsonStringEncoderTests
{
    // Weighted toward what the encoder decides on: the escaped characters, the edges of printable ASCII, surrogates (paired
    // or not), and text beyond ASCII.
    private static readonly Gen<char> Chars = Gen.Frequency(
        (4, Gen.Char['\u0020', '\u007E']),
        (2, Gen.Char["\"\\\u0000\u0001\b\f\n\r\t\u001F\u007F\u0080\u00E9\u2028\u2029\uFFFD\uFEFF"]),
        (2, Gen.Char['\uD800', '\uDFFF']),
        (1, Gen.Char['\u0080', '\uD7FF']),
        (1, Gen.Char['\uE000', '\uFFFF']));

    private static readonly Gen<byte> Bytes = Gen.Frequency(
        (4, Gen.Byte[0x20, 0x7E]),
        (2, Gen.Byte[0x00, 0x1F]),
        (3, Gen.Byte[0x80, 0xFF]),
        (1, Gen.Byte[(byte)'"', (byte)'\\']));

    [Fact]
    public void Any_string_reads_back_as_the_relaxed_encoders_output_does()
    {
        Gen.String[Chars, 0, 80].Sample(text =>
        {
            var ours = Write(JsonStringEncoder.Instance, writer => writer.WriteStringValue(text));
            var relaxed = Write(JavaScriptEncoder.UnsafeRelaxedJsonEscaping, writer => writer.WriteStringValue(text));
            Assert.Equal(Read(relaxed), Read(ours));
        });
    }

    [Fact]
    public void Any_bytes_read_back_as_the_relaxed_encoders_output_does()
    {
        Bytes.Array[0, 80].Sample(bytes =>
        {
            var ours = Write(JsonStringEncoder.Instance, writer => writer.WriteStringValue(bytes));
            var relaxed = Write(JavaScriptEncoder.UnsafeRelaxedJsonEscaping, writer => writer.WriteStringValue(bytes));
            Assert.Equal(Read(relaxed), Read(ours));
        });
    }

    [Fact]
    public void Only_the_quotation_mark_the_backslash_and_control_characters_are_escaped()
    {
        var text = "say \"hi\" \\ <b>&'</b>\n\r\t\b\f\u0001\u001F\u007F é 中文 😀 \u2028";

        Assert.Equal(
            "\"say \\\"hi\\\" \\\\ <b>&'</b>\\n\\r\\t\\b\\f\\u0001\\u001F\u007F é 中文 😀 \u2028\"",
            Encoding.UTF8.GetString(Write(JsonStringEncoder.Instance, writer => writer.WriteStringValue(text))));
        Assert.Equal(
            "{\"é 😀\":\"\\u001F\"}",
            Encoding.UTF8.GetString(Write(JsonStringEncoder.Instance, writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("é 😀"u8, "\u001F"u8);
                writer.WriteEndObject();
            })));
    }

    [Fact]
    public void Text_that_is_not_valid_unicode_is_sent_as_the_replacement_character()
    {
        Assert.Equal("\"a\uFFFDb\uFFFD\"", Encoding.UTF8.GetString(Write(JsonStringEncoder.Instance, writer => writer.WriteStringValue("a\uD800b\uDC00"))));
        Assert.Equal("\"a\uFFFDb\"", Encoding.UTF8.GetString(Write(JsonStringEncoder.Instance, writer => writer.WriteStringValue(new byte[] { (byte)'a', 0xFF, (byte)'b' }))));
    }

    [Fact]
    public void Encoding_in_pieces_stops_where_the_destination_is_full_or_the_text_may_go_on()
    {
        var encoder = JsonStringEncoder.Instance;
        var destination = new char[4];
        Assert.Equal(OperationStatus.DestinationTooSmall, encoder.Encode("ab\ncd", destination, out var consumed, out var written));
        Assert.Equal((3, 4), (consumed, written));
        Assert.Equal("ab\\n", new string(destination, 0, written));

        Assert.Equal(OperationStatus.NeedMoreData, encoder.Encode("a\uD83D", new char[8], out consumed, out written, isFinalBlock: false));
        Assert.Equal((1, 1), (consumed, written));
        Assert.Equal(OperationStatus.NeedMoreData, encoder.EncodeUtf8(new byte[] { (byte)'a', 0xF0, 0x9F }, new byte[8], out consumed, out written, isFinalBlock: false));
        Assert.Equal((1, 1), (consumed, written));

        var bytes = new byte[8];
        Assert.Equal(OperationStatus.Done, encoder.EncodeUtf8(new byte[] { (byte)'a', 0xF0, 0x9F, (byte)'\t' }, bytes, out consumed, out written));
        Assert.Equal("a\uFFFD\\t", Encoding.UTF8.GetString(bytes, 0, written));
    }

    private static byte[] Write(JavaScriptEncoder encoder, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = encoder }))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static string? Read(byte[] json) => JsonDocument.Parse(json).RootElement.GetString();
}
