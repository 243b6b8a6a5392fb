namespace Flock.Emulator.Protocol;

/// <summary>Everything a completion response says, decided before writing it as JSON or as an SSE stream.</summary>
internal sealed class ResponsePlan
{
    public required string Id { get; init; }

    public required long Created { get; init; }

    public required string Model { get; init; }

    public required IReadOnlyList<ChoicePlan> Choices { get; init; }

    public required int PromptTokens { get; init; }

    public required int CompletionTokens { get; init; }

    public int ReasoningTokens { get; init; }

    /// <summary>Null when log probabilities were not requested.</summary>
    public int? TopLogprobs { get; init; }

    /// <summary>The answer's cost and its parts; null when the model has no prices and none is scripted.</summary>
    public CostBreakdown? Costs { get; init; }

    /// <summary>The answer's cost in USD for <c>x-litellm-response-cost</c> and <c>usage.cost</c>; null when unknown.</summary>
    public decimal? Cost => Costs?.Total;
}

/// <summary>One choice of a response.</summary>
internal sealed record ChoicePlan(int Index, string? Content, string? Reasoning, IReadOnlyList<PlannedToolCall> ToolCalls, string FinishReason);

/// <summary>Turns a validated request (and an optional scripted reply) into a <see cref="ResponsePlan"/>, applying stop and max_tokens.</summary>
internal static class CompletionPlanner
{
    public static ResponsePlan Plan(ChatRequest request, ScriptedReply? script, DateTimeOffset now, decimal discount = 0, decimal margin = 0)
    {
        var style = script?.ReasoningStyle ?? request.Profile.Style;
        var choices = new List<ChoicePlan>(request.N);
        var completionTokens = 0;
        var reasoningTokens = 0;
        for (var i = 0; i < request.N; i++)
        {
            var reply = script is not null
                ? new ReplyContent(
                    script.Calls.Count > 0 && script.Content is null ? null : script.Content ?? "",
                    script.ReasoningText,
                    script.Calls.Select(c => new PlannedToolCall(c.Id ?? BuiltInReplies.NewToolCallId(), c.Name, c.Arguments)).ToList())
                : BuiltInReplies.Create(request, i);

            var content = reply.Content;
            var reasoning = reply.Reasoning;
            if (reasoning is not null && style != ReasoningStyle.Field)
            {
                // Without a reasoning parser the thinking is part of the text, so stop and max_tokens can cut into it too.
                var opening = style == ReasoningStyle.ThinkTags ? "<think>\n" : "";
                content = opening + reasoning + "\n</think>\n\n" + content;
                reasoning = null;
            }

            var finish = reply.ToolCalls.Count > 0 ? "tool_calls" : "stop";
            if (content is not null && reply.ToolCalls.Count == 0)
            {
                content = ApplyStop(content, request.Stop);
                if (request.MaxTokens is { } max)
                {
                    content = Tokenizer.Truncate(content, max, out var truncated);
                    if (truncated)
                    {
                        finish = "length";
                    }
                }
            }

            if (script?.FinishReason is { } forced)
            {
                finish = forced;
            }

            var reasoningCount = Tokenizer.Count(reasoning);
            reasoningTokens += reasoningCount;
            completionTokens += Tokenizer.Count(content) + reasoningCount
                + reply.ToolCalls.Sum(c => Tokenizer.Count(c.Name) + Tokenizer.Count(c.Arguments) + 2);
            choices.Add(new ChoicePlan(i, content, reasoning, reply.ToolCalls, finish));
        }

        var promptTokens = script?.PromptTokens ?? request.PromptTokens;
        if (script?.CompletionTokens is { } scripted)
        {
            completionTokens = scripted;
            reasoningTokens = 0;
        }

        return new ResponsePlan
        {
            Id = "chatcmpl-" + Guid.NewGuid().ToString("N"),
            Created = now.ToUnixTimeSeconds(),
            Model = request.Model,
            Choices = choices,
            PromptTokens = promptTokens,
            CompletionTokens = completionTokens,
            ReasoningTokens = reasoningTokens,
            TopLogprobs = request.TopLogprobs,
            Costs = CostBreakdown.Compute(request.Profile, promptTokens, completionTokens, reasoningTokens, script?.Cost, discount, margin),
        };
    }

    private static string ApplyStop(string content, IReadOnlyList<string> stops)
    {
        var cut = -1;
        foreach (var stop in stops)
        {
            var at = content.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut))
            {
                cut = at;
            }
        }

        return cut >= 0 ? content[..cut] : content;
    }
}
