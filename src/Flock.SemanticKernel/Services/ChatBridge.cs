using System.Runtime.CompilerServices;
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

    /// <summary>
    /// One streamed call: the pipeline's updates as SK contents (see <see cref="StreamingResults"/>), then the usage. With
    /// auto-invocation the loop's calls and results go to the history instead. The call is prepared when the enumeration starts.
    /// </summary>
    public async IAsyncEnumerable<StreamingChatMessageContent> StreamAsync(
        ChatHistory history, PromptExecutionSettings? executionSettings, Kernel? kernel, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = Prepare(history, executionSettings, kernel);
        var results = new StreamingResults(_modelId, kernel);
        var names = call.AutoInvoke ? new CallNames() : null;
        System.Text.StringBuilder? reasoning = null;
        await using var updates = call.Client.GetStreamingResponseAsync(call.Messages, call.Options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            try
            {
                if (!await updates.MoveNextAsync().ConfigureAwait(false))
                {
                    break;
                }
            }
            catch (FlockException ex)
            {
                throw new FlockHttpOperationException(ex);
            }

            var update = updates.Current;
            if (names is not null && Record(update, history, kernel, names, ref reasoning))
            {
                // The function results of a round of the loop: they go to the history, not to the caller's stream.
                results.NextRequest();
            }
            else if (results.ToContent(update) is { } content)
            {
                yield return content;
            }
        }

        if (results.Complete() is { } usage)
        {
            yield return usage;
        }
    }

    /// <summary>
    /// With auto-invocation, the calls and results the loop streams go to the caller's history, as SK's connectors do, the
    /// calls with the reasoning streamed before them (a thinking model needs it back in later turns); returns true for an
    /// update of results (which the caller's stream does not get).
    /// </summary>
    private bool Record(ChatResponseUpdate update, ChatHistory history, Kernel? kernel, CallNames names, ref System.Text.StringBuilder? reasoning)
    {
        if (update.Role == ChatRole.Tool)
        {
            history.Add(MeaiToSk.ToHistoryMessage(new ChatMessage(ChatRole.Tool, update.Contents), update.ModelId ?? _modelId, kernel, names));
            reasoning?.Clear();
            return true;
        }

        List<AIContent>? calls = null;
        foreach (var content in update.Contents)
        {
            switch (content)
            {
                case Microsoft.Extensions.AI.FunctionCallContent call:
                    (calls ??= []).Add(call);
                    break;
                case TextReasoningContent { Text.Length: > 0 } piece:
                    (reasoning ??= new()).Append(piece.Text);
                    break;
            }
        }

        if (calls is not null)
        {
            if (reasoning is { Length: > 0 })
            {
                calls.Insert(0, new TextReasoningContent(reasoning.ToString()));
                reasoning.Clear();
            }

            history.Add(MeaiToSk.ToHistoryMessage(new ChatMessage(ChatRole.Assistant, calls) { MessageId = update.MessageId }, update.ModelId ?? _modelId, kernel, names));
        }

        return false;
    }

    private Call Prepare(ChatHistory history, PromptExecutionSettings? executionSettings, Kernel? kernel)
    {
        ArgumentNullException.ThrowIfNull(history);

        // Another connector's settings are read by their JSON names first (its prompts and typed values), as SK's connectors do.
        var settings = executionSettings is null ? NoSettings
            : executionSettings is FlockPromptExecutionSettings || executionSettings.GetType() == typeof(PromptExecutionSettings) ? executionSettings
            : FlockPromptExecutionSettings.FromExecutionSettings(executionSettings);
        var functions = settings.FunctionChoiceBehavior?.GetConfiguration(new FunctionChoiceBehaviorConfigurationContext(history) { Kernel = kernel, RequestSequenceIndex = 0 });
        var autoInvoke = functions is { AutoInvoke: true, Functions.Count: > 0 } && kernel is not null;
        var options = SkToMeai.ToChatOptions(settings, functions, kernel, autoInvoke);
        if (functions is { AutoInvoke: true } && options?.AdditionalProperties?.GetValueOrDefault(FlockParameters.N) is int n && n > 1)
        {
            throw new ArgumentException(
                $"n must be 1 when functions are auto-invoked (got {n}): function invocation follows one answer, not several choices. " +
                "Set FunctionChoiceBehavior with autoInvoke: false to get every choice's calls, or leave n unset.",
                "n");
        }

        return new Call(PipelineFor(autoInvoke, functions?.Options?.AllowConcurrentInvocation is true), SkToMeai.ToMessages(history, settings), options, autoInvoke);
    }

    /// <summary>
    /// The pipeline for a call: function invocation only when functions are auto-invoked (concurrently when the behaviour allows
    /// it: a setting of MEAI's invoking client, so a client of its own), telemetry only while someone listens.
    /// </summary>
    private IChatClient PipelineFor(bool autoInvoke, bool concurrently)
    {
        if (TelemetryProbe.IsListening)
        {
            var observed = Observed();
            return !autoInvoke ? observed.Plain : concurrently ? observed.InvokingConcurrently : observed.Invoking;
        }

        return !autoInvoke ? _plain
            : concurrently ? LazyInitializer.EnsureInitialized(ref _invokingConcurrently, () => Invoking(_plain, _loggerFactory, concurrently: true))
            : LazyInitializer.EnsureInitialized(ref _invoking, () => Invoking(_plain, _loggerFactory));
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

    private readonly record struct Call(IChatClient Client, List<ChatMessage> Messages, ChatOptions? Options, bool AutoInvoke);
}
