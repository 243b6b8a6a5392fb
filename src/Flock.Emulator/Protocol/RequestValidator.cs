using System.Text.Json;
using System.Text.Json.Nodes;
using Flock.Emulator.Protocol.Validation;

namespace Flock.Emulator.Protocol;

/// <summary>
/// Checks a chat completion body against the Flock API document (types and ranges) and answers 400s the way the proxy does:
/// <c>litellm.BadRequestError: …</c> with <c>param</c> naming the offending parameter. Unknown keys are ignored. Each concern
/// has its validator (messages, sampling and output, tools, response format); this one runs them in the proxy's order.
/// </summary>
internal static class RequestValidator
{
    private const int MaxDepth = 256;

    /// <summary>Parses the body text as a JSON object, or answers 400.</summary>
    public static JsonObject ParseBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            throw new ProtocolException(400, "litellm.BadRequestError: Invalid JSON payload received. The request body is empty.", "invalid_request_error", null);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(body, documentOptions: new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            // The parser's own message is .NET's (type names, BytePositionInLine): the proxy speaks of the position only.
            throw new ProtocolException(400, $"litellm.BadRequestError: Invalid JSON payload received. {JsonErrorPosition.Describe(body, ex, MaxDepth)}", "invalid_request_error", null);
        }

        return node as JsonObject
            ?? throw new ProtocolException(400, "litellm.BadRequestError: The request body must be a JSON object.", "invalid_request_error", null);
    }

    /// <summary>Validates a chat completion request body.</summary>
    public static ChatRequest ValidateChat(JsonObject body, IList<string> models)
    {
        var model = ValidateModel(body, models);
        var profile = ModelCatalog.Profile(model);
        var ctx = new ParameterReader(model);

        var (messages, promptTokens) = MessageValidator.Validate(body, ctx);
        var sampling = SamplingValidator.Validate(body, ctx);
        var fallbacks = ValidateFallbacks(body, ctx);

        var tools = ToolValidator.ValidateTools(body, ctx);
        var (toolChoice, toolChoiceName) = ToolValidator.ValidateToolChoice(body, tools, ctx);
        if (tools.Count > 0 && toolChoice == ToolChoiceMode.Auto && profile.FunctionCalling == false)
        {
            // vLLM without a tool-call parser refuses automatic tool choice (a named or required choice still works).
            throw ctx.Bad("tools", "\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set");
        }

        ctx.Boolean(body, "parallel_tool_calls");
        var (format, schema) = ResponseFormatValidator.Validate(body, ctx);

        if (tools.Count > 0)
        {
            promptTokens += Tokenizer.Count(body["tools"]!.ToJsonString());
        }

        if (profile.ReasoningBackOnToolTurns)
        {
            ReasoningRule.Check(messages, model);
        }

        return new ChatRequest
        {
            Model = model,
            Messages = messages,
            PromptTokens = promptTokens,
            Stream = sampling.Stream,
            IncludeUsage = sampling.IncludeUsage,
            N = sampling.N,
            MaxTokens = sampling.MaxTokens,
            Stop = sampling.Stop,
            Seed = sampling.Seed,
            TopLogprobs = sampling.TopLogprobs,
            Tools = tools,
            ToolChoice = toolChoice,
            ToolChoiceName = toolChoiceName,
            ResponseFormat = format,
            ResponseSchema = schema,
            Profile = profile,
            Fallbacks = fallbacks,
            Thinking = sampling.EnableThinking
                ?? (profile.ThinksByDefault || sampling.ReasoningEffort is not null
                    || sampling.TemplateKwargs?["thinking"]?.GetValueKind() == JsonValueKind.True),
        };
    }

    /// <summary>
    /// The proxy's <c>fallbacks</c>: model names tried in order when the model fails. Whether a name is served is only found
    /// out when the proxy falls back to it, as on the proxy.
    /// </summary>
    private static List<string> ValidateFallbacks(JsonObject body, ParameterReader ctx)
    {
        if (!body.TryGetPropertyValue("fallbacks", out var node) || node is null)
        {
            return [];
        }

        if (node is not JsonArray array)
        {
            throw ctx.Bad("fallbacks", $"fallbacks must be an array of model names, got {JsonValues.Describe(node)}");
        }

        var names = new List<string>(array.Count);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonValue item || item.GetValueKind() != JsonValueKind.String || item.GetValue<string>().Length == 0)
            {
                throw ctx.Bad("fallbacks", $"fallbacks[{i}] must be a non-empty model name, got {JsonValues.Describe(array[i])}");
            }

            names.Add(item.GetValue<string>());
        }

        return names;
    }

    private static string ValidateModel(JsonObject body, IList<string> models)
    {
        if (!body.TryGetPropertyValue("model", out var node) || node is null)
        {
            throw new ProtocolException(400, "litellm.BadRequestError: model is a required parameter. Call /v1/models to view available models for your key.", "invalid_request_error", "model");
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            throw new ProtocolException(400, $"litellm.BadRequestError: model must be a string, got {JsonValues.Describe(node)}", "invalid_request_error", "model");
        }

        var model = node.GetValue<string>();
        if (!models.Contains(model))
        {
            throw new ProtocolException(
                400,
                $"litellm.BadRequestError: Invalid model name passed in model={model}. Call /v1/models to view available models for your key.",
                "invalid_request_error",
                "model");
        }

        return model;
    }
}
