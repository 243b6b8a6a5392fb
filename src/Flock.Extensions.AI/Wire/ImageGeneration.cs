using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flock.Extensions.AI.Wire;

/// <summary>The body of <c>POST {endpoint}/images/generations</c> (OpenAI-shaped, as the proxy serves it).</summary>
internal sealed class ImageRequest
{
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("prompt")] public string? Prompt { get; set; }
    [JsonPropertyName("n")] public int? N { get; set; }

    /// <summary><c>"1024x1024"</c>-style, or <c>"auto"</c>.</summary>
    [JsonPropertyName("size")] public string? Size { get; set; }

    /// <summary><c>"b64_json"</c> or <c>"url"</c>.</summary>
    [JsonPropertyName("response_format")] public string? ResponseFormat { get; set; }

    [JsonPropertyName("user")] public string? User { get; set; }

    /// <summary>Provider extras (<c>quality</c>, <c>style</c>, …), sent as they are.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>The answer of an image generation request.</summary>
internal sealed class ImageResponse
{
    [JsonPropertyName("created")][JsonConverter(typeof(LenientUnixTimeConverter))] public long? Created { get; set; }
    [JsonPropertyName("data")] public List<ImageData>? Data { get; set; }
    [JsonPropertyName("error")] public ErrorDetail? Error { get; set; }
}

/// <summary>One generated image: inline base64 or a URL (possibly a <c>data:</c> URI).</summary>
internal sealed class ImageData
{
    [JsonPropertyName("b64_json")] public string? B64Json { get; set; }
    [JsonPropertyName("url")] public string? Url { get; set; }
    [JsonPropertyName("revised_prompt")] public string? RevisedPrompt { get; set; }
}
