using System.Runtime.CompilerServices;
using Flock.SemanticKernel.Services;
using Flock.SemanticKernel.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Microsoft.SemanticKernel.Services;
using Microsoft.SemanticKernel.TextGeneration;
using TextContent = Microsoft.SemanticKernel.TextContent;

namespace Flock.SemanticKernel;

/// <summary>
/// Semantic Kernel's <see cref="IChatCompletionService"/> for Flock. Plain chat goes straight from the chat history to the
/// wire; with a <see cref="FunctionChoiceBehavior"/> the call goes through SK's own function-invoking chat client, so
/// kernel functions, auto-invocation and SK filters behave as in every SK connector. It is also an
/// <see cref="ITextGenerationService"/>: a prompt is sent as one user message.
/// </summary>
/// <remarks>
/// Every call emits OpenTelemetry spans and metrics under <see cref="FlockTelemetry.SourceName"/> when a listener is attached
/// (the GenAI semantic conventions, as MEAI's <c>UseOpenTelemetry</c> emits them for <see cref="FlockChatClient"/>).
/// </remarks>
public sealed class FlockChatCompletionService : IChatCompletionService, ITextGenerationService
{
    private readonly FlockClient _client;
    private readonly string? _modelId;
    private readonly IChatCompletionService _functionCalling;
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
    /// <param name="loggerFactory">Where function invocation logs.</param>
    public FlockChatCompletionService(FlockClient client, string? modelId = null, ILoggerFactory? loggerFactory = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _modelId = modelId ?? client.DefaultModelId;
        _attributes = new Dictionary<string, object?>
        {
            [AIServiceExtensions.ModelIdKey] = _modelId,
            [AIServiceExtensions.EndpointKey] = client.Endpoint.ToString(),
        };

        // Function invocation outside telemetry: one span per model call, as on the direct path.
        var sensitive = client.EnableSensitiveTelemetryData;
        _functionCalling = new ChatClientBuilder(new FlockChatClient(client, _modelId))
            .UseKernelFunctionInvocation(loggerFactory)
            .UseOpenTelemetry(loggerFactory, FlockTelemetry.SourceName, c => c.EnableSensitiveData = sensitive)
            .Build()
            .AsChatCompletionService();
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, object?> Attributes => _attributes;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ChatMessageContent>> GetChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chatHistory);
        var settings = FlockPromptExecutionSettings.FromExecutionSettings(executionSettings);
        var tools = ToolConfiguration(settings, chatHistory, kernel);
        if (tools is { AutoInvoke: true })
        {
            var working = KernelFunctionNames.Qualified(chatHistory);
            var before = working.Count;
            var results = await _functionCalling.GetChatMessageContentsAsync(working, settings, kernel, cancellationToken).ConfigureAwait(false);
            CopyAddedMessages(working, before, chatHistory, kernel);
            foreach (var result in results)
            {
                KernelFunctionNames.Split(result, kernel);
            }

            return results;
        }

