using System.Text.Json;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>How an open model's answer is read: how its thinking is split from it, and what it cost.</summary>
internal static class OpenModelPolicy
{
    /// <summary>
    /// How the answer to <paramref name="request"/> is split: the call's <c>think_tags</c>, else <see cref="FlockOptions.ThinkTags"/>;
    /// never with Qwen3's thinking switched off (<c>enable_thinking: false</c>), where the model sends no tags and a
    /// closing-tag-only split would take the whole answer for reasoning.
    /// </summary>
    public static FlockThinkTags ThinkTagsFor(ChatRequest request, FlockClient client) =>
        request.ChatTemplateKwargs?.TryGetValue("enable_thinking", out var thinking) is true && thinking.ValueKind == JsonValueKind.False
            ? FlockThinkTags.Off
            : request.ThinkTags ?? client.DefaultThinkTags;

    /// <summary>
    /// What a call cost: the proxy's figures when it sent them (headers, else the streamed usage's <c>cost</c>), else the
    /// cached catalogue's prices for the model asked for (else the model that answered). Never fetches the catalogue.
    /// </summary>
    public static CallCost CostOf(FlockClient client, string requestModel, string? responseModel, Usage? usage, FlockResponseInfo? info)
    {
        var model = client.GetCachedModelInfo(requestModel) ?? (responseModel is null ? null : client.GetCachedModelInfo(responseModel));
        return CallCost.Of(usage, info?.Cost, model);
    }
}
