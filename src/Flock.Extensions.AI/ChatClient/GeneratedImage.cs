
namespace Flock.Extensions.AI.ChatClient;

/// <summary>One generated image as both adapters need it: its bytes and media type, or a link.</summary>
internal readonly record struct GeneratedImage(ReadOnlyMemory<byte>? Data, string MediaType, Uri? Link, string? RevisedPrompt)
{
    /// <summary>Decodes <c>b64_json</c> and <c>data:</c> URLs into bytes (media type from the bytes themselves); keeps other URLs as links.</summary>
    public static GeneratedImage From(ImageData image)
    {
        if (image.B64Json is { Length: > 0 } b64)
        {
            return Decoded(b64, image.RevisedPrompt);
        }

        if (image.Url is { Length: > 0 } url)
        {
            if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
            {
                var comma = url.IndexOf(',', StringComparison.Ordinal);
                if (comma < 0 || !url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                {
                    throw new FlockException("Flock returned an image data URL that is not base64.", System.Net.HttpStatusCode.OK);
                }

                return Decoded(url[(comma + 1)..], image.RevisedPrompt);
            }

            if (Uri.TryCreate(url, UriKind.Absolute, out var link))
            {
                return new GeneratedImage(null, MediaTypeFromPath(link.AbsolutePath), link, image.RevisedPrompt);
            }
        }

        throw new FlockException("Flock returned an image entry with neither b64_json nor a usable url.", System.Net.HttpStatusCode.OK);
    }

    private static GeneratedImage Decoded(string b64, string? revisedPrompt)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(b64);
        }
        catch (FormatException ex)
        {
            throw new FlockException($"Flock returned image data that is not valid base64: {ex.Message}", System.Net.HttpStatusCode.OK, null, ex);
        }

        return new GeneratedImage(bytes, Sniff(bytes), null, revisedPrompt);
    }

    /// <summary>The media type the bytes announce; PNG (the API's default) when they announce none we know.</summary>
    internal static string Sniff(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47]) ? "image/png"
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]) ? "image/jpeg"
        : bytes.Length >= 12 && bytes.StartsWith("RIFF"u8) && bytes.Slice(8, 4).SequenceEqual("WEBP"u8) ? "image/webp"
        : bytes.StartsWith("GIF8"u8) ? "image/gif"
        : "image/png";

    private static string MediaTypeFromPath(string path) => Path.GetExtension(path).ToUpperInvariant() switch
    {
        ".JPG" or ".JPEG" => "image/jpeg",
        ".WEBP" => "image/webp",
        ".GIF" => "image/gif",
        _ => "image/png",
    };
}
