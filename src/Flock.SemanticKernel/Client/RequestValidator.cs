using System.Globalization;
using Flock.SemanticKernel.Wire;

namespace Flock.SemanticKernel.Client;

/// <summary>Checks a request against the ranges of the API document before anything is sent.</summary>
internal static class RequestValidator
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first parameter out of its documented range.</summary>
    public static void Validate(ChatRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            throw new ArgumentException("model is required: pass a model id to the service or set ModelId in the execution settings.", "model");
        }

        if ((request.Messages is null || request.Messages.Count == 0) && request.Extra?.ContainsKey("messages") != true)
        {
            throw new ArgumentException("messages must hold at least one message.", "messages");
        }

        InRange("temperature", request.Temperature, 0, 2);
        InRange("top_p", request.TopP, 0, 1);
        InRange("frequency_penalty", request.FrequencyPenalty, -2, 2);
        InRange("presence_penalty", request.PresencePenalty, -2, 2);

        if (request.TopLogprobs is { } top && top is < 0 or > 5)
        {
            throw new ArgumentOutOfRangeException("logprobs", top, "logprobs must be between 0 and 5 (the number of most likely tokens returned per position).");
        }

        AtLeastOne("max_tokens", request.MaxTokens);
        AtLeastOne("n", request.N);
        AtLeastOne("best_of", request.BestOf);

        if (request.BestOf is { } bestOf)
        {
            if (request.Stream == true)
            {
                throw new ArgumentException("best_of is not supported with streaming; remove best_of or use a non-streaming call.", "best_of");
            }

            var n = request.N ?? 1;
            if (bestOf < n)
            {
                throw new ArgumentOutOfRangeException("best_of", bestOf, $"best_of must be greater than or equal to n ({n.ToString(CultureInfo.InvariantCulture)}).");
            }
        }

        if (request.Stop is { } stop)
        {
            if (stop.Count > 4)
            {
                throw new ArgumentOutOfRangeException("stop", stop.Count, "stop takes one string or an array of up to 4 strings.");
            }

            foreach (var s in stop)
            {
                if (string.IsNullOrEmpty(s))
                {
                    throw new ArgumentException("stop sequences must be non-empty strings.", "stop");
                }
            }
        }

        if (request.LogitBias is { } bias)
        {
            foreach (var (token, value) in bias)
            {
                if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                {
                    throw new ArgumentException($"logit_bias keys must be token ids (non-negative integers as strings); got '{token}'.", "logit_bias");
                }

                if (value is < -100 or > 100)
                {
                    throw new ArgumentOutOfRangeException("logit_bias", value, $"logit_bias values must be between -100 and 100 (token {token}).");
                }
            }
        }

        if (request.StreamOptions is not null && request.Stream != true)
        {
            throw new ArgumentException("stream_options is only used when stream is true.", "stream_options");
        }
    }

    private static void InRange(string name, double? value, double min, double max)
    {
        if (value is { } v && (double.IsNaN(v) || v < min || v > max))
        {
            throw new ArgumentOutOfRangeException(name, v,
                $"{name} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    private static void AtLeastOne(string name, int? value)
    {
        if (value is { } v && v < 1)
        {
            throw new ArgumentOutOfRangeException(name, v, $"{name} must be at least 1.");
        }
    }
}
