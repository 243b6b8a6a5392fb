using System.Diagnostics;

namespace Flock.Extensions.AI.ChatClient;

/// <summary>
/// Puts what the proxy said of a call on the GenAI chat span the call runs in (<see cref="FlockTelemetry.CallIdAttribute"/>,
/// <see cref="FlockTelemetry.RateLimitAttributePrefix"/>): MEAI's telemetry client starts that span and calls the chat client
/// inside it, so it is the current activity. Nothing is done when no one records it.
/// </summary>
internal static class SpanTags
{
    public static void Add(FlockResponseInfo? info)
    {
        if (info is null || Activity.Current is not { IsAllDataRequested: true } span || span.GetTagItem("gen_ai.operation.name") is not "chat")
        {
            return;
        }

        if (info.CallId is { } callId)
        {
            span.SetTag(FlockTelemetry.CallIdAttribute, callId);
        }

        foreach (var limit in info.RateLimits)
        {
            if (limit.Remaining is { } remaining)
            {
                span.SetTag(string.Concat(FlockTelemetry.RateLimitAttributePrefix, limit.Scope, ".remaining_", limit.Kind), remaining);
            }
        }
    }
}
