using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// What each answer cost: the proxy's <c>x-litellm-response-cost</c> figure as the total when sent, otherwise usage times the
/// cached catalogue's prices; in MEAI as nano-USD usage counts and a decimal on the response, and on raw-prompt answers.
/// </summary>
public sealed class CostTests
{
    // 12 prompt tokens at 1.5e-07 and 30 completion tokens at 3e-07 (CannedAnswers.DefaultUsage).
    private const string Catalogue = """
        {"data":[{"model_name":"qwen3-30b-a3b-instruct-2507","model_info":{"input_cost_per_token":1.5e-07,"output_cost_per_token":3e-07}},
                 {"model_name":"no-prices","model_info":{"input_cost_per_token":null}}]}
        """;

    private const decimal Input = 0.0000018m;
    private const decimal Output = 0.000009m;

    public static TheoryData<bool> Streaming => new() { false, true };

    private static async Task<(ChatResponse Response, List<ChatResponseUpdate> Updates)> AskAsync(
        RecordingHandler handler, bool streaming, bool fetchCatalogue, string model = TestFlock.Model, params (string Name, string Value)[] headers)
    {
        var client = TestFlock.ChatClient(handler, TestFlock.Options());
        if (fetchCatalogue)
        {
            handler.EnqueueJson(Catalogue);
            await client.ListModelInfoAsync();
        }

        handler.EnqueueAnswer(streaming, streaming ? CannedAnswers.Stream("Hello there!", model: model) : CannedAnswers.Completion("Hello there!", model: model), headers);
        var options = new ChatOptions { ModelId = model };
        if (!streaming)
        {
            return (await client.GetResponseAsync("Hi", options), []);
        }

        var updates = await client.GetStreamingResponseAsync("Hi", options).ToListAsync();
        return (updates.ToChatResponse(), updates);
    }

    private static long? Count(UsageDetails? usage, string key) => usage?.AdditionalCounts?.TryGetValue(key, out var value) is true ? value : null;

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task Without_the_proxys_figure_the_catalogue_prices_the_answer(bool streaming)
    {
        var (response, updates) = await AskAsync(new RecordingHandler(), streaming, fetchCatalogue: true);

        // Nano-USD counts: integers MEAI's middleware can sum, the answer's one total, read back in USD exactly.
        Assert.Equal(1800, Count(response.Usage, FlockPropertyNames.InputCostNanoUsd));
        Assert.Equal(9000, Count(response.Usage, FlockPropertyNames.OutputCostNanoUsd));
        Assert.Equal(10800, Count(response.Usage, FlockPropertyNames.TotalCostNanoUsd));
        Assert.Equal(Input + Output, FlockUsage.FromUsageDetails(response.Usage)!.TotalCost);
        Assert.Equal(42, response.Usage!.TotalTokenCount);
        Assert.False(response.AdditionalProperties?.ContainsKey("total_cost_usd") ?? false);
        if (streaming)
        {
            var usageUpdate = Assert.Single(updates, u => u.Contents.OfType<UsageContent>().Any());
            Assert.Same(usageUpdate, updates[^1]);
        }
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_proxys_figure_is_the_total_and_wins_over_the_prices(bool streaming)
    {
        var (response, _) = await AskAsync(new RecordingHandler(), streaming, fetchCatalogue: true, headers: ("x-litellm-response-cost", "1.25e-05"));

        Assert.Equal(12500, Count(response.Usage, FlockPropertyNames.TotalCostNanoUsd));
        Assert.Equal(0.0000125m, ((FlockResponseInfo)response.AdditionalProperties![FlockPropertyNames.ResponseInfo]!).Cost!.Total);
        Assert.Equal(1800, Count(response.Usage, FlockPropertyNames.InputCostNanoUsd));
        Assert.Equal(9000, Count(response.Usage, FlockPropertyNames.OutputCostNanoUsd));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_proxys_figure_alone_is_the_total_with_no_parts(bool streaming)
    {
        var (response, _) = await AskAsync(new RecordingHandler(), streaming, fetchCatalogue: false, headers: ("x-litellm-response-cost", "0.000103"));

        Assert.Equal(103000, Count(response.Usage, FlockPropertyNames.TotalCostNanoUsd));
        Assert.Null(Count(response.Usage, FlockPropertyNames.InputCostNanoUsd));
        Assert.Null(Count(response.Usage, FlockPropertyNames.OutputCostNanoUsd));
        Assert.Equal(0.000103m, FlockUsage.FromUsageDetails(response.Usage)!.TotalCost);
    }

    [Theory]
    [InlineData(false, false, TestFlock.Model)]
    [InlineData(true, false, TestFlock.Model)]
    [InlineData(false, true, "no-prices")]
    [InlineData(true, true, "no-prices")]
    [InlineData(false, true, "not-in-the-catalogue")]
    [InlineData(true, true, "not-in-the-catalogue")]
    public async Task Without_figure_or_prices_the_cost_is_unknown_never_zero(bool streaming, bool fetchCatalogue, string model)
    {
        var handler = new RecordingHandler();
        var (response, _) = await AskAsync(handler, streaming, fetchCatalogue, model);

        Assert.Null(response.Usage!.AdditionalCounts);
        Assert.Null(FlockUsage.FromUsageDetails(response.Usage)!.TotalCost);
        Assert.Equal(fetchCatalogue ? 2 : 1, handler.Requests.Count);
    }

    [Fact]
    public async Task A_stream_without_usage_still_reports_the_proxys_figure()
    {
        var handler = new RecordingHandler();
        handler.EnqueueAnswer(streaming: true, CannedAnswers.Stream("Hi!", usage: null), ("x-litellm-response-cost", "0.000002"));
        var options = new ChatOptions { AdditionalProperties = new() { ["stream_options"] = new FlockStreamOptions { IncludeUsage = false } } };

        var updates = await TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi", options).ToListAsync();

        var usage = Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Null(usage.TotalTokenCount);
        Assert.Equal(2000, Count(usage, FlockPropertyNames.TotalCostNanoUsd));
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task Raw_prompt_answers_carry_the_cost_in_their_usage(bool streaming)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue);
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));
        await client.ListModelInfoAsync();
        handler.EnqueueAnswer(streaming, streaming ? CannedAnswers.Stream("Once") : CannedAnswers.Completion("Once"));

