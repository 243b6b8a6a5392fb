using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using MeaiTextContent = Microsoft.Extensions.AI.TextContent;

namespace Flock.IntegrationTests;

/// <summary>
/// Open models over real HTTP, through both stacks, streaming and not: thinking text inside answers split from them, the
/// cost of each answer, log probabilities, and the model catalogue.
/// </summary>
public sealed class OpenModelTests : EmulatorTest
{
    private const string TagModel = "deepseek-r1-distill-qwen-32b";
    private const string ClosingTagModel = "qwen3-30b-a3b-thinking-2507";

    public static TheoryData<string, bool, string, FlockThinkTags> ThinkingPaths()
    {
        var data = new TheoryData<string, bool, string, FlockThinkTags>();
        foreach (var adapter in new[] { "MEAI", "SK" })
        {
            foreach (var streaming in new[] { false, true })
            {
                data.Add(adapter, streaming, TagModel, FlockThinkTags.Auto);
                data.Add(adapter, streaming, ClosingTagModel, FlockThinkTags.ClosingTagOnly);
            }
        }

        return data;
    }

    public static TheoryData<string, bool> Paths => new() { { "MEAI", false }, { "MEAI", true }, { "SK", false }, { "SK", true } };

    /// <summary>One answer as reasoning and text, plus the metadata each stack carries it with.</summary>
    private sealed record Answer(string Reasoning, string Text, FlockUsage? Usage, decimal? Cost, List<FlockLogprobs> Logprobs);

    private async Task<Answer> AskAsync(
        string adapter, bool streaming, string model, FlockThinkTags? thinkTags = null, bool? enableThinking = null, int? logprobs = null, Action<FlockOptions>? configure = null, FlockClient? client = null)
    {
        client ??= new FlockClient(Options(configure));
        if (adapter == "MEAI")
        {
            IChatClient chat = new FlockChatClient(client, model);
            var options = new ChatOptions { AdditionalProperties = [] };
            if (thinkTags is { } mode) { options.AdditionalProperties["think_tags"] = mode; }
            if (enableThinking is { } thinking) { options.AdditionalProperties["enable_thinking"] = thinking; }
            if (logprobs is { } top) { options.AdditionalProperties["logprobs"] = top; }

            List<AIContent> contents;
            List<FlockLogprobs> pieces;
            ChatResponse response;
            if (streaming)
            {
                var updates = await chat.GetStreamingResponseAsync("Is 97 prime?", options).ToListAsync();
                contents = [.. updates.SelectMany(u => u.Contents)];
                pieces = [.. updates.Select(u => u.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.Logprobs)).OfType<FlockLogprobs>()];
                response = updates.ToChatResponse();
            }
            else
            {
                response = await chat.GetResponseAsync("Is 97 prime?", options);
                contents = [.. response.Messages.SelectMany(m => m.Contents)];
                pieces = [.. response.Messages.Select(m => m.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.Logprobs)).OfType<FlockLogprobs>()];
            }

