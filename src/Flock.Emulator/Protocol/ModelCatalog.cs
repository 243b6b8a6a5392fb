using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Flock.Emulator.Protocol;

/// <summary>The <c>/v1/models</c> list and the proxy's <c>/model/info</c> metadata for the served models.</summary>
internal static class ModelCatalog
{
    /// <summary>The placeholder timestamp the proxy puts on every model.</summary>
    public const long PlaceholderCreated = 1677610602;

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

    public static string Info(IEnumerable<string> models)
    {
        var data = new JsonArray();
        foreach (var model in models)
        {
            var thinking = model.Contains("thinking", StringComparison.OrdinalIgnoreCase)
                || model.Contains("deepseek", StringComparison.OrdinalIgnoreCase);
            data.Add(new JsonObject
            {
                ["model_name"] = model,
                ["litellm_params"] = new JsonObject { ["model"] = "hosted_vllm/" + model },
                ["model_info"] = new JsonObject
                {
                    ["id"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(model)))[..32],
                    ["key"] = model,
                    ["max_tokens"] = 32768,
                    ["max_input_tokens"] = 131072,
                    ["max_output_tokens"] = 32768,
                    ["input_cost_per_token"] = 2e-7,
                    ["output_cost_per_token"] = 8e-7,
                    ["litellm_provider"] = "hosted_vllm",
                    ["mode"] = "chat",
                    ["supports_function_calling"] = true,
                    ["supports_tool_choice"] = true,
                    ["supports_parallel_function_calling"] = true,
                    ["supports_response_schema"] = true,
                    ["supports_reasoning"] = thinking,
                    ["supports_vision"] = false,
                    ["supports_system_messages"] = true,
                },
            });
        }

        return JsonDefaults.Write(new JsonObject { ["data"] = data });
    }
}
