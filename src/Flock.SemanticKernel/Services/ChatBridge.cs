using Flock.Extensions.AI.ChatClient;
using Flock.SemanticKernel.Mapping;
using Flock.SemanticKernel.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Services;

/// <summary>
/// Semantic Kernel's chat calls over the core's <see cref="IChatClient"/> pipeline: <see cref="FlockChatClient"/>, MEAI's
/// <see cref="OpenTelemetryChatClient"/> right over it (one chat span per model call), and SK's kernel-function invocation
/// on top when functions are auto-invoked. Telemetry joins the pipeline only while someone listens (<see cref="TelemetryProbe"/>),
/// so it costs nothing otherwise. Failures surface as SK's <see cref="HttpOperationException"/> (a <see cref="FlockHttpOperationException"/>).
/// </summary>
internal sealed class ChatBridge
{
    private readonly string? _modelId;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly bool _sensitive;
    private readonly IChatClient _plain;

    // The invoking client, built when a call first auto-invokes functions: a call that does not never loads its types.
    private IChatClient? _invoking;

    // FunctionChoiceBehaviorOptions.AllowConcurrentInvocation is a setting of the invoking client: a second one, built when first asked for.
    private IChatClient? _invokingConcurrently;

    // Built when a listener is first seen: the telemetry client registers a source and a meter for as long as it lives.
    private Pipelines? _observed;
    private object? _observedLock;

    public ChatBridge(FlockClient client, string? modelId, ILoggerFactory? loggerFactory)
    {
        _modelId = modelId;
        _loggerFactory = loggerFactory;
        _sensitive = client.EnableSensitiveTelemetryData;
        _plain = new FlockChatClient(client, modelId);
    }

    public async Task<IReadOnlyList<ChatMessageContent>> GetAsync(
        ChatHistory history, PromptExecutionSettings? executionSettings, Kernel? kernel, CancellationToken cancellationToken)
    {
        var call = Prepare(history, executionSettings, kernel);
        ChatResponse response;
        try
        {
            response = await call.Client.GetResponseAsync(call.Messages, call.Options, cancellationToken).ConfigureAwait(false);
        }
        catch (FlockException ex)
        {
            throw new FlockHttpOperationException(ex);
        }

        var messages = response.Messages;
        if (call.AutoInvoke)
        {
            // As SK's connectors: what the loop added (calls, results) goes to the caller's history, the last message is the answer.
            var names = new CallNames();
            for (var i = 0; i < messages.Count - 1; i++)
            {
                history.Add(MeaiToSk.ToHistoryMessage(messages[i], response.ModelId ?? _modelId, kernel, names));
            }

            return messages.Count == 0 ? [] : [MeaiToSk.ToResult(messages[^1], response, _modelId, kernel, names)];
        }

        // One result per choice, in choice order.
        var results = new ChatMessageContent[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            results[i] = MeaiToSk.ToResult(messages[i], response, _modelId, kernel, null);
        }

        return results;
    }

    public IAsyncEnumerable<StreamingChatMessageContent> StreamAsync(
        ChatHistory history, PromptExecutionSettings? executionSettings, Kernel? kernel, CancellationToken cancellationToken) =>
        new DeferredAsyncEnumerable<StreamingChatMessageContent>(token => new StreamingCall(this, history, executionSettings, kernel, cancellationToken, token));

    /// <summary>
    /// With auto-invocation, the calls and results the loop streams go to the caller's history, as SK's connectors do; returns
    /// true for an update of results (which the caller's stream does not get).
    /// </summary>
    private bool Record(ChatResponseUpdate update, ChatHistory history, Kernel? kernel, CallNames names)
    {
        if (update.Role == ChatRole.Tool)
        {
            history.Add(MeaiToSk.ToHistoryMessage(new ChatMessage(ChatRole.Tool, update.Contents), update.ModelId ?? _modelId, kernel, names));
            return true;
        }

        List<AIContent>? calls = null;
        foreach (var content in update.Contents)
        {
            if (content is Microsoft.Extensions.AI.FunctionCallContent call)
            {
                (calls ??= []).Add(call);
            }
        }

        if (calls is not null)
        {
            history.Add(MeaiToSk.ToHistoryMessage(new ChatMessage(ChatRole.Assistant, calls) { MessageId = update.MessageId }, update.ModelId ?? _modelId, kernel, names));
        }

        return false;
    }

