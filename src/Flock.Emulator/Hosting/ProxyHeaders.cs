using System.Globalization;
using Flock.Emulator.Protocol;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Hosting;

/// <summary>
/// The headers the proxy puts on its answers (LiteLLM's "Response Headers"), written just before the answer starts, so
/// durations are measured to the first byte. A header the answer already has (a scripted one) is left as it is.
/// </summary>
internal static class ProxyHeaders
{
    public static void Apply(HttpResponse response, RequestScope scope, EmulatorState state)
    {
        var options = state.Options;
        var headers = response.Headers;
        void Set(string name, string value)
        {
            // A served model's id is the user's choice and may not be a legal header value: such a header is left out.
            if (!headers.ContainsKey(name) && value.All(c => c is >= ' ' and <= '~'))
            {
                headers[name] = value;
            }
        }

        Set("x-litellm-call-id", scope.CallId);
        Set("x-litellm-version", options.ProxyVersion);

        // Both are floats in milliseconds; on a fake clock a request that waited for nothing took 0.0 ms.
        var elapsed = state.Time.GetElapsedTime(scope.Started);
        var overhead = elapsed - scope.ModelTime;
        Set("x-litellm-response-duration-ms", PythonText.Float(elapsed.TotalMilliseconds));
        Set("x-litellm-overhead-duration-ms", PythonText.Float(Math.Max(0, overhead.TotalMilliseconds)));
        Set("x-litellm-attempted-retries", Int(scope.AttemptedRetries));
        Set("x-litellm-attempted-fallbacks", Int(scope.AttemptedFallbacks));
        if (scope.AttemptedRetries > 0)
        {
            // LiteLLM's router adds it only once it has retried (wire-facts: "only after a retry").
            Set("x-litellm-max-retries", Int(options.ProxyRetries));
        }

        if (scope.Authenticated)
        {
            Set("x-litellm-key-spend", PythonText.Float(state.Key.Spend));
            if (options.KeyMaxBudget is { } budget)
            {
                Set("x-litellm-key-max-budget", PythonText.Float(budget));
            }

            if (options.RateLimitRequests is { } rpm)
            {
                Set("x-litellm-key-rpm-limit", Int(rpm));
            }

            if (options.RateLimitTokens is { } tpm)
            {
                Set("x-litellm-key-tpm-limit", Int(tpm));
            }
        }

        if (scope.ModelGroup is { } model)
        {
            Set("x-litellm-model-group", model);
            Set("x-litellm-model-id", ModelCatalog.DeploymentId(model));
            Set("x-litellm-model-api-base", ModelCatalog.DeploymentApiBase);
        }

        if (scope.Cost is { } cost && (!scope.Streamed || options.CostHeaderOnStreams))
        {
            Set("x-litellm-response-cost", PythonText.Float(cost.Total));
            if (!scope.Streamed)
            {
                SetParts(cost, Set);
            }
        }

        // LiteLLM's limiter adds what is left in its post-call success hook: a failed call's answer has none of it (a
        // refusal carries its own retry-after and reset_at).
        if (response.StatusCode < 400)
        {
            foreach (var (name, value) in scope.RateLimit?.Headers ?? [])
            {
                Set(name, value);
            }
        }
    }

    /// <summary>The cost's parts on a non-streamed answer: zero parts are left out; the discount and margin are always there.</summary>
    private static void SetParts(CostBreakdown cost, Action<string, string> set)
    {
        void Part(string name, decimal? value)
        {
            if (value is > 0 and var part)
            {
                set(name, PythonText.Float(part));
            }
        }

        Part("x-litellm-response-cost-input", cost.Input);
        Part("x-litellm-response-cost-output", cost.Output);
        Part("x-litellm-response-cost-reasoning", cost.Reasoning);
        if (cost.Original is { } original)
        {
            set("x-litellm-response-cost-original", PythonText.Float(original));
            set("x-litellm-response-cost-discount-amount", PythonText.Float(cost.DiscountAmount ?? 0));
            set("x-litellm-response-cost-margin-amount", PythonText.Float(cost.MarginAmount ?? 0));

            // LiteLLM's "percent" is the configured fraction (0.1 for 10%), written as it is.
            set("x-litellm-response-cost-margin-percent", PythonText.Float(cost.MarginFraction ?? 0));
        }
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
