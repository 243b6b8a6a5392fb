using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;
using Flock.Emulator.Protocol.Validation;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Hosting;

/// <summary>
/// Routes and answers every request: records it, authenticates, then replays or records an exchange, or validates and replies
/// from the script or the built-in behaviour.
/// </summary>
internal sealed partial class EmulatorHandler(EmulatorState state, CancellationToken stopping)
{
    private const string JsonContentType = "application/json";

    private static readonly string[] Routes = ["/chat/completions", "/models", "/model/info", "/images/generations", "/key/info"];

    /// <summary>The credential headers a recorded request never keeps as sent (see <see cref="Redact"/>).</summary>
    private static readonly string[] CredentialHeaders = ["x-litellm-api-key", "Authorization", "Proxy-Authorization", "api-key", "x-api-key", "Cookie"];

    private FlockEmulatorOptions Options => state.Options;

    public async Task HandleAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        var scope = new RequestScope(state.Time.GetTimestamp());
        context.Response.OnStarting(() =>
        {
            if (scope.SendsProxyHeaders)
            {
                ProxyHeaders.Apply(context.Response, scope, state);
            }

            return Task.CompletedTask;
        });

        try
        {
            var body = await ReadBodyAsync(context.Request, ct);
            state.Log.Add(Record(context.Request, body, Options.ApiKey));
            await DispatchAsync(context, body, scope, ct);
        }
        catch (ProtocolException ex) when (!context.Response.HasStarted)
        {
            foreach (var (name, value) in ex.Headers)
            {
                context.Response.Headers.Append(name, value);
            }

            await WriteErrorAsync(context.Response, ex.Status, ex.Message, ex.Type, ex.Param, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the emulator is stopping.
        }
        catch (Exception ex) when (ex is not StreamCutException && !context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            await WriteErrorAsync(context.Response, 500, $"Flock emulator internal error: {ex.Message}", "internal_server_error", null, ct);
        }
    }

    private async Task DispatchAsync(HttpContext context, byte[] body, RequestScope scope, CancellationToken ct)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var route = Route(path);
        var method = context.Request.Method;

        // The health probes live at the server root only (not under /v1), need no key, and carry none of the proxy's
        // answer headers, as LiteLLM serves them.
        if (path is LivelinessPath or LivenessPath or ReadinessPath)
        {
            scope.SendsProxyHeaders = false;
            await HealthAsync(context, path, ct);
            return;
        }

        // Recording and replaying serve every path: the upstream (or the recording) decides what exists.
        if (state.Replayer is { } replayer)
        {
            scope.SendsProxyHeaders = false;
            Authenticate(context.Request);
            await replayer.ServeAsync(context, route, body, ct);
            return;
        }

        if (state.Recorder is { } recorder)
        {
            scope.SendsProxyHeaders = false;
            Authenticate(context.Request);
            await recorder.ProxyAsync(context, route, body, ct);
            return;
        }

        var text = Encoding.UTF8.GetString(body);
        Func<Task>? action = route switch
        {
            "/chat/completions" when HttpMethods.IsPost(method) => () => ChatAsync(context, text, scope, ct),
            "/models" when HttpMethods.IsGet(method) => () => WriteJsonAsync(context.Response, 200, ModelCatalog.List(Options.Models), ct),
            "/model/info" when HttpMethods.IsGet(method) => () => ModelInfoAsync(context.Response, ct),
            "/images/generations" when HttpMethods.IsPost(method) => () => ImagesAsync(context, text, scope, ct),
            "/key/info" when HttpMethods.IsGet(method) => () => KeyInfoAsync(context, ct),
            _ => null,
        };

        if (action is null)
        {
            throw Routes.Contains(route)
                ? new ProtocolException(405, $"Method Not Allowed: {method} {path}", "invalid_request_error", null)
                : new ProtocolException(404, $"Not Found: {method} {path}", "not_found_error", null);
        }

