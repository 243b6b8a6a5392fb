using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// Cost under MEAI's own function invocation (<c>UseFunctionInvocation()</c>, not streaming): the nano-USD usage counts are
/// summed over the loop's model calls by MEAI, while the decimal <c>total_cost_usd</c> is the last model call's (as the README says).
/// </summary>
public sealed class CostFunctionInvocationTests
{
    private const string ToolCall = """
        {"id":"c1","object":"chat.completion","model":"qwen3-30b-a3b-instruct-2507","choices":[{"index":0,"message":{"role":"assistant","content":null,
          "tool_calls":[{"id":"call_1","type":"function","function":{"name":"now","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
          "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}
        """;

    [Fact]
    public async Task The_nano_usd_counts_are_summed_over_the_loops_model_calls_and_the_decimal_is_the_last_calls()
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
        Assert.Equal(0.00025m, response.AdditionalProperties![FlockPropertyNames.TotalCostUsd]);
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
        Assert.Equal(0.0000108m, response.AdditionalProperties![FlockPropertyNames.TotalCostUsd]);
    }
}
