using System.Text.Json.Serialization;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel;

/// <summary>
/// Settings of an image generation request (<c>POST {endpoint}/images/generations</c>). Unset values are not sent.
/// Other keys of <see cref="PromptExecutionSettings.ExtensionData"/> (for instance <c>quality</c> or <c>style</c>) are sent as they are.
/// </summary>
public sealed class FlockTextToImageExecutionSettings : PromptExecutionSettings
{
    private int? _width;
    private int? _height;
    private int? _imageCount;
    private string? _responseFormat;
    private string? _user;

    /// <summary>Image width in pixels; sent with <see cref="Height"/> as <c>size</c> (<c>"{width}x{height}"</c>).</summary>
    [JsonPropertyName("width")]
    public int? Width { get => _width; set { ThrowIfFrozen(); _width = value; } }

    /// <summary>Image height in pixels; sent with <see cref="Width"/> as <c>size</c>.</summary>
    [JsonPropertyName("height")]
    public int? Height { get => _height; set { ThrowIfFrozen(); _height = value; } }

    /// <summary>The number of images (<c>n</c>), at least 1.</summary>
    [JsonPropertyName("n")]
    public int? ImageCount { get => _imageCount; set { ThrowIfFrozen(); _imageCount = value; } }

    /// <summary>
    /// <c>"b64_json"</c> (the default here: the image bytes come back in the answer) or <c>"url"</c> (a link to the image,
    /// which the server may expire).
    /// </summary>
    [JsonPropertyName("response_format")]
    public string? ResponseFormat { get => _responseFormat; set { ThrowIfFrozen(); _responseFormat = value; } }

    /// <summary>An end-user identifier (<c>user</c>).</summary>
    [JsonPropertyName("user")]
    public string? User { get => _user; set { ThrowIfFrozen(); _user = value; } }

    /// <inheritdoc/>
    public override PromptExecutionSettings Clone() => new FlockTextToImageExecutionSettings
    {
        ModelId = ModelId,
        ServiceId = ServiceId,
        ExtensionData = ExtensionData is null ? null : new Dictionary<string, object>(ExtensionData),
        Width = Width,
        Height = Height,
        ImageCount = ImageCount,
        ResponseFormat = ResponseFormat,
        User = User,
    };

    /// <summary>
    /// Reads settings of any type: a <see cref="FlockTextToImageExecutionSettings"/> is returned as it is; otherwise
    /// <c>width</c>, <c>height</c>, <c>size</c> (<c>"1024x1024"</c>), <c>n</c>, <c>response_format</c> and <c>user</c> are read
    /// from <see cref="PromptExecutionSettings.ExtensionData"/>, and other keys are kept there to be sent as they are.
    /// </summary>
    /// <param name="settings">The settings given to the service; null gives defaults.</param>
    /// <exception cref="ArgumentException">A value has the wrong type.</exception>
    public static FlockTextToImageExecutionSettings FromExecutionSettings(PromptExecutionSettings? settings)
    {
        if (settings is FlockTextToImageExecutionSettings flock)
        {
            return flock;
        }

        var result = new FlockTextToImageExecutionSettings { ModelId = settings?.ModelId, ServiceId = settings?.ServiceId };
        if (settings?.ExtensionData is not { Count: > 0 } data)
        {
            return result;
        }

        var extra = new Dictionary<string, object>();
        foreach (var (key, value) in data)
        {
            switch (key)
            {
                case "width":
                    result.Width = SettingKeys.Int32(key, value);
                    break;
                case "height":
                    result.Height = SettingKeys.Int32(key, value);
                    break;
                case "n":
                    result.ImageCount = SettingKeys.Int32(key, value);
                    break;
                case "response_format":
                    result.ResponseFormat = SettingKeys.Text(key, value);
                    break;
                case "user":
                    result.User = SettingKeys.Text(key, value);
                    break;
                default:
                    // "size" too: it is checked with the request, before sending.
                    extra[key] = value;
                    break;
            }
        }

        result.ExtensionData = extra.Count > 0 ? extra : null;
        return result;
    }
}
