using Meai = Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextToImage;

namespace Flock.SemanticKernel;

/// <summary>
/// Semantic Kernel's <see cref="ITextToImageService"/> for Flock (<c>POST {endpoint}/images/generations</c>). Images come back
/// as <see cref="ImageContent"/> holding the bytes and their media type (or a link, with <c>response_format</c> <c>"url"</c>).
/// It runs over the core's <see cref="FlockImageGenerator"/>.
/// </summary>
public sealed class FlockTextToImageService : ITextToImageService
{
    /// <summary>The <see cref="KernelContent.Metadata"/> key of the prompt as the model rewrote it, when the server says.</summary>
    public const string RevisedPromptKey = "RevisedPrompt";

    private readonly FlockClient _client;
    private readonly FlockImageGenerator _generator;
    private readonly string? _modelId;
    private readonly Dictionary<string, object?> _attributes;

    /// <summary>Creates the service for the image model <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The image model.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with; never disposed here.</param>
    /// <param name="loggerFactory">Where the transport logs.</param>
    public FlockTextToImageService(string modelId, string apiKey, Uri? endpoint = null, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(new FlockClient(new FlockOptions { ApiKey = apiKey, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint, ModelId = modelId }, httpClient, loggerFactory), modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
    }

    /// <summary>Creates the service over an existing transport (shared with other adapters).</summary>
    /// <param name="client">The transport.</param>
    /// <param name="modelId">The image model; falls back to the transport's <see cref="FlockOptions.ModelId"/>.</param>
    public FlockTextToImageService(FlockClient client, string? modelId = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _modelId = modelId ?? client.DefaultModelId;
        _generator = new FlockImageGenerator(client, _modelId);
        _attributes = new Dictionary<string, object?>
        {
            [AIServiceExtensions.ModelIdKey] = _modelId,
            [AIServiceExtensions.EndpointKey] = client.Endpoint.ToString(),
        };
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Attributes => _attributes;

    /// <inheritdoc/>
    /// <remarks>
    /// Settings are read by <see cref="FlockTextToImageExecutionSettings.FromExecutionSettings"/>. Parameters that cannot be
    /// right (no prompt, <c>n</c> &lt; 1, a malformed size) throw an <see cref="ArgumentException"/> before anything is sent;
    /// Flock's errors are <see cref="FlockHttpOperationException"/>s (SK's <see cref="HttpOperationException"/>) with the
    /// <see cref="FlockException"/> inside, as the chat service reports them.
    /// </remarks>
    public async Task<IReadOnlyList<ImageContent>> GetImageContentsAsync(
        TextContent input, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = FlockTextToImageExecutionSettings.FromExecutionSettings(executionSettings);
        var options = new Meai.ImageGenerationOptions { ModelId = settings.ModelId ?? _modelId, Count = settings.ImageCount };
        if (settings.Width is not null || settings.Height is not null)
        {
            if (settings.Width is not { } width || settings.Height is not { } height)
            {
                throw new ArgumentException("width and height go together: set both, or neither for the server's default size.", "size");
            }

            if (width < 1 || height < 1)
            {
                throw new ArgumentOutOfRangeException("size", $"{width}x{height}", "The image width and height must be at least 1 pixel.");
            }

            options.ImageSize = new System.Drawing.Size(width, height);
        }

        // The rest by their JSON names, as the generator reads them (response_format, user, size, quality, style…).
        var properties = new Meai.AdditionalPropertiesDictionary();
        if (settings.ResponseFormat is { } format)
        {
            properties["response_format"] = format;
        }

        if (settings.User is { } user)
        {
            properties["user"] = user;
        }

        foreach (var (key, value) in settings.ExtensionData ?? new Dictionary<string, object>())
        {
            if (key != "size" || options.ImageSize is null)
            {
                properties[key] = value;
            }
        }

        options.AdditionalProperties = properties.Count > 0 ? properties : null;
        Meai.ImageGenerationResponse response;
        try
        {
            response = await _generator.GenerateAsync(new Meai.ImageGenerationRequest(input.Text ?? ""), options, cancellationToken).ConfigureAwait(false);
        }
        catch (FlockException ex)
        {
            throw new FlockHttpOperationException(ex);
        }

        var images = new List<ImageContent>(response.Contents.Count);
        foreach (var content in response.Contents)
        {
            var image = content switch
            {
                Meai.DataContent data => new ImageContent(data.Data, data.MediaType),
                Meai.UriContent uri => new ImageContent(uri.Uri) { MimeType = uri.MediaType },
                _ => null,
            };

            if (image is null)
            {
                continue;
            }

            image.ModelId = options.ModelId;
            var metadata = new Dictionary<string, object?>();
            if (content.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.Created) is DateTimeOffset created)
            {
                metadata[FlockMetadataKeys.Created] = created;
            }

            if (content.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.RevisedPrompt) is string revised)
            {
                metadata[RevisedPromptKey] = revised;
            }

            image.Metadata = metadata;
            images.Add(image);
        }

        return images;
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockTextToImageService {{ Model = {_modelId}, Endpoint = {_client.Endpoint} }}";
}
