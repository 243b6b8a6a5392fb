using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Flock.Emulator.Protocol.JsonValues;

namespace Flock.Emulator.Protocol.Validation;

/// <summary>What the sampling and output parameters ask for, once checked.</summary>
internal sealed record SamplingParameters(
    int? MaxTokens,
    int N,
    bool Stream,
    bool IncludeUsage,
    IReadOnlyList<string> Stop,
    long? Seed,
    int? TopLogprobs,
    string? ReasoningEffort,
    JsonObject? TemplateKwargs,
    bool? EnableThinking);

/// <summary>
/// Checks the sampling and output parameters (ranges, the ones the proxy passes to vLLM, token limits, <c>n</c>,
/// <c>best_of</c>, streaming, log probabilities, <c>stop</c>, <c>logit_bias</c>, <c>seed</c>, <c>user</c>), in the order
/// the proxy reports them.
/// </summary>
internal static class SamplingValidator
{
    private const int MaxN = 128;
    private const int MaxLogprobs = 5;
    private const int MaxStop = 4;

    /// <summary>The efforts vLLM's OpenAI server accepts (a pydantic literal; anything else is a 400 there too).</summary>
    private static readonly string[] ReasoningEfforts = ["low", "medium", "high"];

    public static SamplingParameters Validate(JsonObject body, ParameterReader ctx)
    {
        ctx.Range("temperature", 0, 2, body);
        ctx.Range("top_p", 0, 1, body);
        ctx.Range("frequency_penalty", -2, 2, body);
        ctx.Range("presence_penalty", -2, 2, body);

        // Sampling parameters the proxy passes through to vLLM, checked as vLLM checks them.
        ctx.Integer(body, "top_k", min: -1);
        ctx.Range("min_p", 0, 1, body);
        if (ctx.Number(body, "repetition_penalty") is <= 0)
        {
            throw ctx.Bad("repetition_penalty", $"repetition_penalty must be greater than 0, got {Describe(body["repetition_penalty"])}");
        }

        var effort = ctx.String(body, "reasoning_effort");
        if (effort is not null && !ReasoningEfforts.Contains(effort))
        {
            throw ctx.Bad("reasoning_effort", $"reasoning_effort must be one of {string.Join(", ", ReasoningEfforts.Select(e => $"'{e}'"))}, got '{effort}'");
        }

        var templateKwargs = ctx.Object(body, "chat_template_kwargs");
        bool? enableThinking = null;
        if (templateKwargs is not null)
        {
            enableThinking = ctx.Boolean(templateKwargs, "enable_thinking", "chat_template_kwargs.enable_thinking");
        }

        var maxTokens = ctx.Integer(body, "max_tokens", min: 1);
        var maxCompletionTokens = ctx.Integer(body, "max_completion_tokens", min: 1);
        var n = ctx.Integer(body, "n", min: 1, max: MaxN) ?? 1;
        var stream = ctx.Boolean(body, "stream") ?? false;

        var bestOf = ctx.Integer(body, "best_of", min: 1);
        if (bestOf is not null)
        {
            if (stream)
            {
                throw ctx.Bad("best_of", "best_of is not supported with stream=true");
            }

            if (bestOf < n)
            {
                throw ctx.Bad("best_of", $"best_of must be greater than or equal to n, got best_of={bestOf} and n={n}");
            }
        }

        var topLogprobs = ValidateLogprobs(body, ctx);
        var stop = ValidateStop(body, ctx);
        ValidateLogitBias(body, ctx);
        var seed = ctx.Integer(body, "seed", min: long.MinValue);
        ctx.String(body, "user");

        var includeUsage = false;
        if (ctx.Object(body, "stream_options") is { } streamOptions)
        {
            if (!stream)
            {
                throw ctx.Bad("stream_options", "stream_options is only allowed when stream is true");
            }

            includeUsage = ctx.Boolean(streamOptions, "include_usage", "stream_options.include_usage") ?? false;
            ctx.Boolean(streamOptions, "continuous_usage_stats", "stream_options.continuous_usage_stats");
        }

        int? limit = (maxTokens, maxCompletionTokens) switch
        {
            (null, null) => null,
            (long a, null) => (int)Math.Min(a, int.MaxValue),
            (null, long b) => (int)Math.Min(b, int.MaxValue),
            (long a, long b) => (int)Math.Min(Math.Min(a, b), int.MaxValue),
        };

        return new SamplingParameters(limit, (int)n, stream, includeUsage, stop, seed, topLogprobs, effort, templateKwargs, enableThinking);
    }

    private static int? ValidateLogprobs(JsonObject body, ParameterReader ctx)
    {
        int? top = null;
        if (body.TryGetPropertyValue("logprobs", out var node) && node is not null)
        {
            switch (node.GetValueKind())
            {
                case JsonValueKind.True:
                    top = 0;
                    break;
                case JsonValueKind.False:
                    break;
                case JsonValueKind.Number:
                    if (!TryGetInteger(node, out var value))
                    {
                        throw ctx.Bad("logprobs", $"logprobs must be a boolean or an integer, got {Describe(node)}");
                    }

                    if (value is < 0 or > MaxLogprobs)
                    {
                        throw ctx.Bad("logprobs", $"logprobs must be between 0 and {MaxLogprobs}, got {Describe(node)}");
                    }

                    top = (int)value;
                    break;
                default:
                    throw ctx.Bad("logprobs", $"logprobs must be a boolean or an integer, got {Describe(node)}");
            }
        }

        var topLogprobs = ctx.Integer(body, "top_logprobs", min: 0, max: MaxLogprobs);
        if (topLogprobs is not null)
        {
            if (top is null)
            {
                throw ctx.Bad("top_logprobs", "top_logprobs requires logprobs to be true");
            }

            top = (int)topLogprobs.Value;
        }

        return top;
    }

    private static List<string> ValidateStop(JsonObject body, ParameterReader ctx)
    {
        if (!body.TryGetPropertyValue("stop", out var node) || node is null)
        {
            return [];
        }

        if (node.GetValueKind() == JsonValueKind.String)
        {
            var single = node.GetValue<string>();
            return single.Length == 0 ? [] : [single];
        }

        if (node is not JsonArray array)
        {
            throw ctx.Bad("stop", $"stop must be a string or an array of strings, got {Describe(node)}");
        }

        if (array.Count > MaxStop)
        {
            throw ctx.Bad("stop", $"stop allows at most {MaxStop} sequences, got {array.Count}");
        }

        var stops = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not { } item || item.GetValueKind() != JsonValueKind.String)
            {
                throw ctx.Bad("stop", $"stop[{i}] must be a string, got {Describe(array[i])}");
            }

            if (item.GetValue<string>() is { Length: > 0 } s)
            {
                stops.Add(s);
            }
        }

        return stops;
    }

    private static void ValidateLogitBias(JsonObject body, ParameterReader ctx)
    {
        if (ctx.Object(body, "logit_bias") is not { } bias)
        {
            return;
        }

        foreach (var (key, value) in bias)
        {
            if (!long.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                throw ctx.Bad("logit_bias", $"logit_bias keys must be token ids, got '{key}'");
            }

            if (value is null || value.GetValueKind() != JsonValueKind.Number)
            {
                throw ctx.Bad("logit_bias", $"logit_bias[{key}] must be a number, got {Describe(value)}");
            }

            var bias100 = value.GetValue<double>();
            if (bias100 is < -100 or > 100)
            {
                throw ctx.Bad("logit_bias", $"logit_bias values must be between -100 and 100, got {Describe(value)} for token {key}");
            }
        }
    }
}
