using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextToImage;

namespace Flock.SemanticKernel;

/// <summary>
/// Semantic Kernel's <see cref="ITextToImageService"/> for Flock (<c>POST {endpoint}/images/generations</c>). Images come back
/// as <see cref="ImageContent"/> holding the bytes and their media type (or a link, with <c>response_format</c> <c>"url"</c>).
/// </summary>
public sealed class FlockTextToImageService : ITextToImageService
{
    /// <summary>The <see cref="KernelContent.Metadata"/> key of the prompt as the model rewrote it, when the server says.</summary>
    public const string RevisedPromptKey = "RevisedPrompt";

    private readonly FlockClient _client;
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
        var request = new ImageRequest
        {
            Model = settings.ModelId ?? _modelId,
            Prompt = input.Text,
            N = settings.ImageCount,
            ResponseFormat = settings.ResponseFormat ?? "b64_json",
            User = settings.User,
        };

        if (settings.Width is { } width || settings.Height is not null)
        {
            if (settings.Width is null || settings.Height is null)
            {
                throw new ArgumentException("width and height go together: set both, or neither for the server's default size.", "size");
            }

            request.Size = FlockClient.ImageSize(settings.Width.Value, settings.Height.Value);
        }

        if (settings.ExtensionData is { Count: > 0 } extra)
        {
            foreach (var (key, value) in extra)
            {
                if (key == "size" && request.Size is null)
                {
                    request.Size = SettingValues.ToText(key, value);
                    continue;
                }

                request.Extra ??= [];
                request.Extra[key] = SettingValues.ToJsonElement(key, value);
            }
        }

        ImageResponse response;
        try
        {
            response = await _client.GenerateImagesAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (FlockException ex)
        {
            throw new FlockHttpOperationException(ex);
        }

        var created = UnixTime.ToDate(response.Created);
        var images = new List<ImageContent>(response.Data!.Count);
        foreach (var data in response.Data)
        {
            var image = GeneratedImage.From(data);
            var content = image.Data is { } bytes ? new ImageContent(bytes, image.MediaType) : new ImageContent(image.Link!) { MimeType = image.MediaType };
            content.ModelId = request.Model;
            var metadata = new Dictionary<string, object?>();
            if (created is not null)
            {
                metadata[FlockMetadataKeys.Created] = created;
            }

            if (image.RevisedPrompt is not null)
            {
                metadata[RevisedPromptKey] = image.RevisedPrompt;
            }

            content.Metadata = metadata;
            images.Add(content);
        }

        return images;
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockTextToImageService {{ Model = {_modelId}, Endpoint = {_client.Endpoint} }}";
}
