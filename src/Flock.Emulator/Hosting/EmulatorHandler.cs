using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;
using Flock.Emulator.Scripting;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Hosting;

/// <summary>Routes and answers every request: records it, authenticates, validates, then replies from the script or built-in behaviour.</summary>
internal sealed class EmulatorHandler(FlockEmulatorOptions options, RequestLog log, ScriptQueue script, CancellationToken stopping)
{
    private const string JsonContentType = "application/json";
    private static readonly TimeSpan CutDrainDelay = TimeSpan.FromMilliseconds(100);

    public async Task HandleAsync(HttpContext context)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var ct = linked.Token;
        try
        {
            var body = await ReadBodyAsync(context.Request, ct);
            log.Add(Record(context.Request, body));
            await DispatchAsync(context, body, ct);
        }
        catch (ProtocolException ex) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context.Response, ex.Status, ex.Message, ex.Type, ex.Param, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client went away or the emulator is stopping.
        }
        catch (Exception ex) when (!context.Response.HasStarted && !ct.IsCancellationRequested)
        {
            await WriteErrorAsync(context.Response, 500, $"Flock emulator internal error: {ex.Message}", "internal_server_error", null, ct);
        }
    }

    private async Task DispatchAsync(HttpContext context, string body, CancellationToken ct)
    {
        var path = (context.Request.Path.Value ?? "/").TrimEnd('/');
        var route = path.StartsWith("/v1/", StringComparison.Ordinal) ? path[3..] : path;
        var method = context.Request.Method;

        Func<Task>? action = route switch
        {
            "/chat/completions" when HttpMethods.IsPost(method) => () => ChatAsync(context, body, ct),
            "/models" when HttpMethods.IsGet(method) => () => WriteJsonAsync(context.Response, 200, ModelCatalog.List(options.Models), ct),
            "/model/info" when HttpMethods.IsGet(method) => () => WriteJsonAsync(context.Response, 200, ModelCatalog.Info(options.Models), ct),
            "/images/generations" when HttpMethods.IsPost(method) => () => ImagesAsync(context, body, ct),
            _ => null,
        };

        if (action is null)
        {
            var known = route is "/chat/completions" or "/models" or "/model/info" or "/images/generations";
            throw known
                ? new ProtocolException(405, $"Method Not Allowed: {method} {path}", "invalid_request_error", null)
                : new ProtocolException(404, $"Not Found: {method} {path}", "not_found_error", null);
        }

        Authenticate(context.Request);
        await action();
    }

    private void Authenticate(HttpRequest request)
    {
        string? key = request.Headers["x-litellm-api-key"].FirstOrDefault();
        if (string.IsNullOrEmpty(key) && options.AcceptAuthorizationHeader)
        {
            var authorization = request.Headers.Authorization.FirstOrDefault();
            if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                key = authorization["Bearer ".Length..].Trim();
            }
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new ProtocolException(401, "Authentication Error, No api key passed in.", "auth_error", "None");
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(options.ApiKey)))
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
            throw new ProtocolException(
                401,
                $"Authentication Error, Invalid proxy server token passed. Received API Key = {Mask(key)}, Key Hash (Token) ={hash}. Unable to find token in cache or `LiteLLM_VerificationTokenTable`",
                "token_not_found_in_db",
                "key");
        }
    }

    /// <summary>Masks a key as the proxy does (<c>sk-...XXXX</c>); short keys show nothing of themselves.</summary>
    internal static string Mask(string key) => key.Length >= 8 ? "sk-..." + key[^4..] : "sk-...";

    private async Task ChatAsync(HttpContext context, string body, CancellationToken ct)
    {
        var request = RequestValidator.ValidateChat(RequestValidator.ParseBody(body), options.Models);
        var reply = script.TryDequeue();
        if (reply is not null && reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, ct);
        }

        if (reply is not null && reply.Kind != ScriptedReplyKind.Completion)
        {
            await WriteScriptedFailureAsync(context.Response, reply, ct);
            return;
        }

        var plan = CompletionPlanner.Plan(request, reply);
        AddProxyHeaders(context.Response, plan.Model, reply);
        if (request.Stream)
        {
            await StreamAsync(context, request, plan, reply, ct);
        }
        else
        {
            await WriteJsonAsync(context.Response, 200, CompletionWriter.BuildCompletion(plan, WireStyle.From(reply)), ct);
        }
    }

    private static async Task StreamAsync(HttpContext context, ChatRequest request, ResponsePlan plan, ScriptedReply? reply, CancellationToken ct)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(ct);

        var nl = CompletionWriter.NewLine(reply?.CrLf ?? false);
        var quirks = reply?.SseQuirks == true;
        var chunks = CompletionWriter.BuildChunks(plan, WireStyle.From(reply));
        var eventId = 0;

        // One SSE event carrying a JSON payload; with quirks: id/event lines, "data:" without a space, JSON split over two lines.
        string Event(string payload)
        {
            if (!quirks)
            {
                return "data: " + payload + nl + nl;
            }

            var split = payload.IndexOf(",\"choices\":", StringComparison.Ordinal);
            var data = split > 0
                ? "data:" + payload[..(split + 1)] + nl + "data:" + payload[(split + 1)..] + nl
                : "data:" + payload + nl;
            return $"id: {++eventId}{nl}event: message{nl}{data}{nl}";
        }
        var half = Math.Max(1, chunks.Count / 2);
        int At(int? after) => Math.Clamp(after ?? half, 0, chunks.Count);

        async Task SendAsync(string text)
        {
            await response.WriteAsync(text, ct);
            await response.Body.FlushAsync(ct);
        }

        if (quirks)
        {
            await SendAsync("\uFEFF");
        }

        for (var i = 0; i <= chunks.Count; i++)
        {
            if (reply is not null)
            {
                if (reply.Stall is { } stall && At(reply.StallAfter) == i)
                {
                    await Task.Delay(stall, ct);
                }

                if (reply.InvalidChunk && At(reply.InvalidChunkAfter) == i)
                {
                    await SendAsync("data: {not json" + nl + nl);
                }

                if (reply.MidStreamError is { } error && At(reply.MidStreamErrorAfter) == i)
                {
                    await SendAsync(Event(ErrorBodies.BuildPythonStyle(500, error)));
                    if (reply.MidStreamErrorThenDone)
                    {
                        await SendAsync(Event("[DONE]"));
                    }

                    return;
                }

                if (reply.Cut && At(reply.CutAfter) == i)
                {
                    // Let the transport drain what was flushed, so the client sees those chunks before the reset.
                    await Task.Delay(CutDrainDelay, ct);
                    context.Abort();
                    return;
                }
            }

            if (i == chunks.Count)
            {
                break;
            }

            if (i > 0 && reply?.KeepAlives == true)
            {
                await SendAsync(CompletionWriter.Ping() + nl + nl);
            }

            await SendAsync(Event(chunks[i]));
        }

        if (request.IncludeUsage)
        {
            await SendAsync(Event(CompletionWriter.BuildUsageChunk(plan)));
        }

        if (reply?.NoDone != true)
        {
            await SendAsync(Event("[DONE]"));
        }
    }

    private async Task ImagesAsync(HttpContext context, string body, CancellationToken ct)
    {
        var json = RequestValidator.ParseBody(body);
        ProtocolException Bad(string param, string text) =>
            new(400, $"litellm.BadRequestError: {text}", "invalid_request_error", param);

        if (json["prompt"] is not { } promptNode || promptNode.GetValueKind() != JsonValueKind.String || promptNode.GetValue<string>().Length == 0)
        {
            throw Bad("prompt", "prompt is a required non-empty string");
        }

        var prompt = promptNode.GetValue<string>();
        if (json["model"] is { } modelNode && modelNode.GetValueKind() != JsonValueKind.String)
        {
            throw Bad("model", $"model must be a string, got {RequestValidator.Describe(modelNode)}");
        }

        var n = 1L;
        if (json["n"] is { } nNode && (!RequestValidator.TryGetInteger(nNode, out n) || n is < 1 or > 10))
        {
            throw Bad("n", $"n must be an integer between 1 and 10, got {RequestValidator.Describe(nNode)}");
        }

        var format = "b64_json";
        if (json["response_format"] is { } formatNode)
        {
            format = formatNode.GetValueKind() == JsonValueKind.String ? formatNode.GetValue<string>() : "";
            if (format is not ("b64_json" or "url"))
            {
                throw Bad("response_format", $"response_format must be 'b64_json' or 'url', got {RequestValidator.Describe(formatNode)}");
            }
        }

        if (json["size"] is { } sizeNode
            && (sizeNode.GetValueKind() != JsonValueKind.String || !IsImageSize(sizeNode.GetValue<string>())))
        {
            throw Bad("size", $"size must look like '1024x1024' or 'auto', got {RequestValidator.Describe(sizeNode)}");
        }

        var reply = script.TryDequeue();
        if (reply is not null && reply.Delay > TimeSpan.Zero)
        {
            await Task.Delay(reply.Delay, ct);
        }

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
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
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

    private static async Task WriteScriptedFailureAsync(HttpResponse response, ScriptedReply reply, CancellationToken ct)
    {
        response.StatusCode = reply.Status;
        foreach (var (name, value) in reply.ExtraHeaders)
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

    private static void AddProxyHeaders(HttpResponse response, string model, ScriptedReply? reply)
    {
        response.Headers["x-litellm-call-id"] = Guid.NewGuid().ToString();
        response.Headers["x-litellm-model-group"] = model;
        response.Headers["x-litellm-version"] = "emulator";
        if (reply is not null)
        {
            foreach (var (name, value) in reply.ExtraHeaders)
            {
                response.Headers.Append(name, value);
            }
        }
    }

    private static async Task WriteJsonAsync(HttpResponse response, int status, string json, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = JsonContentType;
        await response.WriteAsync(json, ct);
    }

    private static Task WriteErrorAsync(HttpResponse response, int status, string message, string? type, string? param, CancellationToken ct) =>
        WriteJsonAsync(response, status, ErrorBodies.Build(status, message, type, param), ct);

    private static async Task<string> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        return await reader.ReadToEndAsync(ct);
    }

    private static RecordedRequest Record(HttpRequest request, string body)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
        }

        return new RecordedRequest(request.Method, request.Path.Value ?? "/", headers, body) { ConnectionId = request.HttpContext.Connection.Id };
    }
}
