using Flock.Emulator.Protocol;
using Microsoft.AspNetCore.Http;

namespace Flock.Emulator.Hosting;

/// <summary>Chat completions: a JSON body or an SSE stream, with the scripted reply's faults and timing.</summary>
internal sealed partial class EmulatorHandler
{
    private async Task ChatAsync(HttpContext context, string body, CancellationToken ct)
    {
        var request = RequestValidator.ValidateChat(RequestValidator.ParseBody(body), Options.Models);
        var reply = state.Script.TryDequeue();
        if (reply is not null && reply.Delay > TimeSpan.Zero)
        {
            await DelayAsync(reply.Delay, ct);
        }

        if (reply is not null && reply.Kind != ScriptedReplyKind.Completion)
        {
            await WriteScriptedFailureAsync(context.Response, reply, ct);
            return;
        }

        var plan = CompletionPlanner.Plan(request, reply, state.Time.GetUtcNow());
        AddProxyHeaders(context.Response, plan, reply);
        if (request.Stream)
        {
            await StreamAsync(context, request, plan, reply, ct);
        }
        else
        {
            await WriteJsonAsync(context.Response, 200, CompletionWriter.BuildCompletion(plan, WireStyle.From(reply)), ct);
        }
    }

    private async Task StreamAsync(HttpContext context, ChatRequest request, ResponsePlan plan, ScriptedReply? reply, CancellationToken ct)
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

                        return;
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
            await SendAsync(Event(CompletionWriter.BuildUsageChunk(plan)));
        }

        if (reply?.OmitDone != true)
        {
            await SendAsync(Event("[DONE]"));
        }
    }

    private static void AddProxyHeaders(HttpResponse response, ResponsePlan plan, ScriptedReply? reply)
    {
        response.Headers["x-litellm-call-id"] = Guid.NewGuid().ToString();
        response.Headers["x-litellm-model-group"] = plan.Model;
        response.Headers["x-litellm-version"] = "emulator";
        if (plan.Cost is { } cost)
        {
            // Python's str(float), as the proxy writes it: "0.0001234" or "1.2e-05".
            response.Headers["x-litellm-response-cost"] = ModelCatalog.PythonFloat((double)cost);
        }

        foreach (var (name, value) in reply?.Headers ?? [])
        {
            response.Headers.Append(name, value);
        }
    }
}