        var chat = new FlockChatClient(client);
        var details = streaming
            ? (await chat.StreamPromptAsync(FlockPrompt.FromText("Once upon")).ToListAsync()).SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details
            : (await chat.CompletePromptAsync(FlockPrompt.FromText("Once upon"))).Usage!;
        var usage = FlockUsage.FromUsageDetails(details)!;

        Assert.Equal((Input, Output, Input + Output), (usage.InputCost, usage.OutputCost, usage.TotalCost));
    }

    [Fact]
    public void Usage_without_costs_equals_usage_whose_costs_were_set_to_null()
    {
        Assert.Equal(new FlockUsage { PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3 }, new FlockUsage { PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3, InputCost = null, TotalCost = null });
        Assert.NotEqual(new FlockUsage { PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3 }, new FlockUsage { PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3, TotalCost = 0.1m });
        Assert.Equal(new FlockUsage { PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3, InputCost = 0.1m, TotalCost = 0.3m }, new FlockUsage { PromptTokens = 1, CompletionTokens = 2, TotalTokens = 3, TotalCost = 0.3m, InputCost = 0.1m });
    }

    [Theory]
    [InlineData("0.0000000004", 0L)]
    [InlineData("0.0000000005", 1L)]
    [InlineData("1", 1_000_000_000L)]
    [InlineData("9000000000", 9_000_000_000_000_000_000L)]
    [InlineData("9000000001", null)]
    public void Nano_usd_counts_round_half_away_from_zero_and_give_up_beyond_a_long(string usd, long? nano)
    {
        Assert.Equal(nano, CallCost.ToNanoUsd(decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Usage_details_read_back_as_flock_usage_with_the_costs_in_usd()
    {
        var details = new UsageDetails
        {
            InputTokenCount = 12,
            OutputTokenCount = 30,
            ReasoningTokenCount = 10,
            AdditionalCounts = new() { [FlockPropertyNames.InputCostNanoUsd] = 1_800, [FlockPropertyNames.OutputCostNanoUsd] = 9_000, [FlockPropertyNames.TotalCostNanoUsd] = 10_800 },
        };

        var usage = FlockUsage.FromUsageDetails(details);

        Assert.Equal(
            new FlockUsage { PromptTokens = 12, CompletionTokens = 30, TotalTokens = 42, ReasoningTokens = 10, InputCost = 0.0000018m, OutputCost = 0.000009m, TotalCost = 0.0000108m },
            usage);
    }

    [Fact]
    public void Usage_details_with_neither_counts_nor_costs_read_as_none()
    {
        Assert.Null(FlockUsage.FromUsageDetails(null));
        Assert.Null(FlockUsage.FromUsageDetails(new UsageDetails()));
        Assert.Equal(0.5m, FlockUsage.FromUsageDetails(new UsageDetails { AdditionalCounts = new() { [FlockPropertyNames.TotalCostNanoUsd] = 500_000_000 } })!.TotalCost);
    }
}