        Authenticate(context.Request);
        scope.Authenticated = true;
        await action();
    }

    /// <summary>The path relative to the API base: the proxy serves every route with and without the <c>/v1</c> prefix.</summary>
    internal static string Route(string path) => path.StartsWith("/v1/", StringComparison.Ordinal) ? path[3..] : path;

    /// <summary>
    /// Finds the key as LiteLLM does: <c>x-litellm-api-key</c>, else <c>Authorization: Bearer</c>. "No api key passed in" is
    /// only said when no key came at all; a key that does not match is named (masked) as wrong.
    /// </summary>
    private void Authenticate(HttpRequest request)
    {
        var key = request.Headers["x-litellm-api-key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key) && request.Headers.Authorization.FirstOrDefault() is { Length: > 0 } authorization)
        {
            if (!Options.AcceptAuthorizationHeader)
            {
                throw new ProtocolException(
                    401,
                    "Authentication Error, this emulator was started without Authorization header support: send the key in the x-litellm-api-key header.",
                    "auth_error",
                    "None");
            }

            if (!authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                throw new ProtocolException(401, "Authentication Error, Malformed API Key passed in. Ensure Key has `Bearer ` prefix.", "auth_error", "None");
            }

            key = authorization["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new ProtocolException(401, "Authentication Error, No api key passed in.", "auth_error", "None");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(Options.ApiKey)))
        {
            var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key))).ToLowerInvariant();
            throw new ProtocolException(
                401,
                $"Authentication Error, Invalid proxy server token passed. Received API Key = {Mask(key)}, Key Hash (Token) ={hash}. Unable to find token in cache or `LiteLLM_VerificationTokenTable`",
                "token_not_found_in_db",
                "key");
        }

        state.Key.CheckExpiry(key);
    }

    /// <summary>Masks a key as the proxy does (<c>sk-...XXXX</c>); short keys show nothing of themselves.</summary>
    internal static string Mask(string key) => key.Length >= 8 ? "sk-..." + key[^4..] : "sk-...";

    private Task ModelInfoAsync(HttpResponse response, CancellationToken ct) => state.ModelInfoStatus switch
    {
        null => WriteJsonAsync(response, 200, ModelCatalog.Info(Options.Models), ct),
        403 => WriteErrorAsync(response, 403, "Access forbidden: this key may not call /model/info.", "auth_error", "None", ct),
        var status => WriteErrorAsync(response, status.Value, $"Not Found: /model/info is not served here (status {status}).", "not_found_error", null, ct),
    };

    private async Task ImagesAsync(HttpContext context, string body, RequestScope scope, CancellationToken ct)
    {
        var json = RequestValidator.ParseBody(body);
        using var lease = AdmitLlmCall(json, scope);
        ProtocolException Bad(string param, string text) =>
            new(400, $"litellm.BadRequestError: {text}", "invalid_request_error", param);

        if (json["prompt"] is not { } promptNode || promptNode.GetValueKind() != JsonValueKind.String || promptNode.GetValue<string>().Length == 0)
        {
            throw Bad("prompt", "prompt is a required non-empty string");
        }

        var prompt = promptNode.GetValue<string>();
        if (json["model"] is { } modelNode && modelNode.GetValueKind() != JsonValueKind.String)
        {
            throw Bad("model", $"model must be a string, got {JsonValues.Describe(modelNode)}");
        }

        var n = 1L;
        if (json["n"] is { } nNode && (!JsonValues.TryGetInteger(nNode, out n) || n is < 1 or > 10))
        {
            throw Bad("n", $"n must be an integer between 1 and 10, got {JsonValues.Describe(nNode)}");
        }

        var format = "b64_json";
        if (json["response_format"] is { } formatNode)
        {
            format = formatNode.GetValueKind() == JsonValueKind.String ? formatNode.GetValue<string>() : "";
            if (format is not ("b64_json" or "url"))
            {
                throw Bad("response_format", $"response_format must be 'b64_json' or 'url', got {JsonValues.Describe(formatNode)}");
            }
        }

        if (json["size"] is { } sizeNode
            && (sizeNode.GetValueKind() != JsonValueKind.String || !IsImageSize(sizeNode.GetValue<string>())))
        {
            throw Bad("size", $"size must look like '1024x1024' or 'auto', got {JsonValues.Describe(sizeNode)}");
        }

        var reply = state.Script.TryDequeue();
        await ModelDelayAsync(reply?.Delay ?? TimeSpan.Zero, scope, ct);
        if (reply is not null && reply.Kind != ScriptedReplyKind.Completion)
        {
            await WriteScriptedFailureAsync(context.Response, reply, ct);
            return;
        }

        var revised = reply?.Content ?? prompt;
        var data = new JsonArray();
        for (var i = 0; i < n; i++)
        {
            var b64 = Convert.ToBase64String(ImageGenerator.Png(i == 0 ? prompt : $"{prompt}#{i}"));
            var item = format == "url"
                ? new JsonObject { ["url"] = "data:image/png;base64," + b64 }
                : new JsonObject { ["b64_json"] = b64 };
            item["revised_prompt"] = revised;
            data.Add(item);
        }

        await WriteJsonAsync(context.Response, 200, JsonDefaults.Write(new JsonObject
        {
            ["created"] = state.Time.GetUtcNow().ToUnixTimeSeconds(),
            ["data"] = data,
        }), ct);
    }

    private static bool IsImageSize(string size)
    {
        if (size == "auto")
        {
            return true;
        }

        var parts = size.Split('x');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var w) && w > 0
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var h) && h > 0;
    }

    /// <summary>Waits on the emulator's clock, so a test with a fake <see cref="TimeProvider"/> decides when the wait is over.</summary>
    private Task DelayAsync(TimeSpan delay, CancellationToken ct) => Task.Delay(delay, state.Time, ct);

    /// <summary>A wait that stands for the model's work: it counts in the answer's duration but not in the proxy's overhead.</summary>
    private async Task ModelDelayAsync(TimeSpan delay, RequestScope scope, CancellationToken ct)
    {
        if (delay > TimeSpan.Zero)
        {
            scope.ModelTime += delay;
            await DelayAsync(delay, ct);
        }
    }

    /// <summary>
    /// What the proxy checks before it calls a model, in its order: the key may call the model asked for, its budget is
    /// not spent, and the rate limits admit the call (counted from here on, whatever happens next).
    /// </summary>
    private RateLimitLease AdmitLlmCall(JsonObject json, RequestScope scope)
    {
        var asked = json["model"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        if (asked is not null && Options.Models.Contains(asked))
        {
            scope.ModelGroup = asked;
        }

        state.Key.CheckModel(asked);
        state.Key.CheckBudget();
        var lease = state.Limiter.Acquire(asked);
        scope.RateLimit = lease;
        return lease;
    }

    private static async Task WriteScriptedFailureAsync(HttpResponse response, ScriptedReply reply, CancellationToken ct)
    {
        response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.Headers)
        {
            response.Headers.Append(name, value);
        }

        switch (reply.Kind)
        {
            case ScriptedReplyKind.Error:
                response.ContentType = JsonContentType;
                await response.WriteAsync(ErrorBodies.Build(reply.Status, reply.ErrorMessage!, reply.ErrorType, reply.ErrorParam), ct);
                break;
            case ScriptedReplyKind.Raw:
                response.ContentType = reply.ContentType;
                await response.WriteAsync(reply.RawText!, ct);
                break;
            case ScriptedReplyKind.Redirect:
                response.Headers.Location = reply.Location!.ToString();
                response.ContentLength = 0;
                break;
        }
    }

    private static async Task WriteJsonAsync(HttpResponse response, int status, string json, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        await response.WriteAsync(json, ct);
    }

    internal static Task WriteErrorAsync(HttpResponse response, int status, string message, string? type, string? param, CancellationToken ct) =>
        WriteJsonAsync(response, status, ErrorBodies.Build(status, message, type, param), ct);

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }

    private static RecordedRequest Record(HttpRequest request, byte[] body, string apiKey)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            var value = values.ToString();
            headers[name] = CredentialHeaders.Contains(name, StringComparer.OrdinalIgnoreCase) ? Redact(value, apiKey) : value;
        }

        var sent = new List<string>(1);
        if (request.Headers["x-litellm-api-key"].FirstOrDefault() is { Length: > 0 } key)
        {
            sent.Add(RecordedRequest.KeyHash(key));
        }

        if (request.Headers.Authorization.FirstOrDefault() is { } authorization
            && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            && authorization["Bearer ".Length..].Trim() is { Length: > 0 } bearer)
        {
            sent.Add(RecordedRequest.KeyHash(bearer));
        }

        return new RecordedRequest(request.Method, request.Path.Value ?? "/", headers, Encoding.UTF8.GetString(body))
        {
            ConnectionId = request.HttpContext.Connection.Id,
            Query = RedactQuery(request.QueryString.Value ?? "", apiKey),
            SentKeyHashes = sent,
        };
    }

    /// <summary>
    /// A credential header's value as a recorded request keeps it: the emulator's own key (already public as
    /// <see cref="FlockEmulator.ApiKey"/>) reads back as sent, so a test can check a client sent it; any other value, which
    /// may be a real key sent by mistake, is kept only masked as the proxy echoes it (<c>sk-...XXXX</c>).
    /// </summary>
    internal static string Redact(string value, string apiKey)
    {
        if (value == apiKey)
        {
            return value;
        }

        // "Bearer <key>" keeps its scheme; anything else (a cookie, say) is masked whole.
        var space = value.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && value[..space].All(char.IsAsciiLetter) && value[(space + 1)..].Trim() is { Length: > 0 } credential)
        {
            return credential == apiKey ? value : value[..(space + 1)] + Mask(credential);
        }

        return Mask(value);
    }

    /// <summary>The query string with the value of any <c>key</c> parameter redacted like a credential header.</summary>
    private static string RedactQuery(string query, string apiKey)
    {
        if (query.Length == 0)
        {
            return "";
        }

        var parts = query.TrimStart('?').Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && string.Equals(Uri.UnescapeDataString(parts[i][..equals]), "key", StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = parts[i][..(equals + 1)] + Uri.EscapeDataString(Redact(Uri.UnescapeDataString(parts[i][(equals + 1)..]), apiKey));
            }
        }

        return "?" + string.Join('&', parts);
    }
}

/// <summary>
/// Thrown after a response started to end it without its terminating chunk: Kestrel then closes the connection once what
/// was already written has gone out, so the client reads every chunk sent before the cut and then an unfinished response.
/// </summary>
internal sealed class StreamCutException() : Exception("The scripted reply cut the stream here.");
