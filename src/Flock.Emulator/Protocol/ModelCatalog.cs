using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol;

/// <summary>
/// What the emulator knows of a served model: how it thinks, and what the proxy's <c>/model/info</c> says of it
/// (null = the proxy reports no value, as LiteLLM often does).
/// </summary>
internal sealed record ModelProfile(
    string Id,
    bool ThinksByDefault,
    ReasoningStyle Style,
    bool InModelInfo = true,
    long? MaxInputTokens = null,
    long? MaxOutputTokens = null,
    decimal? InputCostPerToken = null,
    decimal? OutputCostPerToken = null,
    bool? FunctionCalling = null,
    bool? Vision = null,
    bool? Reasoning = null,
    bool? ResponseSchema = null,
    string Provider = "hosted_vllm",
    bool ReasoningBackOnToolTurns = false)
{
    /// <summary>The deployment id the proxy gives the model (<c>model_info.id</c>, <c>x-litellm-model-id</c>).</summary>
    public string DeploymentId => ModelCatalog.DeploymentId(Id);
}

/// <summary>The <c>/v1/models</c> list, the proxy's <c>/model/info</c> metadata, and each served model's profile.</summary>
internal static class ModelCatalog
{
    /// <summary>The placeholder timestamp the proxy puts on every model.</summary>
    public const long PlaceholderCreated = 1677610602;

    /// <summary>The models served by default, with prices and limits of the order real hosts charge.</summary>
    public static IReadOnlyList<ModelProfile> BuiltIn { get; } =
    [
        new("qwen3-30b-a3b-instruct-2507", ThinksByDefault: false, ReasoningStyle.Field,
            MaxInputTokens: 262144, MaxOutputTokens: 32768, InputCostPerToken: 0.0000001m, OutputCostPerToken: 0.0000003m,
            FunctionCalling: true, Vision: false, Reasoning: false, ResponseSchema: true),
        new("qwen3-235b-a22b-thinking-2507", ThinksByDefault: true, ReasoningStyle.Field,
            MaxInputTokens: 262144, MaxOutputTokens: 81920, InputCostPerToken: 0.00000025m, OutputCostPerToken: 0.000001m,
            FunctionCalling: true, Vision: false, Reasoning: true, ResponseSchema: null),
        new("deepseek-v3.1", ThinksByDefault: false, ReasoningStyle.Field,
            MaxInputTokens: 131072, MaxOutputTokens: 8192, InputCostPerToken: 0.00000056m, OutputCostPerToken: 0.00000168m,
            FunctionCalling: true, Vision: null, Reasoning: true, ResponseSchema: null),

        // Served without a reasoning parser: the thinking arrives inside content as <think>…</think>answer.
        new("deepseek-r1-distill-qwen-32b", ThinksByDefault: true, ReasoningStyle.ThinkTags,
            MaxInputTokens: 131072, MaxOutputTokens: 32768, InputCostPerToken: null, OutputCostPerToken: null,
            FunctionCalling: false, Vision: false, Reasoning: true, ResponseSchema: false),

        // A Qwen3 thinking model without a reasoning parser: its template opens <think> itself, so only </think> arrives.
        new("qwen3-30b-a3b-thinking-2507", ThinksByDefault: true, ReasoningStyle.ClosingThinkTag,
            MaxInputTokens: null, MaxOutputTokens: 32768, InputCostPerToken: 0.0000001m, OutputCostPerToken: 0.0000004m,
            FunctionCalling: true, Vision: false, Reasoning: true, ResponseSchema: null),

        // Served by a wildcard route: in /models, absent from /model/info.
        new("llama-3.3-70b-instruct", ThinksByDefault: false, ReasoningStyle.Field, InModelInfo: false),

        // DeepSeek's thinking mode behind the proxy: reasoning in reasoning_content, and a 400 when an assistant message of
        // an exchange that used tools comes back without its reasoning (DeepSeek's Thinking Mode guide).
        new("deepseek-v3.2-thinking", ThinksByDefault: true, ReasoningStyle.Field,
            MaxInputTokens: 131072, MaxOutputTokens: 65536, InputCostPerToken: 0.00000028m, OutputCostPerToken: 0.00000042m,
            FunctionCalling: true, Vision: false, Reasoning: true, ResponseSchema: null, Provider: "deepseek", ReasoningBackOnToolTurns: true),
    ];

