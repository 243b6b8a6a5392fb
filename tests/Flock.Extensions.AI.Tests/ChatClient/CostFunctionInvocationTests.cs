using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// Cost under MEAI's own function invocation (<c>UseFunctionInvocation()</c>), streamed or not: one answer has one total, the
/// nano-USD usage counts summed over the loop's model calls; the response info is the last HTTP call's and says so.
/// </summary>
public sealed class CostFunctionInvocationTests
{
    private const string ToolCall = """
        {"id":"c1","object":"chat.completion","model":"qwen3-30b-a3b-instruct-2507","choices":[{"index":0,"message":{"role":"assistant","content":null,
          "tool_calls":[{"id":"call_1","type":"function","function":{"name":"now","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
          "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}
        """;

    [Fact]
    public async Task The_nano_usd_counts_are_summed_over_the_loops_model_calls_and_are_the_one_total()
    {
        var handler = new RecordingHandler();
        handler.EnqueueAnswer(false, ToolCall, ("x-litellm-response-cost", "0.0001"));
        handler.EnqueueAnswer(false, CannedAnswers.Completion("It is noon."), ("x-litellm-response-cost", "0.00025"));
        var invoked = 0;
        var client = TestFlock.ChatClient(handler).AsBuilder().UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => { invoked++; return "12:00"; }, "now", "The time.")] };

        var response = await client.GetResponseAsync("What time is it?", options);

        Assert.Equal(1, invoked);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal("It is noon.", response.Text);
        Assert.Equal(350_000, response.Usage!.AdditionalCounts![FlockPropertyNames.TotalCostNanoUsd]);
        Assert.Equal(7 + 42, response.Usage.TotalTokenCount);
        Assert.Equal(0.00035m, FlockUsage.FromUsageDetails(response.Usage)!.TotalCost);

        // The response info is the last model call's, and says so: its cost is that call's, not the answer's.
        Assert.Equal(0.00025m, ((FlockResponseInfo)response.AdditionalProperties![FlockPropertyNames.ResponseInfo]!).Cost!.Total);
    }

    [Fact]
    public async Task Catalogue_priced_parts_are_summed_over_the_loop_too()
    {
        var handler = new RecordingHandler().EnqueueJson("""
            {"data":[{"model_name":"qwen3-30b-a3b-instruct-2507","model_info":{"input_cost_per_token":1.5e-07,"output_cost_per_token":3e-07}}]}
            """);
        var flock = TestFlock.ChatClient(handler, TestFlock.Options());
        await flock.ListModelInfoAsync();
        handler.EnqueueJson(ToolCall).EnqueueJson(CannedAnswers.Completion("It is noon."));
        var client = flock.AsBuilder().UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "12:00", "now", "The time.")] };

        var response = await client.GetResponseAsync("What time is it?", options);

        // 5 + 12 prompt tokens at 1.5e-07 USD, 2 + 30 completion tokens at 3e-07 USD.
        var counts = response.Usage!.AdditionalCounts!;
        Assert.Equal(2_550, counts[FlockPropertyNames.InputCostNanoUsd]);
        Assert.Equal(9_600, counts[FlockPropertyNames.OutputCostNanoUsd]);
        Assert.Equal(12_150, counts[FlockPropertyNames.TotalCostNanoUsd]);
        Assert.Equal(0.00001215m, FlockUsage.FromUsageDetails(response.Usage)!.TotalCost);
    }

    [Fact]
    public async Task Streamed_the_usage_costs_are_summed_over_the_loop_into_the_one_total()
    {
        // Streamed answers carry no cost header: the proxy puts the cost in the final usage (include_cost_in_streaming_usage).
        var handler = new RecordingHandler()
            .EnqueueSse(CannedAnswers.Chunk("""{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"now","arguments":"{}"}}]}""", "tool_calls")
                + CannedAnswers.End("""{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"cost":0.0000234}"""))
            .EnqueueSse(CannedAnswers.Stream("It is noon.", usage: """{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42,"cost":0.0000142}"""));
        var client = TestFlock.ChatClient(handler).AsBuilder().UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "12:00", "now", "The time.")] };

        var response = await client.GetStreamingResponseAsync("What time is it?", options).ToChatResponseAsync();

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(37_600, response.Usage!.AdditionalCounts![FlockPropertyNames.TotalCostNanoUsd]);
        Assert.Equal(0.0000376m, FlockUsage.FromUsageDetails(response.Usage)!.TotalCost);
        Assert.False(response.AdditionalProperties?.ContainsKey("total_cost_usd") ?? false);
    }
}
