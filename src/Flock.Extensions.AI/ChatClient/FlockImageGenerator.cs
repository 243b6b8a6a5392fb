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
/// <see cref="ImageGenerationOptions.AdditionalProperties"/> are sent by their JSON names (<c>user</c>, <c>quality</c>, <c>style</c>…).
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
            Size = options?.ImageSize is { } size ? FlockClient.ImageSize(size.Width, size.Height) : null,
            ResponseFormat = options?.ResponseFormat switch
            {
                null or ImageGenerationResponseFormat.Data => "b64_json",
                ImageGenerationResponseFormat.Uri => "url",
                _ => throw new NotSupportedException($"Flock returns images as data or links, not as {options.ResponseFormat}."),
            },
        };

        if (options?.AdditionalProperties is { Count: > 0 } extra)
        {
            foreach (var (key, value) in extra)
            {
                wire.Extra ??= [];
                wire.Extra[key] = SettingValues.ToJsonElement(key, value);
            }
        }

        var response = await _client.GenerateImagesAsync(wire, cancellationToken).ConfigureAwait(false);
        var contents = new List<AIContent>(response.Data!.Count);
        foreach (var data in response.Data)
        {
            var image = GeneratedImage.From(data);
            AIContent content = image.Data is { } bytes
                ? new DataContent(bytes, image.MediaType)
                : new UriContent(image.Link!, image.MediaType);
            if (image.RevisedPrompt is not null)
            {
                content.AdditionalProperties = new AdditionalPropertiesDictionary { ["revised_prompt"] = image.RevisedPrompt };
            }

            contents.Add(content);
        }

        return new ImageGenerationResponse(contents);
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