    /// <summary>Where the proxy says a deployment lives (<c>x-litellm-model-api-base</c>): a vLLM server on the proxy's network.</summary>
    public const string DeploymentApiBase = "http://localhost:8000/v1";

    /// <summary>The deployment id the proxy gives a model: a stable hash of its name, as <c>/model/info</c> lists it.</summary>
    public static string DeploymentId(string model) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(model))).ToLowerInvariant()[..32];

    /// <summary>The profile of a served model; a model the emulator does not know thinks when its name says so and has no prices.</summary>
    public static ModelProfile Profile(string model) =>
        BuiltIn.FirstOrDefault(p => p.Id == model)
        ?? new ModelProfile(model, ThinksByName(model), ReasoningStyle.Field,
            MaxInputTokens: 131072, MaxOutputTokens: 32768, FunctionCalling: true, Reasoning: ThinksByName(model) ? true : null);

    public static string List(IEnumerable<string> models)
    {
        var data = new JsonArray();
        foreach (var model in models)
        {
            data.Add(new JsonObject
            {
                ["id"] = model,
                ["object"] = "model",
                ["created"] = PlaceholderCreated,
                ["owned_by"] = "openai",
            });
        }

        return JsonDefaults.Write(new JsonObject { ["data"] = data, ["object"] = "list" });
    }

    /// <summary>The <c>/model/info</c> body: one entry per served model that has info, shaped and valued as LiteLLM reports it.</summary>
    public static string Info(IEnumerable<string> models)
    {
        var data = new JsonArray();
        foreach (var profile in models.Select(Profile).Where(p => p.InModelInfo))
        {
            var id = profile.DeploymentId;
            data.Add(new JsonObject
            {
                ["model_name"] = profile.Id,
                ["litellm_params"] = new JsonObject { ["model"] = profile.Provider + "/" + profile.Id, ["use_in_pass_through"] = false },
                ["model_info"] = new JsonObject
                {
                    ["id"] = id,
                    ["db_model"] = false,
                    ["key"] = profile.Provider + "/" + profile.Id,
                    ["max_tokens"] = profile.MaxOutputTokens,
                    ["max_input_tokens"] = profile.MaxInputTokens,
                    ["max_output_tokens"] = profile.MaxOutputTokens,
                    ["input_cost_per_token"] = PythonNumber(profile.InputCostPerToken),
                    ["output_cost_per_token"] = PythonNumber(profile.OutputCostPerToken),
                    ["input_cost_per_token_batches"] = null,
                    ["cache_read_input_token_cost"] = null,
                    ["litellm_provider"] = profile.Provider,
                    ["mode"] = "chat",
                    ["supports_system_messages"] = null,
                    ["supports_function_calling"] = profile.FunctionCalling,
                    ["supports_tool_choice"] = profile.FunctionCalling,
                    ["supports_parallel_function_calling"] = profile.FunctionCalling,
                    ["supports_vision"] = profile.Vision,
                    ["supports_reasoning"] = profile.Reasoning,
                    ["supports_response_schema"] = profile.ResponseSchema,
                    ["supports_prompt_caching"] = null,
                    ["supported_openai_params"] = SupportedParams(),
                },
            });
        }

        return JsonDefaults.Write(new JsonObject { ["data"] = data });
    }

    /// <summary>A number written as Python's <c>json.dumps</c> writes a float (<c>1e-07</c>, <c>2.5e-07</c>, <c>0.0</c>), or null.</summary>
    public static JsonNode? PythonNumber(decimal? value) => value is { } v ? JsonNode.Parse(PythonFloat((double)v)) : null;

    /// <summary>Python's <c>repr</c> of a float: shortest round-trip digits, exponent form below 1e-4 as <c>e-05</c>.</summary>
    public static string PythonFloat(double value) => PythonText.Float(value);

    private static bool ThinksByName(string model) =>
        model.Contains("thinking", StringComparison.OrdinalIgnoreCase)
        || model.Contains("-r1", StringComparison.OrdinalIgnoreCase)
        || model.Contains("reasoner", StringComparison.OrdinalIgnoreCase);

    private static JsonArray SupportedParams() =>
    [
        "max_tokens", "max_completion_tokens", "temperature", "top_p", "frequency_penalty", "presence_penalty", "n", "stop",
        "stream", "stream_options", "seed", "logprobs", "top_logprobs", "logit_bias", "user", "tools", "tool_choice",
        "parallel_tool_calls", "response_format", "reasoning_effort",
    ];
}
