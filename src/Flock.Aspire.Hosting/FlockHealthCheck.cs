using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// The AppHost's checks of Flock (or its emulator): the proxy's <c>/health/liveliness</c> at the host root, which needs no
/// key, falling back to <c>GET {endpoint}/models</c> with the key where it is not exposed; for a model, that it is listed.
/// The key goes only into the request header to the resource's own endpoint; no message carries it.
/// </summary>
internal sealed class FlockHealthCheck(
    Func<HttpClient> http, Func<CancellationToken, ValueTask<string?>> endpoint, Func<CancellationToken, ValueTask<string?>> key, string? model) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string? baseAddress, apiKey;
        try
        {
            baseAddress = await endpoint(cancellationToken).ConfigureAwait(false);
            apiKey = await key(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not the exception: a parameter's failure could quote its value.
            return HealthCheckResult.Unhealthy($"Flock's endpoint or key is not available yet ({ex.GetType().Name}).");
        }

        if (!Uri.TryCreate(baseAddress, UriKind.Absolute, out var api))
        {
            return HealthCheckResult.Unhealthy("Flock's endpoint is not an absolute address.");
        }

        var client = http();
        var models = new Uri(api.AbsoluteUri.TrimEnd('/') + "/models");
        try
        {
            if (model is null)
            {
                using var alive = await client.GetAsync(new Uri(api, "/health/liveliness"), cancellationToken).ConfigureAwait(false);
                if (alive.IsSuccessStatusCode)
                {
                    return HealthCheckResult.Healthy($"Flock at {api} is alive (GET /health/liveliness).");
                }

                if (alive.StatusCode is not (HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed or HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                {
                    return HealthCheckResult.Unhealthy($"Flock at {api} answered GET /health/liveliness with {(int)alive.StatusCode}.");
                }
            }

            // Not exposed (or a model to find): the models list, with the key.
            using var request = new HttpRequestMessage(HttpMethod.Get, models);
            if (!string.IsNullOrEmpty(apiKey))
            {
                request.Headers.TryAddWithoutValidation("x-litellm-api-key", apiKey);
            }

            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return HealthCheckResult.Unhealthy($"Flock at {api} answered GET {models.AbsolutePath} with {(int)response.StatusCode}{(response.StatusCode == HttpStatusCode.Unauthorized ? " (the key was refused)" : "")}.");
            }

            var ids = await ReadIdsAsync(response, cancellationToken).ConfigureAwait(false);
            if (model is null)
            {
                return HealthCheckResult.Healthy($"Flock at {api} lists {ids.Count} models.");
            }

            return ids.Contains(model)
                ? HealthCheckResult.Healthy($"Flock at {api} lists the model '{model}'.")
                : HealthCheckResult.Unhealthy($"Flock at {api} does not list the model '{model}'; it lists: {string.Join(", ", ids.Take(20))}.");
        }
        catch (HttpRequestException ex)
        {
            // The message names the address, never a header.
            return HealthCheckResult.Unhealthy($"Flock at {api} cannot be reached: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"Flock at {api} did not answer in time.");
        }
        catch (JsonException)
        {
            return HealthCheckResult.Unhealthy($"Flock at {api} answered GET {models.AbsolutePath} with something that is not a models list.");
        }
    }

    private static async Task<List<string>> ReadIdsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        // A models list is small; a hostile answer is bounded by the client's response buffer limit.
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var ids = new List<string>();
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("data", out var data)
            && data.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in data.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    ids.Add(id.GetString()!);
                }
            }
        }

        return ids;
    }
}