    private Call Prepare(ChatHistory history, PromptExecutionSettings? executionSettings, Kernel? kernel)
    {
        ArgumentNullException.ThrowIfNull(history);
        var settings = executionSettings ?? NoSettings;
        var values = FlockPromptExecutionSettings.ParameterValuesOf(settings);
        var functions = settings.FunctionChoiceBehavior?.GetConfiguration(new FunctionChoiceBehaviorConfigurationContext(history) { Kernel = kernel, RequestSequenceIndex = 0 });
        if (functions is { AutoInvoke: true } && values[ChatParameters.N] is int n && n > 1)
        {
            throw new ArgumentException(
                $"n must be 1 when functions are auto-invoked (got {n}): function invocation follows one answer, not several choices. " +
                "Set FunctionChoiceBehavior with autoInvoke: false to get every choice's calls, or leave n unset.",
                "n");
        }

        var autoInvoke = functions is { AutoInvoke: true, Functions.Count: > 0 } && kernel is not null;
        var options = SkToMeai.ToChatOptions(settings, values, functions, kernel, autoInvoke);
        var concurrently = functions?.Options?.AllowConcurrentInvocation is true;
        var client = !autoInvoke ? (TelemetryProbe.IsListening ? Observed().Plain : _plain)
            : TelemetryProbe.IsListening ? (concurrently ? Observed().InvokingConcurrently : Observed().Invoking)
            : concurrently ? LazyInitializer.EnsureInitialized(ref _invokingConcurrently, () => Invoking(_plain, _loggerFactory, concurrently: true))
            : _invoking ?? LazyInitializer.EnsureInitialized(ref _invoking, () => Invoking(_plain, _loggerFactory));
        return new Call(client, SkToMeai.ToMessages(history), options, autoInvoke);
    }

    /// <summary>
    /// One streamed call: the pipeline's updates as SK contents (see <see cref="StreamingResults"/>), then the usage. With
    /// auto-invocation the loop's calls and results go to the history instead. The call is prepared when the enumeration starts.
    /// </summary>
    private sealed class StreamingCall(
        ChatBridge bridge, ChatHistory history, PromptExecutionSettings? executionSettings, Kernel? kernel, CancellationToken callToken, CancellationToken enumerationToken)
        : MappedAsyncEnumerator<ChatResponseUpdate, StreamingChatMessageContent>(callToken, enumerationToken)
    {
        private StreamingResults? _results;
        private CallNames? _names;

        protected override IAsyncEnumerator<ChatResponseUpdate> Open(CancellationToken cancellationToken)
        {
            var call = bridge.Prepare(history, executionSettings, kernel);
            _results = new StreamingResults(bridge._modelId, kernel);
            _names = call.AutoInvoke ? new CallNames() : null;
            return call.Client.GetStreamingResponseAsync(call.Messages, call.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        }

        protected override void Map(ChatResponseUpdate item, List<StreamingChatMessageContent> results)
        {
            if (_names is not null && bridge.Record(item, history, kernel, _names))
            {
                // The function results of a round of the loop: they go to the history, not to the caller's stream.
                _results!.NextRequest();
            }
            else if (_results!.ToContent(item) is { } content)
            {
                results.Add(content);
            }
        }

        protected override void Complete(List<StreamingChatMessageContent> results)
        {
            if (_results!.Complete() is { } usage)
            {
                results.Add(usage);
            }
        }

        protected override Exception Translate(Exception exception) =>
            exception is FlockException flock ? new FlockHttpOperationException(flock) : exception;
    }

    private Pipelines Observed() => LazyInitializer.EnsureInitialized(ref _observed, ref _observedLock, () =>
    {
        var sensitive = _sensitive;
        var observed = _plain.AsBuilder()
            .UseOpenTelemetry(_loggerFactory, FlockTelemetry.SourceName, c => c.EnableSensitiveData = sensitive)
            .Build();
        return new Pipelines(observed, Invoking(observed, _loggerFactory), Invoking(observed, _loggerFactory, concurrently: true));
    });

    private static readonly PromptExecutionSettings NoSettings = new();

    private static IChatClient Invoking(IChatClient inner, ILoggerFactory? loggerFactory, bool concurrently = false)
    {
        var invoking = new OfferedNamesChatClient(inner).AsBuilder().UseKernelFunctionInvocation(loggerFactory).Build();
        if (concurrently)
        {
            // SK's invoking client is MEAI's FunctionInvokingChatClient, where running a round's calls concurrently is a client setting.
            invoking.GetService<FunctionInvokingChatClient>()!.AllowConcurrentInvocation = true;
        }

        return invoking;
    }

    private sealed record Pipelines(IChatClient Plain, IChatClient Invoking, IChatClient InvokingConcurrently);

    private readonly record struct Call(IChatClient Client, List<ChatMessage> Messages, ChatOptions Options, bool AutoInvoke);
}
