using System.Text;
using System.Text.Json;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using Meai = Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Mapping;

/// <summary>
/// Maps Microsoft.Extensions.AI responses to Semantic Kernel content, keeping what SK's own conversion drops: reasoning
/// (<see cref="ReasoningContent"/>, <see cref="StreamingReasoningContent"/>), <see cref="FlockMetadata"/> (id, created,
/// finish reason per choice, usage, fingerprint, logprobs), each choice of <c>n</c> &gt; 1 as its own result with its
/// index, the raw completion as <see cref="KernelContent.InnerContent"/>, and kernel functions' plugin names.
/// </summary>
internal static class MeaiToSk
{
    /// <summary>A response's final message (the answer, or each choice's), with the response's metadata.</summary>
    public static ChatMessageContent ToResult(Meai.ChatMessage message, Meai.ChatResponse response, string? modelId, Kernel? kernel, CallNames? names)
    {
        var model = response.ModelId ?? modelId;
        var logprobs = Property(message, FlockPropertyNames.Logprobs) as FlockLogprobs;
        var usage = ToUsage(response.Usage);
        var cost = Cost(response.Usage);
        var info = response.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.ResponseInfo) as FlockResponseInfo;
        var entries = new Dictionary<string, object?>(8)
        {
            [FlockMetadataKeys.Id] = response.ResponseId ?? message.MessageId,
            [FlockMetadataKeys.Created] = response.CreatedAt,
            [FlockMetadataKeys.FinishReason] = FinishReason(message, response),
            [FlockMetadataKeys.Usage] = usage,
            [FlockMetadataKeys.SystemFingerprint] = response.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.SystemFingerprint) as string,
        };
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.Logprobs, logprobs);
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.Cost, cost);
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.ResponseInfo, info);
        var metadata = new FlockMetadata(entries);

        return new ChatMessageContent(ToRole(message.Role), ToItems(message, model, kernel, names), model, response.RawRepresentation, Encoding.UTF8, metadata)
        {
            AuthorName = message.AuthorName,
        };
    }

    /// <summary>A message function invocation added on the way (the calls, the results), for the caller's history.</summary>
    public static ChatMessageContent ToHistoryMessage(Meai.ChatMessage message, string? modelId, Kernel? kernel, CallNames names)
    {
        FlockMetadata? metadata = null;
        if (Property(message, FlockPropertyNames.FinishReason) is string finishReason)
        {
            metadata = new FlockMetadata(new() { [FlockMetadataKeys.Id] = message.MessageId, [FlockMetadataKeys.FinishReason] = finishReason });
        }

        return new ChatMessageContent(ToRole(message.Role), ToItems(message, modelId, kernel, names), modelId, message.RawRepresentation, Encoding.UTF8, metadata)
        {
            AuthorName = message.AuthorName,
        };
    }

    /// <summary>
    /// MEAI's usage as <see cref="FlockUsage"/>, costs included (<see cref="FlockUsage.FromUsageDetails"/>). Null when no token
    /// count was reported (a cost alone is <see cref="Cost"/>).
    /// </summary>
    public static FlockUsage? ToUsage(Meai.UsageDetails? usage) =>
        usage is null || (usage.InputTokenCount is null && usage.OutputTokenCount is null && usage.TotalTokenCount is null) ? null
        : FlockUsage.FromUsageDetails(usage);

    /// <summary>The total cost in USD from MEAI's usage counts, or null when unknown.</summary>
    public static decimal? Cost(Meai.UsageDetails? usage) => FlockUsage.FromUsageDetails(usage)?.TotalCost;

    /// <summary>The choice an update or message belongs to.</summary>
    public static int ChoiceIndex(Meai.AdditionalPropertiesDictionary? properties) =>
        properties?.GetValueOrDefault(FlockPropertyNames.ChoiceIndex) is int index ? index : 0;

    public static AuthorRole ToRole(Meai.ChatRole role) =>
        role == Meai.ChatRole.Assistant ? AuthorRole.Assistant
        : role == Meai.ChatRole.Tool ? AuthorRole.Tool
        : role == Meai.ChatRole.User ? AuthorRole.User
        : role == Meai.ChatRole.System ? AuthorRole.System
        : new AuthorRole(role.Value);

    /// <summary>A call as SK's: plugin and function split where the kernel confirms it.</summary>
    public static FunctionCallContent ToFunctionCall(Meai.FunctionCallContent call, Kernel? kernel) =>
        new(
            KernelFunctionNames.TrySplit(call.Name, kernel, out var plugin, out var function) ? function : call.Name,
            plugin.Length > 0 ? plugin : null,
            call.CallId,
            call.Arguments is null ? null : new KernelArguments(call.Arguments))
        {
            Exception = call.Exception,
        };

    /// <summary>A call as one complete streamed update, named so SK's <c>FunctionCallContentBuilder</c> splits it into plugin and function.</summary>
    public static StreamingFunctionCallUpdateContent ToStreamingFunctionCall(Meai.FunctionCallContent call, int index, int requestIndex, Kernel? kernel) =>
        new(
            call.CallId,
            KernelFunctionNames.TrySplit(call.Name, kernel, out var plugin, out var function)
                ? KernelFunctionNames.Qualify(plugin, function, KernelFunctionNames.StreamingSeparator)
                : call.Name,
            call.RawRepresentation as string ?? (call.Arguments is null ? null : JsonSerializer.Serialize(call.Arguments, Meai.AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>)))),
            index)
        {
            RequestIndex = requestIndex,
        };

    private static ChatMessageContentItemCollection ToItems(Meai.ChatMessage message, string? modelId, Kernel? kernel, CallNames? names)
    {
        var items = new ChatMessageContentItemCollection();
        foreach (var content in message.Contents)
        {
            switch (content)
            {
                case Meai.TextReasoningContent reasoning:
                    items.Add(new ReasoningContent(reasoning.Text));
                    break;
                case Meai.TextContent text:
                    items.Add(new TextContent(text.Text, modelId));
                    break;
                case Meai.FunctionCallContent call:
                    var skCall = ToFunctionCall(call, kernel);
                    names?.Add(call.CallId, skCall.PluginName, skCall.FunctionName);
                    items.Add(skCall);
                    break;
                case Meai.FunctionResultContent result:
                    var (plugin, function) = names?.Of(result.CallId) ?? default;
                    items.Add(new FunctionResultContent(function, plugin, result.CallId, result.Result));
                    break;
                case Meai.DataContent data when data.HasTopLevelMediaType("image"):
                    items.Add(new ImageContent(data.Data, data.MediaType));
                    break;
                case Meai.UriContent uri when uri.HasTopLevelMediaType("image"):
                    items.Add(new ImageContent(uri.Uri) { MimeType = uri.MediaType });
                    break;
            }
        }

        return items;
    }

    /// <summary>The choice's own finish reason; for a single message, the response's.</summary>
    private static string? FinishReason(Meai.ChatMessage message, Meai.ChatResponse response) =>
        Property(message, FlockPropertyNames.FinishReason) as string
            ?? (response.Messages.Count == 1 ? response.FinishReason?.Value : null);

    private static object? Property(Meai.ChatMessage message, string key) => message.AdditionalProperties?.GetValueOrDefault(key);
}

/// <summary>The plugin and function of each call seen, by call id, so a function's result carries its names as in SK.</summary>
internal sealed class CallNames
{
    private Dictionary<string, (string? Plugin, string Function)>? _names;

    public void Add(string callId, string? plugin, string function) => (_names ??= [])[callId] = (plugin, function);

    public (string? Plugin, string? Function)? Of(string callId) =>
        _names is not null && _names.TryGetValue(callId, out var names) ? names : null;
}