        var request = ToRequest(chatHistory, settings, tools, streaming: false);
        var telemetry = ChatTelemetry.Start(request, _client.Endpoint, _client.EnableSensitiveTelemetryData, streaming: false);
        ChatCompletion completion;
        try
        {
            completion = await _client.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (telemetry is not null)
        {
            telemetry.Failed(ex);
            throw;
        }

        telemetry?.Completed(completion);
        var contents = FlockToSk.ToChatMessageContents(completion, request.Model);
        if (tools is not null)
        {
            foreach (var content in contents)
            {
                KernelFunctionNames.Split(content, kernel);
            }
        }

        return contents;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<StreamingChatMessageContent> GetStreamingChatMessageContentsAsync(
        ChatHistory chatHistory, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chatHistory);
        var settings = FlockPromptExecutionSettings.FromExecutionSettings(executionSettings);
        var tools = ToolConfiguration(settings, chatHistory, kernel);
        if (tools is { AutoInvoke: true })
        {
            var working = KernelFunctionNames.Qualified(chatHistory);
            var before = working.Count;
            await foreach (var update in _functionCalling.GetStreamingChatMessageContentsAsync(working, settings, kernel, cancellationToken).ConfigureAwait(false))
            {
                yield return update;
            }

            CopyAddedMessages(working, before, chatHistory, kernel);
            yield break;
        }

        var request = ToRequest(chatHistory, settings, tools, streaming: true);
        var state = new StreamingContents(request.Model);
        var pending = new List<StreamingChatMessageContent>(2);
        var telemetry = ChatTelemetry.Start(request, _client.Endpoint, _client.EnableSensitiveTelemetryData, streaming: true);
        var chunks = _client.StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                try
                {
                    if (!await chunks.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }
                }
                catch (Exception ex) when (telemetry is not null)
                {
                    telemetry.Failed(ex);
                    throw;
                }

                var chunk = chunks.Current;
                telemetry?.Chunk(chunk);
                state.Add(chunk, pending);
                foreach (var content in pending)
                {
                    yield return content;
                    telemetry?.Resume();
                }

                pending.Clear();
            }

            telemetry?.StreamCompleted();
            state.Complete(pending);
            foreach (var content in pending)
            {
                yield return content;
            }
        }
        finally
        {
            telemetry?.Dispose();
            await chunks.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<TextContent>> GetTextContentsAsync(
        string prompt, PromptExecutionSettings? executionSettings = null, Kernel? kernel = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var messages = await GetChatMessageContentsAsync(PromptHistory(prompt), executionSettings, kernel, cancellationToken).ConfigureAwait(false);
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
        await foreach (var update in GetStreamingChatMessageContentsAsync(PromptHistory(prompt), executionSettings, kernel, cancellationToken).ConfigureAwait(false))
        {
            yield return new StreamingTextContent(update.Content, update.ChoiceIndex, update.ModelId, update.InnerContent, update.Encoding, update.Metadata);
        }
    }

    /// <summary>Lists the models Flock serves.</summary>
    public Task<IReadOnlyList<FlockModel>> ListModelsAsync(CancellationToken cancellationToken = default) => _client.ListModelsAsync(cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => $"FlockChatCompletionService {{ Model = {_modelId}, Endpoint = {_client.Endpoint} }}";

    private static ChatHistory PromptHistory(string prompt)
    {
        var history = new ChatHistory();
        history.AddUserMessage(prompt);
        return history;
    }

    /// <summary>Messages the function-calling loop added (calls and results) go to the caller's history, names split.</summary>
    private static void CopyAddedMessages(ChatHistory working, int before, ChatHistory target, Kernel? kernel)
    {
        for (var i = before; i < working.Count; i++)
        {
            target.Add(KernelFunctionNames.Split(working[i], kernel));
        }
    }

    /// <summary>
    /// What the settings' <see cref="FunctionChoiceBehavior"/> asks for. With auto-invocation the call goes through SK's own
    /// function-invoking client; without it (including <c>None</c>), the functions are offered as tools on the direct path.
    /// </summary>
    private static FunctionChoiceBehaviorConfiguration? ToolConfiguration(FlockPromptExecutionSettings settings, ChatHistory history, Kernel? kernel) =>
        settings.FunctionChoiceBehavior?.GetConfiguration(new FunctionChoiceBehaviorConfigurationContext(history) { Kernel = kernel, RequestSequenceIndex = 0 });

    private ChatRequest ToRequest(ChatHistory history, FlockPromptExecutionSettings settings, FunctionChoiceBehaviorConfiguration? tools, bool streaming)
    {
        var parameters = settings.ToParameterValues();
        var request = new ChatRequest
        {
            Model = settings.ModelId ?? _modelId ?? "",
            Messages = SkToFlock.ToMessages(history, parameters[ChatParameters.IncludeReasoningInHistory] is true),
        };

        parameters.WriteTo(request, streaming);
        if (tools is not null)
        {
            SkToFlock.ApplyTools(tools, request);
        }

        return request;
    }
}
