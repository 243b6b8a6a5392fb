using System.Runtime.CompilerServices;
using Flock.SemanticKernel.Services;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextGeneration;

namespace Flock.SemanticKernel;

/// <summary>
/// Semantic Kernel's <see cref="IChatCompletionService"/> for Flock, a bridge over the core's <see cref="FlockChatClient"/>
/// pipeline: MEAI's OpenTelemetry client over it while a listener is attached, and SK's own kernel-function invocation on top
/// when a <see cref="FunctionChoiceBehavior"/> auto-invokes, so kernel functions, filters and the loop behave as in every SK
/// connector. It is also an <see cref="ITextGenerationService"/>: a prompt is sent as one user message.
/// </summary>
/// <remarks>
/// Results carry <see cref="FlockMetadata"/> and reasoning the same way with or without auto-invocation. Failures surface as
/// <see cref="FlockHttpOperationException"/>, SK's <see cref="HttpOperationException"/> with the <see cref="FlockException"/> inside.
/// Spans and metrics go to <see cref="FlockTelemetry.SourceName"/>.
/// </remarks>
public sealed class FlockChatCompletionService : IChatCompletionService, ITextGenerationService
{
    private readonly FlockClient _client;
    private readonly string? _modelId;
    private readonly ChatBridge _bridge;
    private readonly Dictionary<string, object?> _attributes;

    /// <summary>Creates the service for <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The default model, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with; never disposed here.</param>
    /// <param name="loggerFactory">Where the transport and function invocation log.</param>
    public FlockChatCompletionService(string modelId, string apiKey, Uri? endpoint = null, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(new FlockClient(new FlockOptions { ApiKey = apiKey, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint, ModelId = modelId }, httpClient, loggerFactory), modelId, loggerFactory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
    }

    /// <summary>Creates the service over an existing transport (shared with other adapters).</summary>
    /// <param name="client">The transport.</param>
    /// <param name="modelId">The default model; falls back to the transport's <see cref="FlockOptions.ModelId"/>.</param>
    /// <param name="loggerFactory">Where function invocation and telemetry log.</param>
    public FlockChatCompletionService(FlockClient client, string? modelId = null, ILoggerFactory? loggerFactory = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _modelId = modelId ?? client.DefaultModelId;
        _bridge = new ChatBridge(client, _modelId, loggerFactory);
        _attributes = new Dictionary<string, object?>
        {
            [AIServiceExtensions.ModelIdKey] = _modelId,
            [AIServiceExtensions.EndpointKey] = client.Endpoint.ToString(),
        };
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Attributes => _attributes;

    /// <inheritdoc/>
    public Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        _bridge.GetAsync(chatHistory, executionSettings, kernel, cancellationToken);

    /// <inheritdoc/>
    public IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default) =>
        _bridge.StreamAsync(chatHistory, executionSettings, kernel, cancellationToken);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TextContent>> GetTextContentsAsync(
        string prompt, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var messages = await _bridge.GetAsync(PromptHistory(prompt), executionSettings, kernel, cancellationToken).ConfigureAwait(false);
        var texts = new List<TextContent>(messages.Count);
        foreach (var message in messages)
        {
            texts.Add(new TextContent(message.Content, message.ModelId, message.InnerContent, message.Encoding, message.Metadata));
        }

        return texts;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StreamingTextContent> GetStreamingTextContentsAsync(
        string prompt, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        await foreach (var update in _bridge.StreamAsync(PromptHistory(prompt), executionSettings, kernel, cancellationToken).ConfigureAwait(false))
        {
            yield return new StreamingTextContent(update.Content, update.ChoiceIndex, update.ModelId, update.InnerContent, update.Encoding, update.Metadata);
        }
    }

    /// <summary>Lists the models Flock serves.</summary>
    /// <exception cref="FlockHttpOperationException">Flock answered with an error.</exception>
    public async Task<IReadOnlyList<FlockModel>> ListModelsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _client.ListModelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FlockException ex)
        {
            throw new FlockHttpOperationException(ex);
        }
    }

    /// <summary>
    /// Lists what the proxy's model catalogue (<c>GET /model/info</c>) says of each model: limits, prices, capabilities;
    /// cached on the transport (see <see cref="FlockClient.ListModelInfoAsync"/>), which also prices each answer once fetched.
    /// </summary>
    /// <param name="refresh">Fetch again even when a cached catalogue exists.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FlockHttpOperationException">Flock answered with an error other than 404 or 403.</exception>
    public async Task<IReadOnlyList<FlockModelInfo>> ListModelInfoAsync(bool refresh = false, CancellationToken cancellationToken = default)
    {
        try
        {
            return await _client.ListModelInfoAsync(refresh, cancellationToken).ConfigureAwait(false);
        }
        catch (FlockException ex)
        {
            throw new FlockHttpOperationException(ex);
        }
    }

    /// <summary>
    /// Asks the proxy what it knows of the calling key (<c>GET /key/info</c>): spend and budget, expiry, allowed models,
    /// limits (see <see cref="FlockClient.GetKeyInfoAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FlockHttpOperationException">Flock answered with an error (401 for a rejected key).</exception>
    public async Task<FlockKeyInfo> GetKeyInfoAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _client.GetKeyInfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (FlockException ex)
        {
            throw new FlockHttpOperationException(ex);
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockChatCompletionService {{ Model = {_modelId}, Endpoint = {_client.Endpoint} }}";

    private static ChatHistory PromptHistory(string prompt)
    {
        var history = new ChatHistory();
        history.AddUserMessage(prompt);
        return history;
    }
}
