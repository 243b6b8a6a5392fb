namespace Flock.Extensions.AI;

/// <summary>
/// What the proxy's model catalogue (<c>GET /model/info</c>) says about a model: limits, prices and capabilities. Any value
/// may be null: the catalogue did not say. A model known only from <c>GET /models</c> has nothing but its id.
/// </summary>
public sealed record FlockModelInfo
{
    internal FlockModelInfo(string id) => Id = id;

    /// <summary>The model id to put in requests.</summary>
    public string Id { get; init; }

    /// <summary>The context window in tokens: <c>max_input_tokens</c>, else LiteLLM's legacy <c>max_tokens</c>.</summary>
    public int? ContextWindow { get; init; }

    /// <summary>The most prompt tokens the model takes (<c>max_input_tokens</c>).</summary>
    public int? MaxInputTokens { get; init; }

    /// <summary>The most tokens the model generates in one answer (<c>max_output_tokens</c>).</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>The price of one prompt token in USD (<c>input_cost_per_token</c>).</summary>
    public decimal? InputCostPerToken { get; init; }

    /// <summary>The price of one generated token in USD (<c>output_cost_per_token</c>).</summary>
    public decimal? OutputCostPerToken { get; init; }

    /// <summary>Whether the model takes tools (<c>supports_function_calling</c>).</summary>
    public bool? SupportsFunctionCalling { get; init; }

    /// <summary>Whether the model takes images (<c>supports_vision</c>).</summary>
    public bool? SupportsVision { get; init; }

    /// <summary>Whether the model reasons before answering (<c>supports_reasoning</c>).</summary>
    public bool? SupportsReasoning { get; init; }

    /// <summary>Whether the model follows a JSON schema response format (<c>supports_response_schema</c>).</summary>
    public bool? SupportsResponseSchema { get; init; }

    /// <summary>The model behind the proxy's name (<c>litellm_params.model</c>, e.g. <c>hosted_vllm/Qwen/Qwen3-32B</c>).</summary>
    public string? UpstreamModel { get; init; }

    /// <summary>False when the catalogue was not served (404 or 403) and the model is known only from <c>GET /models</c>.</summary>
    public bool FromCatalogue { get; init; } = true;
}
