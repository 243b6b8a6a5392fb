using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace Flock.Extensions.AI;

/// <summary>
/// A Microsoft.Extensions.AI <see cref="IChatClient"/> for Flock. Put MEAI middleware on top with <see cref="ChatClientBuilder"/>
/// (<c>UseFunctionInvocation</c>, <c>UseOpenTelemetry</c>, <c>UseLogging</c>…).
/// </summary>
/// <remarks>
/// Options map to the API document's parameters; <see cref="ChatOptions.AdditionalProperties"/> may set the others by their
/// JSON names (<c>n</c>, <c>best_of</c>, <c>logit_bias</c>, <c>logprobs</c>, <c>user</c>, <c>stream_options</c>), and any
/// other key is sent as it is. With <c>n</c> &gt; 1 the response holds one message per choice. What MEAI's types have no
/// member for (a choice's index, finish reason and log probabilities, the fingerprint) is in <c>AdditionalProperties</c>
/// under the <see cref="FlockPropertyNames"/> keys.
/// </remarks>
public sealed class FlockChatClient : IChatClient
{
    private readonly FlockClient _client;
    private readonly string? _modelId;
    private readonly ChatClientMetadata _metadata;

    /// <summary>Creates a chat client for <paramref name="modelId"/>.</summary>
    /// <param name="modelId">The default model, e.g. <c>qwen3-30b-a3b-instruct-2507</c>.</param>
    /// <param name="apiKey">The Flock API key.</param>
    /// <param name="endpoint">The API base address; default <c>https://api.flock.io/v1</c>.</param>
    /// <param name="httpClient">An <see cref="HttpClient"/> to send with; never disposed here.</param>
    /// <param name="loggerFactory">Where the transport logs.</param>
    public FlockChatClient(string modelId, string apiKey, Uri? endpoint = null, HttpClient? httpClient = null, ILoggerFactory? loggerFactory = null)
        : this(new FlockClient(new FlockOptions { ApiKey = apiKey, Endpoint = endpoint ?? FlockOptions.DefaultEndpoint, ModelId = modelId }, httpClient, loggerFactory), modelId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
    }

    /// <summary>Creates a chat client over an existing transport (shared with other adapters).</summary>
    /// <param name="client">The transport.</param>
    /// <param name="modelId">The default model; falls back to the transport's <see cref="FlockOptions.ModelId"/>.</param>
    public FlockChatClient(FlockClient client, string? modelId = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _modelId = modelId ?? client.DefaultModelId;
        _metadata = new ChatClientMetadata("flock", client.Endpoint, _modelId);
    }

    /// <inheritdoc/>
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = MeaiToFlock.ToRequest(messages, options, _modelId, streaming: false, this);
        var completion = await _client.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        return FlockToMeai.ToChatResponse(completion);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = MeaiToFlock.ToRequest(messages, options, _modelId, streaming: true, this);
        var state = new StreamingUpdates();
        var pending = new List<ChatResponseUpdate>(2);
        await foreach (var chunk in _client.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            state.Add(chunk, pending);
            foreach (var update in pending)
            {
                yield return update;
            }

            pending.Clear();
        }

        state.Complete(pending);
        foreach (var update in pending)
        {
            yield return update;
        }
    }

    /// <inheritdoc/>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(FlockClient) ? _client
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Lists the models Flock serves.</summary>
    public Task<IReadOnlyList<FlockModel>> ListModelsAsync(CancellationToken cancellationToken = default) => _client.ListModelsAsync(cancellationToken);

    /// <summary>Nothing to release: the transport's <see cref="HttpClient"/> is either pooled or the caller's.</summary>
    public void Dispose()
    {
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockChatClient {{ Model = {_modelId}, Endpoint = {_client.Endpoint} }}";
}
