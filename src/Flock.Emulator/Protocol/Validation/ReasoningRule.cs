namespace Flock.Emulator.Protocol.Validation;

/// <summary>
/// DeepSeek's rule for thinking mode with tools (its Thinking Mode guide): in every exchange (the messages between two user
/// messages) that made tool calls, each assistant message must come back with its non-empty <c>reasoning_content</c>, in
/// the current exchange and every earlier one; reasoning from exchanges without tool calls may be dropped.
/// </summary>
internal static class ReasoningRule
{
    /// <summary>DeepSeek's own message for a missing reasoning.</summary>
    public const string Message = "The `reasoning_content` in the thinking mode must be passed back to the API.";

    public static void Check(IReadOnlyList<ChatMessage> messages, string model)
    {
        var start = 0;
        for (var i = 0; i <= messages.Count; i++)
        {
            if (i == messages.Count || messages[i].Role == "user")
            {
                CheckExchange(messages, start, i, model);
                start = i + 1;
            }
        }
    }

    private static void CheckExchange(IReadOnlyList<ChatMessage> messages, int from, int to, string model)
    {
        var usedTools = false;
        for (var i = from; i < to; i++)
        {
            usedTools |= messages[i].Role == "assistant" && messages[i].ToolCalls.Count > 0;
        }

        for (var i = from; usedTools && i < to; i++)
        {
            if (messages[i].Role == "assistant" && string.IsNullOrEmpty(messages[i].Reasoning))
            {
                // The proxy relays the provider's 400 under its own prefix, naming the model group as it always does.
                throw new ProtocolException(
                    400,
                    $"litellm.BadRequestError: DeepseekException - {Message} Received Model Group={model}\nAvailable Model Group Fallbacks=None",
                    "invalid_request_error",
                    "messages");
            }
        }
    }
}
