using System.Text.Json;
using System.Text.Json.Serialization;

namespace Flock.Extensions.AI.Wire;

/// <summary>
/// LiteLLM's <c>GET /model/info</c>: one entry per deployment. Fields inside <c>model_info</c> are optional and often null;
/// they are read leniently (a field of an unexpected type counts as unknown), so a catalogue can never fail a call.
/// </summary>
internal sealed class ModelInfoList
{
    [JsonPropertyName("data")] public List<ModelInfoEntry?>? Data { get; set; }
}

/// <summary>One deployment of <c>GET /model/info</c>.</summary>
internal sealed class ModelInfoEntry
{
    [JsonPropertyName("model_name")] public JsonElement ModelName { get; set; }
    [JsonPropertyName("litellm_params")] public JsonElement LiteLlmParams { get; set; }
    [JsonPropertyName("model_info")] public JsonElement ModelInfo { get; set; }
}
