using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Hosting;

/// <summary>The proxy's routes beside the model calls: health probes and key info.</summary>
internal sealed partial class EmulatorHandler
{
    private const string LivelinessPath = "/health/liveliness";
    private const string LivenessPath = "/health/liveness";
    private const string ReadinessPath = "/health/readiness";

    /// <summary>
    /// LiteLLM's probes: liveliness (and its alias liveness) answers the JSON string <c>"I'm alive!"</c>; readiness a small
    /// JSON status with no database behind the proxy, as a proxy without one reports itself.
    /// </summary>
    private async Task HealthAsync(HttpContext context, string path, CancellationToken ct)
    {
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            throw new ProtocolException(405, $"Method Not Allowed: {context.Request.Method} {path}", "invalid_request_error", null);
        }

        var body = path == ReadinessPath
            ? JsonDefaults.Write(new JsonObject
            {
                ["status"] = "healthy",
                ["db"] = "Not connected",
                ["cache"] = null,
                ["litellm_version"] = Options.ProxyVersion,
                ["success_callbacks"] = new JsonArray("_PROXY_MaxBudgetLimiter", "_PROXY_MaxParallelRequestsHandler_v3", "_PROXY_CacheControlCheck", "ServiceLogging"),
                ["use_aiohttp_transport"] = true,
                ["log_level"] = "WARNING",
                ["is_detailed_debug"] = false,
            })
            : "\"I'm alive!\"";
        await WriteJsonAsync(context.Response, 200, body, ct);
    }

    /// <summary>
    /// <c>GET /key/info</c>: what the proxy knows of the calling key. The proxy also looks up a key given as <c>?key=</c>
    /// (raw or hashed); only this emulator's own key is known, so any other is a 404, as the proxy answers for a key it has not.
    /// </summary>
    private Task KeyInfoAsync(HttpContext context, CancellationToken ct)
    {
        if (context.Request.Query["key"].FirstOrDefault() is { Length: > 0 } asked && asked != Options.ApiKey && asked != state.Key.Hash)
        {
            throw new ProtocolException(404, "Key not found in database", "not_found_error", "key");
        }

        return WriteJsonAsync(context.Response, 200, state.Key.Info(), ct);
    }
}
