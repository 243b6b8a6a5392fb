using System.Text.Json;

namespace Flock.Extensions.AI;

/// <summary>What the adapters need to read an open model's answer: how its thinking is split from it, and what it cost.</summary>
public sealed partial class FlockClient
{
    /// <summary>
    /// How the answer to <paramref name="request"/> is split: the call's <c>think_tags</c>, else <see cref="FlockOptions.ThinkTags"/>;
    /// never with Qwen3's thinking switched off (<c>enable_thinking: false</c>), where the model sends no tags and a
    /// closing-tag-only split would take the whole answer for reasoning.
    /// </summary>
    internal FlockThinkTags ThinkTagsFor(ChatRequest request) =>
        request.ChatTemplateKwargs?.TryGetValue("enable_thinking", out var thinking) is true && thinking.ValueKind == JsonValueKind.False
            ? FlockThinkTags.Off
            : request.ThinkTags ?? _options.ThinkTags;

    /// <summary>
    /// What a call cost: the proxy's figure when it sent one, and the parts from the cached catalogue's prices for the model
    /// asked for (else the model that answered). Never fetches the catalogue.
    /// </summary>
    internal CallCost CostOf(string requestModel, string? responseModel, Usage? usage, decimal? responseCost)
    {
        var model = _catalogue is null ? null
            : GetCachedModelInfo(requestModel) ?? (responseModel is null ? null : GetCachedModelInfo(responseModel));
        return CallCost.Of(usage, responseCost, model);
    }
}