            return new Answer(
                string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)),
                string.Concat(contents.OfType<MeaiTextContent>().Select(t => t.Text)),
                ToUsage(response.Usage),
                FlockUsage.FromUsageDetails(response.Usage)?.TotalCost,
                pieces);
        }

        var service = new FlockChatCompletionService(client, model);
        var settings = new FlockPromptExecutionSettings { ThinkTags = thinkTags, EnableThinking = enableThinking, Logprobs = logprobs };
        var history = new ChatHistory();
        history.AddUserMessage("Is 97 prime?");
        if (streaming)
        {
            var updates = await service.GetStreamingChatMessageContentsAsync(history, settings).ToListAsync();
            var last = (FlockMetadata)updates[^1].Metadata!;
            return new Answer(
                string.Concat(updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text)),
                string.Concat(updates.Select(u => u.Content)),
                last.Usage,
                last.Cost,
                [.. updates.Select(u => ((FlockMetadata)u.Metadata!).Logprobs).OfType<FlockLogprobs>()]);
        }

        var result = Assert.Single(await service.GetChatMessageContentsAsync(history, settings));
        var metadata = (FlockMetadata)result.Metadata!;
        return new Answer(
            string.Concat(result.Items.OfType<ReasoningContent>().Select(r => r.Text)),
            result.Content ?? "",
            metadata.Usage,
            metadata.Cost,
            metadata.Logprobs is { } l ? [l] : []);
    }

    /// <summary>MEAI's usage read back as the SK side reads it: tokens, and costs from the nano-USD counts.</summary>
    private static FlockUsage ToUsage(UsageDetails? usage)
    {
        decimal? Usd(string key) => usage!.AdditionalCounts?.TryGetValue(key, out var nano) is true ? nano / 1_000_000_000m : null;
        return new FlockUsage { PromptTokens = (int)usage!.InputTokenCount!.Value, CompletionTokens = (int)usage.OutputTokenCount!.Value, TotalTokens = (int)usage.TotalTokenCount!.Value,
            InputCost = Usd(FlockPropertyNames.InputCostNanoUsd),
            OutputCost = Usd(FlockPropertyNames.OutputCostNanoUsd),
            TotalCost = Usd(FlockPropertyNames.TotalCostNanoUsd),
        };
    }

    [Theory]
    [MemberData(nameof(ThinkingPaths))]
    public async Task A_thinking_models_tags_are_split_from_its_answer(string adapter, bool streaming, string model, FlockThinkTags mode)
    {
        // The closing-tag model needs its mode said; the tag model is split by default.
        var answer = await AskAsync(adapter, streaming, model, mode == FlockThinkTags.Auto ? null : mode);

        Assert.StartsWith("The user wrote \"Is 97 prime?\"", answer.Reasoning);
        Assert.StartsWith("You asked", answer.Text);
        Assert.DoesNotContain("think>", answer.Reasoning + answer.Text);
        Assert.Equal(answer.Reasoning.Trim(), answer.Reasoning);
        Assert.Equal(answer.Text.TrimStart(), answer.Text);
    }

    [Theory]
    [InlineData("MEAI")]
    [InlineData("SK")]
    public async Task Streamed_and_whole_answers_split_the_same_way(string adapter)
    {
        var whole = await AskAsync(adapter, streaming: false, ClosingTagModel, FlockThinkTags.ClosingTagOnly);
        var streamed = await AskAsync(adapter, streaming: true, ClosingTagModel, FlockThinkTags.ClosingTagOnly);

        Assert.Equal((whole.Reasoning, whole.Text), (streamed.Reasoning, streamed.Text));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task With_thinking_switched_off_the_closing_tag_model_answers_whole(string adapter, bool streaming)
    {
        var answer = await AskAsync(adapter, streaming, ClosingTagModel, FlockThinkTags.ClosingTagOnly, enableThinking: false);

        Assert.Equal("", answer.Reasoning);
        Assert.StartsWith("You asked", answer.Text);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Without_the_split_the_tags_reach_the_caller_as_the_model_sent_them(string adapter, bool streaming)
    {
        var answer = await AskAsync(adapter, streaming, TagModel, FlockThinkTags.Off);

        Assert.Equal("", answer.Reasoning);
        Assert.StartsWith("<think>\nThe user wrote", answer.Text);
        Assert.Contains("</think>", answer.Text);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Each_answer_carries_the_proxys_cost_and_the_catalogues_parts(string adapter, bool streaming)
    {
        var client = new FlockClient(Options());
        var before = await AskAsync(adapter, streaming, Model, client: client);
        var info = (await client.ListModelInfoAsync()).Single(m => m.Id == Model);
        var after = await AskAsync(adapter, streaming, Model, client: client);

        foreach (var answer in new[] { before, after })
        {
            var usage = answer.Usage!;
            var expected = (usage.PromptTokens * info.InputCostPerToken!.Value) + (usage.CompletionTokens * info.OutputCostPerToken!.Value);

            // The emulator prices as the proxy does and sends it as a Python float: the header is the total either way.
            Assert.Equal((double)expected, (double)answer.Cost!.Value, 12);
            Assert.Equal(answer.Cost, usage.TotalCost);
        }

        // The parts: the proxy's cost headers on a non-streamed answer, else (a stream) the catalogue's prices once fetched.
        if (streaming)
        {
            Assert.Null(before.Usage!.InputCost);
        }
        else
        {
            Assert.Equal((double)(before.Usage!.PromptTokens * info.InputCostPerToken!.Value), (double)before.Usage.InputCost!.Value, 12);
        }

        Assert.Equal((double)(after.Usage!.PromptTokens * info.InputCostPerToken!.Value), (double)after.Usage.InputCost!.Value, 12);
        Assert.Equal((double)(after.Usage.CompletionTokens * info.OutputCostPerToken!.Value), (double)after.Usage.OutputCost!.Value, 12);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task A_model_without_prices_has_no_cost(string adapter, bool streaming)
    {
        var client = new FlockClient(Options());
        await client.ListModelInfoAsync();

        var answer = await AskAsync(adapter, streaming, TagModel, client: client);

        Assert.Null(answer.Cost);
        Assert.Null(answer.Usage!.TotalCost);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Logprobs_cover_the_answer_token_by_token(string adapter, bool streaming)
    {
        var answer = await AskAsync(adapter, streaming, Model, logprobs: 2);

        var tokens = answer.Logprobs.SelectMany(l => l.Tokens).ToList();
        Assert.Equal(answer.Text, string.Concat(tokens.Select(t => t.Token)));
        Assert.All(tokens, t =>
        {
            Assert.InRange(t.Logprob, -3.0, 0.0);
            Assert.Equal(2, t.TopLogprobs.Count);
            Assert.Equal(System.Text.Encoding.UTF8.GetBytes(t.Token), t.Bytes);
        });
        if (streaming)
        {
            Assert.True(answer.Logprobs.Count > 1, "each streamed piece carries its own tokens");
        }
    }

    [Fact]
    public async Task The_catalogue_is_reachable_from_both_adapters_and_its_cached_entry_through_GetService()
    {
        var client = new FlockClient(Options());
        var chat = new FlockChatClient(client);
        var service = new FlockChatCompletionService(client);

        Assert.Null(chat.GetService<FlockModelInfo>());
        var fromMeai = await chat.ListModelInfoAsync();
        var fromSk = await service.ListModelInfoAsync();

        Assert.Same(fromMeai, fromSk);
        Assert.DoesNotContain(fromMeai, m => m.Id == "llama-3.3-70b-instruct");
        var info = chat.GetService<FlockModelInfo>()!;
        Assert.Equal(Model, info.Id);
        Assert.Equal((262144, 32768, true, false), (info.ContextWindow, info.MaxOutputTokens, info.SupportsFunctionCalling, info.SupportsVision));
        Assert.Equal(0.0000001m, info.InputCostPerToken);
        Assert.Single(Emulator.Requests, r => r.Path.EndsWith("/model/info", StringComparison.Ordinal));
        Assert.Equal("flock", chat.GetService<ChatClientMetadata>()!.ProviderName);
    }
}
