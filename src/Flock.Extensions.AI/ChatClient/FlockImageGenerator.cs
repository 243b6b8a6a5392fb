using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Flock.Extensions.AI;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IImageGenerator"/> for Flock (<c>POST {endpoint}/images/generations</c>). Images come back
/// as <see cref="DataContent"/> with their media type, or as <see cref="UriContent"/> when
/// <see cref="ImageGenerationOptions.ResponseFormat"/> is <see cref="ImageGenerationResponseFormat.Uri"/> and the server links them.
/// </summary>
/// <remarks>
/// MEAI marks its image generation API experimental (<c>MEAI001</c>), and so is this type.
/// <see cref="ImageGenerationOptions.AdditionalProperties"/> are sent by their JSON names (<c>size</c> such as <c>"auto"</c>,
/// <c>user</c>, <c>quality</c>, <c>style</c>…). Each image carries the prompt as the model rewrote it and when it was created,
/// when the server says, under <see cref="FlockPropertyNames.RevisedPrompt"/> and <see cref="FlockPropertyNames.Created"/>.
/// </remarks>
[Experimental("MEAI001")]
public sealed class FlockImageGenerator : IImageGenerator
{
    private readonly FlockClient _client;
    private readonly string? _modelId;
    private readonly ImageGeneratorMetadata _metadata;

    /// <summary>Creates a generator for the image model <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The image model.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with; never disposed here.</param>
    /// <param name="loggerFactory">Where the transport logs.</param>
    public FlockImageGenerator(string modelId, string apiKey, Uri? endpoint = null, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(new FlockClient(new FlockOptions { ApiKey = apiKey, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint, ModelId = modelId }, httpClient, loggerFactory), modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
    }

    /// <summary>Creates a generator over an existing transport (shared with other adapters).</summary>
    /// <param name="client">The transport.</param>
    /// <param name="modelId">The image model; falls back to the transport's <see cref="FlockOptions.ModelId"/>.</param>
    public FlockImageGenerator(FlockClient client, string? modelId = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _modelId = modelId ?? client.DefaultModelId;
        _metadata = new ImageGeneratorMetadata("flock", client.Endpoint, _modelId);
    }

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">The request holds images to edit, or asks for hosted results.</exception>
    /// <exception cref="ArgumentException">A parameter cannot be right (no prompt, a count below 1, an empty size); nothing was sent.</exception>
    /// <exception cref="FlockException">Flock answered with an error.</exception>
    public async Task<ImageGenerationResponse> GenerateAsync(ImageGenerationRequest request, ImageGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.OriginalImages?.Any() == true)
        {
            throw new NotSupportedException("Flock's API generates images from a prompt; editing existing images is not supported.");
        }

        var wire = new ImageRequest
        {
            Model = options?.ModelId ?? _modelId,
            Prompt = request.Prompt,
            N = options?.Count,
            Size = options?.ImageSize is { } size ? ImageSize(size.Width, size.Height) : null,
            ResponseFormat = options?.ResponseFormat switch
            {
                null => null,
                ImageGenerationResponseFormat.Data => "b64_json",
                ImageGenerationResponseFormat.Uri => "url",
                _ => throw new NotSupportedException($"Flock returns images as data or links, not as {options.ResponseFormat}."),
            },
        };

        if (options?.AdditionalProperties is { Count: > 0 } extra)
        {
            foreach (var (key, value) in extra)
            {
                AddProperty(wire, key, value);
            }
        }

        // The bytes come back in the answer unless a link is asked for.
        wire.ResponseFormat ??= "b64_json";
        var response = await _client.GenerateImagesAsync(wire, cancellationToken).ConfigureAwait(false);
        var created = UnixTime.ToDate(response.Created);
        var contents = new List<AIContent>(response.Data!.Count);
        foreach (var data in response.Data)
        {
            var image = GeneratedImage.From(data);
            AIContent content = image.Data is { } bytes
                ? new DataContent(bytes, image.MediaType)
                : new UriContent(image.Link!, image.MediaType);
            if (image.RevisedPrompt is not null)
            {
                (content.AdditionalProperties ??= [])[FlockPropertyNames.RevisedPrompt] = image.RevisedPrompt;
            }

            if (created is not null)
            {
                (content.AdditionalProperties ??= [])[FlockPropertyNames.Created] = created;
            }

            contents.Add(content);
        }

        return new ImageGenerationResponse(contents) { RawRepresentation = response };
    }

    /// <summary>
    /// An additional property: the request fields by their JSON names (<c>size</c> as <c>"1024x1024"</c> or <c>"auto"</c>,
    /// <c>n</c>, <c>response_format</c>, <c>user</c>) where the options leave them unset, any other key as it is.
    /// </summary>
    private static void AddProperty(ImageRequest wire, string key, object? value)
    {
        switch (key)
        {
            case "size":
                wire.Size = wire.Size is null ? SettingValues.ToText(key, value) : throw Twice(key, nameof(ImageGenerationOptions.ImageSize));
                break;
            case "n":
                wire.N = wire.N is null ? SettingValues.ToInt32(key, value) : throw Twice(key, nameof(ImageGenerationOptions.Count));
                break;
            case "response_format":
                wire.ResponseFormat = wire.ResponseFormat is null ? SettingValues.ToText(key, value) : throw Twice(key, nameof(ImageGenerationOptions.ResponseFormat));
                break;
            case "user":
                wire.User = SettingValues.ToText(key, value);
                break;
            case "model" or "prompt":
                throw new ArgumentException($"'{key}' cannot come from AdditionalProperties: it is the request's own ({(key == "model" ? "ModelId" : "the prompt")}).", key);
            default:
                if (value is not null)
                {
                    (wire.Extra ??= [])[key] = SettingValues.ToJsonElement(key, value);
                }

                break;
        }
    }

    private static ArgumentException Twice(string key, string member) =>
        new($"'{key}' is given both as ImageGenerationOptions.{member} and in AdditionalProperties; give it once.", key);

    /// <summary>The wire form of a size: <c>"{width}x{height}"</c>.</summary>
    private static string ImageSize(int width, int height)
    {
        if (width < 1 || height < 1)
        {
            throw new ArgumentOutOfRangeException("size", $"{width}x{height}", "The image width and height must be at least 1 pixel.");
        }

        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{width}x{height}");
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ImageGeneratorMetadata) ? _metadata
            : serviceType == typeof(FlockClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Nothing to release: the transport's <see cref="HttpClient"/> is either pooled or the caller's.</summary>
    public void Dispose()
    {
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockImageGenerator {{ Model = {_modelId}, Endpoint = {_client.Endpoint} }}";
}
