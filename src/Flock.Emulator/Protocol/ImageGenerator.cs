using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Flock.Emulator.Protocol;

/// <summary>Draws a small, valid PNG whose colours depend on the prompt (a stand-in for image generation).</summary>
internal static class ImageGenerator
{
    private const int Size = 16;
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Png(string prompt)
    {
        var hash = Fnv(prompt);
        var (r, g, b) = ((byte)(hash >> 16), (byte)(hash >> 8), (byte)hash);

        var raw = new byte[Size * ((Size * 3) + 1)];
        var at = 0;
        for (var y = 0; y < Size; y++)
        {
            raw[at++] = 0; // filter: none
            for (var x = 0; x < Size; x++)
            {
                var checker = ((x / 4) + (y / 4)) % 2 == 0;
                raw[at++] = checker ? r : (byte)(255 - r);
                raw[at++] = checker ? g : (byte)(255 - g);
                raw[at++] = checker ? b : (byte)(255 - b);
            }
        }

        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(0), Size);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), Size);
        header[8] = 8; // bit depth
        header[9] = 2; // colour type: RGB
        WriteChunk(png, "IHDR", header);

        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                zlib.Write(raw);
            }

            WriteChunk(png, "IDAT", compressed.ToArray());
        }

        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)data.Length);
        stream.Write(length);

        var typeBytes = Encoding.ASCII.GetBytes(type);
        stream.Write(typeBytes);
        stream.Write(data);

        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), data) ^ 0xFFFFFFFFu;
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        stream.Write(crcBytes);
    }

    private static uint Crc(uint crc, byte[] data)
    {
        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }

    private static uint Fnv(string text)
    {
        uint hash = 2166136261;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619;
        }

        return hash;
    }
}
