using System.Collections.Concurrent;

namespace Flock.Extensions.AI;

/// <summary>A warning, once per key and client, for a provider extra that is likely a misspelt parameter.</summary>
public sealed partial class FlockClient
{
    private readonly ConcurrentDictionary<string, bool> _reportedKeys = new(StringComparer.Ordinal);

    /// <summary>Logs each unknown body key of <paramref name="request"/> that looks like a typo of a known one (it is still sent).</summary>
    private void WarnAboutLikelyTypos(ChatRequest request)
    {
        // The check in its own method: a request without extras (most, and a process's first) never compiles it.
        if (request.Extra is { Count: > 0 } extra)
        {
            WarnAboutLikelyTypos(extra);
        }
    }

    private void WarnAboutLikelyTypos(Dictionary<string, System.Text.Json.JsonElement> extra)
    {
        foreach (var key in extra.Keys)
        {
            if (key != "messages" && ParameterNames.LikelyMeant(key) is { } meant && _reportedKeys.TryAdd(key, true))
            {
                Log.LikelyMisspelledParameter(_logger, key, meant);
            }
        }
    }
}
