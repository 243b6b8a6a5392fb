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
/// member for (a choice's index, finish reason and log probabilities, the fingerprint, the cost) is in <c>AdditionalProperties</c>
/// under the <see cref="FlockPropertyNames"/> keys, and the cost also in the usage's <c>AdditionalCounts</c> (nano-USD).
/// Thinking text a server leaves inside the answer is split from it as <see cref="FlockThinkTags"/> says.
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
    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = MeaiToFlock.ToRequest(messages, options, _modelId, streaming: false, this);
        return CompleteAsync(request, options, OpenModelPolicy.ThinkTagsFor(request, _client), cancellationToken);
    }

    /// <inheritdoc/>
    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamAsync(messages, null, options, cancellationToken);

    /// <summary>
    /// Sends a raw prompt (<c>messages</c> as a string, strings, token ids or token-id arrays, as the API document allows):
    /// the answer is a response with one message of text per choice, with usage and cost as for a chat.
    /// </summary>
    /// <param name="prompt">The prompt, e.g. <c>FlockPrompt.FromText("Once upon a time")</c>.</param>
    /// <param name="options">Sampling options, as for a chat; a raw prompt takes no tools and no instructions.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">Tools or instructions were given, a setting is out of its documented range, or no model is known.</exception>
    /// <exception cref="FlockException">Flock answered with an error.</exception>
    public Task<ChatResponse> CompletePromptAsync(FlockPrompt prompt, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var request = MeaiToFlock.ToPromptRequest(prompt, options, _modelId, streaming: false);
        return CompleteAsync(request, options, FlockThinkTags.Off, cancellationToken);
    }

    /// <summary>Streams the answer to a raw prompt: text pieces per choice, then the usage and cost, as for a chat.</summary>
    /// <param name="prompt">The prompt, e.g. <c>FlockPrompt.FromTokens(…)</c>.</param>
    /// <param name="options">Sampling options; usage is asked for unless <c>stream_options</c> says otherwise.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ArgumentException">Tools or instructions were given, a setting is out of its documented range, or no model is known.</exception>
    /// <exception cref="FlockException">Flock answered with an error, or the stream failed (<see cref="FlockException.DuringStream"/>).</exception>
    public IAsyncEnumerable<ChatResponseUpdate> StreamPromptAsync(FlockPrompt prompt, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return StreamAsync([], prompt, options, cancellationToken);
    }

    private async Task<ChatResponse> CompleteAsync(ChatRequest request, ChatOptions? options, FlockThinkTags thinkTags, CancellationToken cancellationToken)
    {
        var completion = await _client.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        SpanTags.Add(completion.ResponseInfo);
        var cost = OpenModelPolicy.CostOf(_client, request.Model, completion.Model, completion.Usage, completion.ResponseInfo);
        CostTelemetry.Record(cost, request.Model, completion.Model);
        var response = FlockToMeai.ToChatResponse(completion, thinkTags, cost);
        if (options?.Reasoning?.Output == ReasoningOutput.None)
        {
            foreach (var message in response.Messages)
            {
                WithoutReasoning(message.Contents);
            }
        }

        return response;
    }

    /// <summary>
    /// One streamed call: the transport's chunks as updates (see <see cref="StreamingUpdates"/>), then the usage and cost.
    /// The request is built when the enumeration starts, so a bad option fails there.
    /// </summary>
    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(
        IEnumerable<ChatMessage> messages, FlockPrompt? prompt, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = prompt is null
            ? MeaiToFlock.ToRequest(messages, options, _modelId, streaming: true, this)
            : MeaiToFlock.ToPromptRequest(prompt, options, _modelId, streaming: true);
        var hideReasoning = options?.Reasoning?.Output == ReasoningOutput.None;
        var state = new StreamingUpdates(prompt is null ? OpenModelPolicy.ThinkTagsFor(request, _client) : FlockThinkTags.Off);
        var updates = new List<ChatResponseUpdate>(2);
        var tagged = false;
        await foreach (var chunk in _client.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (!tagged)
            {
                tagged = true;
                SpanTags.Add(chunk.ResponseInfo);
            }

            state.Add(chunk, updates);
            foreach (var update in updates)
            {
                yield return hideReasoning ? WithoutReasoning(update) : update;
            }

            updates.Clear();
        }

        // The stream's last updates: text still held back, calls, then the usage, priced.
        var fold = state.Fold;
        var cost = OpenModelPolicy.CostOf(_client, request.Model, fold.Model, fold.Usage, fold.ResponseInfo);
        CostTelemetry.Record(cost, request.Model, fold.Model);
        state.Complete(updates, cost);
        foreach (var update in updates)
        {
            yield return hideReasoning ? WithoutReasoning(update) : update;
        }
    }

    private static ChatResponseUpdate WithoutReasoning(ChatResponseUpdate update)
    {
        WithoutReasoning(update.Contents);
        return update;
    }

    /// <summary>
    /// <see cref="ReasoningOutput.None"/>: the model still reasons (Flock has no switch for what is returned), but its reasoning is
    /// left out of what the caller gets. (<see cref="ReasoningEffort.None"/> is the way to have no reasoning at all.)
    /// </summary>
    private static void WithoutReasoning(IList<AIContent> contents)
    {
        for (var i = contents.Count - 1; i >= 0; i--)
        {
            if (contents[i] is TextReasoningContent)
            {
                contents.RemoveAt(i);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Answers <see cref="ChatClientMetadata"/> (provider <c>flock</c>, the endpoint, the default model), the
    /// <see cref="FlockClient"/> underneath, and <see cref="FlockModelInfo"/>: the cached catalogue's entry for the default
    /// model, or null when the catalogue was not fetched yet (<see cref="ListModelInfoAsync"/>) or does not list it. It never fetches.
    /// </remarks>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is not null ? null
            : serviceType == typeof(ChatClientMetadata) ? _metadata
            : serviceType == typeof(FlockClient) ? _client
            : serviceType == typeof(FlockModelInfo) ? (_modelId is null ? null : _client.GetCachedModelInfo(_modelId))
            : serviceType.IsInstanceOfType(this) ? this
            : null;
    }

    /// <summary>Lists the models Flock serves.</summary>
    public Task<IReadOnlyList<FlockModel>> ListModelsAsync(CancellationToken cancellationToken = default) => _client.ListModelsAsync(cancellationToken);

    /// <summary>Lists what the model catalogue says of each model (limits, prices, capabilities); cached on the transport (see <see cref="FlockClient.ListModelInfoAsync"/>).</summary>
    /// <param name="refresh">Fetch again even when a cached catalogue exists.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FlockException">Flock answered with an error other than 404 or 403.</exception>
    public Task<IReadOnlyList<FlockModelInfo>> ListModelInfoAsync(bool refresh = false, CancellationToken cancellationToken = default) =>
        _client.ListModelInfoAsync(refresh, cancellationToken);

    /// <summary>Asks the proxy what it knows of the calling key: spend and budget, expiry, allowed models, limits (see <see cref="FlockClient.GetKeyInfoAsync"/>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="FlockException">Flock answered with an error (401 for a rejected key).</exception>
    public Task<FlockKeyInfo> GetKeyInfoAsync(CancellationToken cancellationToken = default) => _client.GetKeyInfoAsync(cancellationToken);

    /// <summary>Nothing to release: the transport's <see cref="HttpClient"/> is either pooled or the caller's.</summary>
    public void Dispose()
    {
    }

    /// <inheritdoc/>
    public override string ToString() => $"FlockChatClient {{ Model = {_modelId}, Endpoint = {_client.Endpoint} }}";
}
