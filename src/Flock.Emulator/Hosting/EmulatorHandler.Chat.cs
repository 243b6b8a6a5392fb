using System.Text.Json.Nodes;
using Flock.Emulator.Protocol;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Hosting;

/// <summary>Chat completions: a JSON body or an SSE stream, with the scripted reply's faults and timing.</summary>
internal sealed partial class EmulatorHandler
{
    private async Task ChatAsync(HttpContext context, string body, RequestScope scope, CancellationToken ct)
    {
        var json = RequestValidator.ParseBody(body);
        using var lease = AdmitLlmCall(json, scope);
        var request = Route(json, RequestValidator.ValidateChat(json, Options.Models), scope);

        // The scripted reply is the answer of the model that answered (a fallback, after a scripted model failure).
        var reply = state.Script.TryDequeue();
        await ModelDelayAsync(reply?.Delay ?? TimeSpan.Zero, scope, ct);
        if (reply is not null && reply.Kind != ScriptedReplyKind.Completion)
        {
            await WriteScriptedFailureAsync(context.Response, reply, ct);
            return;
        }

        var plan = CompletionPlanner.Plan(request, reply, state.Time.GetUtcNow(), Options.CostDiscount, Options.CostMargin);
        scope.Cost = plan.Costs;
        scope.Streamed = request.Stream;
        foreach (var (name, value) in reply?.Headers ?? [])
        {
            context.Response.Headers.Append(name, value);
        }

        if (request.Stream)
        {
            // The proxy books a stream's cost and tokens once it has ended; its headers went out before.
            if (await StreamAsync(context, request, plan, reply, ct))
            {
                Settle(lease, plan);
            }
        }
        else
        {
            // Booked before the headers go out, so x-litellm-key-spend includes this answer, as the proxy's does.
            Settle(lease, plan);
            await WriteJsonAsync(context.Response, 200, CompletionWriter.BuildCompletion(plan, WireStyle.From(reply), Options.UsageCostOnCompletions), ct);
        }
    }

    private void Settle(RateLimitLease lease, ResponsePlan plan)
    {
        state.Key.Add(plan.Cost);
        state.Limiter.Complete(lease, plan.PromptTokens, plan.CompletionTokens);
    }

    /// <summary>
    /// The proxy's router: the model asked for, retried up to <see cref="FlockEmulatorOptions.ProxyRetries"/> times while it
    /// fails, then each of the request's <c>fallbacks</c> in turn. Returns the request as the answering model serves it;
    /// when every model fails, the last failure is the answer.
    /// </summary>
    private ChatRequest Route(JsonObject json, ChatRequest request, RequestScope scope)
    {
        string[] models = [request.Model, .. request.Fallbacks];
        ProtocolException? failure = null;
        for (var i = 0; i < models.Length; i++)
        {
            var model = models[i];
            var attempt = request;
            if (i > 0)
            {
                scope.AttemptedFallbacks = i;
                scope.ModelGroup = model;
                try
                {
                    // A fallback is a model call of its own: the key must be allowed it and its server must take the request.
                    state.Key.CheckModel(model);
                    var copy = json.DeepClone().AsObject();
                    copy["model"] = model;
                    attempt = RequestValidator.ValidateChat(copy, Options.Models);
                }
                catch (ProtocolException ex)
                {
                    failure = ex;
                    continue;
                }
            }

            for (var retry = 0; retry <= Options.ProxyRetries; retry++)
            {
                if (retry > 0)
                {
                    scope.AttemptedRetries++;
                }

                if (state.Faults.TryConsume(model) is not { } fault)
                {
                    scope.ModelGroup = model;
                    return attempt;
                }

                failure = UpstreamFailure(fault, attempt.Profile, request.Fallbacks);
            }
        }

        throw failure!;
    }

    /// <summary>A failed model call as the proxy relays it: LiteLLM's exception class for the status, the provider's prefix, the model group.</summary>
    private static ProtocolException UpstreamFailure(ModelFaults.Fault fault, ModelProfile profile, IReadOnlyList<string> fallbacks)
    {
        var kind = fault.Status switch
        {
            400 => "BadRequestError",
            401 => "AuthenticationError",
            403 => "PermissionDeniedError",
            404 => "NotFoundError",
            408 => "Timeout",
            422 => "UnprocessableEntityError",
            429 => "RateLimitError",
            500 => "InternalServerError",
            503 => "ServiceUnavailableError",
            _ => "APIError",
        };
        var provider = char.ToUpperInvariant(profile.Provider[0]) + profile.Provider[1..];
        var alternatives = fallbacks.Count > 0 ? PythonText.List(fallbacks) : "None";
        return new ProtocolException(
            fault.Status,
            $"litellm.{kind}: {provider}Exception - {fault.Message}. Received Model Group={profile.Id}\nAvailable Model Group Fallbacks={alternatives}",
            "None",
            "None");
    }

    /// <summary>Writes the stream; true when it ended as a stream should (not cut or failed by a scripted fault).</summary>
    private async Task<bool> StreamAsync(HttpContext context, ChatRequest request, ResponsePlan plan, ScriptedReply? reply, CancellationToken ct)
    {
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(ct);

        // Headers go out now, so a client sees the response start even while the first chunk is still to come.
        await response.Body.FlushAsync(ct);

        var nl = CompletionWriter.NewLine(reply?.CrLf ?? false);
        var quirks = reply?.SseQuirks == true;
        var chunks = CompletionWriter.BuildChunks(plan, WireStyle.From(reply));
        var faults = reply?.Faults ?? [];
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

        if (reply?.FirstChunkDelay > TimeSpan.Zero)
        {
            await DelayAsync(reply.FirstChunkDelay, ct);
        }

        for (var i = 0; i <= chunks.Count; i++)
        {
            foreach (var fault in faults.Where(f => At(f.After) == i))
            {
                switch (fault.Kind)
                {
                    case StreamFaultKind.Stall:
                        await DelayAsync(fault.Duration, ct);
                        break;
                    case StreamFaultKind.InvalidChunk:
                        await SendAsync("data: {not json" + nl + nl);
                        break;
                    case StreamFaultKind.Error:
                        await SendAsync(Event(ErrorBodies.BuildPythonStyle(500, fault.Message!)));
                        if (fault.ThenDone)
                        {
                            await SendAsync(Event("[DONE]"));
                        }

                        return false;
                    case StreamFaultKind.Cut:
                        throw new StreamCutException();
                }
            }

            if (i == chunks.Count)
            {
                break;
            }

            if (i > 0)
            {
                if (reply?.ChunkInterval > TimeSpan.Zero)
                {
                    await DelayAsync(reply.ChunkInterval, ct);
                }

                if (reply?.KeepAlives == true)
                {
                    await SendAsync(CompletionWriter.Ping(state.Time.GetUtcNow()) + nl + nl);
                }
            }

            await SendAsync(Event(chunks[i]));
        }

        if (request.IncludeUsage)
        {
            await SendAsync(Event(CompletionWriter.BuildUsageChunk(plan, Options.UsageCostOnStreams)));
        }

        if (reply?.OmitDone != true)
        {
            await SendAsync(Event("[DONE]"));
        }

        return true;
    }
}
