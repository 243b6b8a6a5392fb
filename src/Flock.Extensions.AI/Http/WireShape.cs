
namespace Flock.Extensions.AI.Http;

/// <summary>
/// What JSON typing cannot reject but the adapters cannot use: <c>null</c> inside the arrays of a completion
/// (<c>"choices":[null]</c>, <c>"tool_calls":[null]</c>). Found by the malformed-input property tests; streamed chunks get the
/// same check in <see cref="Wire.StreamChunkParser"/>.
/// </summary>
internal static class WireShape
{
    /// <summary>Why the completion is unusable, or null when it is fine.</summary>
    public static string? Problem(ChatCompletion completion)
    {
        foreach (var choice in completion.Choices ?? [])
        {
            if (choice is null)
            {
                return "a choice is null";
            }

            if (choice.Index < 0)
            {
                return $"a choice index is below 0 ({choice.Index})";
            }

            if (choice.Message?.ToolCalls is { } calls && calls.Contains(null!))
            {
                return "a tool call is null";
            }
        }

        return null;
    }
}
