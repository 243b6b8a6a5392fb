using System.Text.Json.Nodes;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>
/// Auto-invoked kernel functions run through SK's function invocation over the same pipeline as every other call, so a call
/// gives the same result either way, a function has one name on the wire, and the loop's messages reach the caller's history.
/// </summary>
public sealed class FunctionInvocationTests
{
    private const string Thinking = "The user asks the time. I call the clock.";
    private const string Answer = "It is noon.";
    private const string AnswerModel = "qwen3-235b-a22b-thinking-2507";

    public static TheoryData<bool> Streaming => new(false, true);

    private static Kernel ClockKernel(List<string>? calls = null)
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => { calls?.Add("now"); return "12:00"; }, "now", "The time.")]);
        return kernel;
    }

    private static ChatHistory Question() => new([new ChatMessageContent(AuthorRole.User, "What time is it?")]);

    private static string AnswerCompletion() => $$$"""
        {"id":"chatcmpl-answer","object":"chat.completion","created":1735689603,"model":"{{{AnswerModel}}}","system_fingerprint":"fp_a",
         "choices":[{"index":0,"message":{"role":"assistant","content":"{{{Answer}}}","reasoning_content":"{{{Thinking}}}"},"finish_reason":"stop"}],
         "usage":{"prompt_tokens":12,"completion_tokens":20,"total_tokens":32,"completion_tokens_details":{"reasoning_tokens":14} } }
        """;

    private static string CallCompletion(string name) => $$$"""
        {"id":"chatcmpl-call","object":"chat.completion","created":1735689601,"model":"{{{AnswerModel}}}",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"{{{name}}}","arguments":"{}"}}]},"finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7,"completion_tokens_details":{"reasoning_tokens":1} } }
        """;

    private static string AnswerStream() => $$$"""
        data: {"id":"chatcmpl-answer","created":1735689603,"model":"{{{AnswerModel}}}","choices":[{"index":0,"delta":{"role":"assistant","reasoning_content":"{{{Thinking}}}"}}]}

        data: {"id":"chatcmpl-answer","created":1735689603,"model":"{{{AnswerModel}}}","choices":[{"index":0,"delta":{"content":"It is "}}]}

        data: {"id":"chatcmpl-answer","created":1735689603,"model":"{{{AnswerModel}}}","system_fingerprint":"fp_a","choices":[{"index":0,"delta":{"content":"noon."},"finish_reason":"stop"}]}

        data: {"id":"chatcmpl-answer","created":1735689603,"model":"{{{AnswerModel}}}","choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":12,"completion_tokens":20,"total_tokens":32}}

        data: [DONE]


        """;

    private static string CallStream(string name) => $$$"""
        data: {"id":"chatcmpl-call","created":1735689601,"model":"{{{AnswerModel}}}","choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"{{{name}}}","arguments":"{}"}}]}}]}

        data: {"id":"chatcmpl-call","created":1735689601,"model":"{{{AnswerModel}}}","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

        data: {"id":"chatcmpl-call","created":1735689601,"model":"{{{AnswerModel}}}","choices":[{"index":0,"delta":{}}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}}

        data: [DONE]


        """;

    [Fact]
    public async Task Same_result_with_and_without_auto_invocation_and_usage_summed_over_the_loop()
    {
        var handler = new RecordingHandler()
            .EnqueueJson(AnswerCompletion())
            .EnqueueJson(AnswerCompletion())
            .EnqueueJson(CallCompletion("Clock_now"))
            .EnqueueJson(AnswerCompletion());
        var service = TestSk.Service(handler);
        var calls = new List<string>();
        var kernel = ClockKernel(calls);
        var auto = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var plain = Assert.Single(await service.GetChatMessageContentsAsync(Question(), null, kernel));
        var offeredNotCalled = Assert.Single(await service.GetChatMessageContentsAsync(Question(), auto, kernel));
        var looped = Assert.Single(await service.GetChatMessageContentsAsync(Question(), auto, kernel));

        Assert.Equal(["now"], calls);
        Assert.Equal([(typeof(ReasoningContent), Thinking), (typeof(TextContent), Answer)], Items(plain));
        foreach (var result in new[] { offeredNotCalled, looped })
        {
            Assert.Equal(Items(plain), Items(result));
            Assert.Equal((plain.Role, plain.ModelId, plain.InnerContent?.GetType()), (result.Role, result.ModelId, result.InnerContent?.GetType()));
            Assert.IsType<FlockMetadata>(result.Metadata);
            Assert.Equal(Except(plain.Metadata!, FlockMetadataKeys.Usage), Except(result.Metadata!, FlockMetadataKeys.Usage));
        }

        Assert.Equal(new FlockUsage { PromptTokens = 12, CompletionTokens = 20, TotalTokens = 32, ReasoningTokens = 14 }, plain.Metadata![FlockMetadataKeys.Usage]);
        Assert.Equal(plain.Metadata[FlockMetadataKeys.Usage], offeredNotCalled.Metadata![FlockMetadataKeys.Usage]);
        Assert.Equal(new FlockUsage { PromptTokens = 17, CompletionTokens = 22, TotalTokens = 39, ReasoningTokens = 15 }, looped.Metadata![FlockMetadataKeys.Usage]);
        Assert.Equal(["stop", "chatcmpl-answer", "fp_a"], new[] { FlockMetadataKeys.FinishReason, FlockMetadataKeys.Id, FlockMetadataKeys.SystemFingerprint }.Select(k => looped.Metadata[k]));
    }

    [Fact]
    public async Task Same_updates_with_and_without_auto_invocation_and_usage_summed_over_the_loop_when_streaming()
    {
        var handler = new RecordingHandler()
            .EnqueueSse(AnswerStream())
            .EnqueueSse(AnswerStream())
            .EnqueueSse(CallStream("Clock_now"))
            .EnqueueSse(AnswerStream());
        var service = TestSk.Service(handler);
        var kernel = ClockKernel();
        var auto = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var plain = await service.GetStreamingChatMessageContentsAsync(Question(), null, kernel).ToListAsync();
        var offeredNotCalled = await service.GetStreamingChatMessageContentsAsync(Question(), auto, kernel).ToListAsync();
        var looped = await service.GetStreamingChatMessageContentsAsync(Question(), auto, kernel).ToListAsync();

        Assert.Equal(Answer, string.Concat(plain.Select(u => u.Content)));
        Assert.Equal(Thinking, Assert.Single(plain.SelectMany(u => u.Items.OfType<StreamingReasoningContent>())).Text);
        Assert.Equal(Describe(plain), Describe(offeredNotCalled));

        // The loop: the call as one complete update, then the answer's updates exactly as without a loop, usage summed at the end.
        var call = Assert.Single(looped.SelectMany(u => u.Items.OfType<StreamingFunctionCallUpdateContent>()));
        Assert.Equal(("call_1", "Clock-now", "{}"), (call.CallId, call.Name, call.Arguments));
        var afterCall = looped.SkipWhile(u => !u.Items.OfType<StreamingFunctionCallUpdateContent>().Any()).Skip(1).ToList();
        Assert.Equal(Describe(plain)[..^1], Describe(afterCall)[..^1]);
        Assert.Equal(new FlockUsage { PromptTokens = 12, CompletionTokens = 20, TotalTokens = 32 }, plain[^1].Metadata![FlockMetadataKeys.Usage]);
        Assert.Equal(new FlockUsage { PromptTokens = 17, CompletionTokens = 22, TotalTokens = 39 }, looped[^1].Metadata![FlockMetadataKeys.Usage]);
        Assert.Single(looped, u => u.Metadata?.ContainsKey(FlockMetadataKeys.Usage) == true);
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task A_kernel_function_has_one_name_on_the_wire_whatever_the_behavior(bool streaming)
    {
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler);
        var kernel = ClockKernel();
        FunctionChoiceBehavior[] behaviors = [FunctionChoiceBehavior.Auto(), FunctionChoiceBehavior.Auto(autoInvoke: false), FunctionChoiceBehavior.Required(autoInvoke: false), FunctionChoiceBehavior.None()];
        foreach (var behavior in behaviors)
        {
            // An earlier call in the history goes out under the same name as the tool.
            var history = Question();
            history.Add(new ChatMessageContent(AuthorRole.Assistant, [new FunctionCallContent("now", "Clock", "call_0", [])]));
            history.Add(new ChatMessageContent(AuthorRole.Tool, [new FunctionResultContent("now", "Clock", "call_0", "11:00")]));
            history.AddUserMessage("And now?");
            var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = behavior };
            if (streaming)
            {
                handler.EnqueueSse(AnswerStream());
                await service.GetStreamingChatMessageContentsAsync(history, settings, kernel).ToListAsync();
            }
            else
            {
                handler.EnqueueJson(AnswerCompletion());
                await service.GetChatMessageContentsAsync(history, settings, kernel);
            }
        }

        var bodies = handler.Requests.Select(r => JsonNode.Parse(r.Body!)!).ToList();
        Assert.Equal(behaviors.Length, bodies.Count);
        Assert.All(bodies, body =>
        {
            Assert.Equal("Clock_now", body["tools"]![0]!["function"]!["name"]!.GetValue<string>());
            Assert.Equal("Clock_now", body["messages"]![1]!["tool_calls"]![0]!["function"]!["name"]!.GetValue<string>());
        });
        Assert.Equal(["auto", "auto", "required", "none"], bodies.Select(b => b["tool_choice"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("Clock_now", false)]
    [InlineData("Clock-now", false)]
    [InlineData("Clock_now", true)]
    [InlineData("Clock-now", true)]
    public async Task A_call_under_either_separator_is_invoked(string name, bool streaming)
    {
        var handler = new RecordingHandler();
        var calls = new List<string>();
        var kernel = ClockKernel(calls);
        var history = Question();
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        if (streaming)
        {
            handler.EnqueueSse(CallStream(name)).EnqueueSse(AnswerStream());
            Assert.Equal(Answer, string.Concat((await TestSk.Service(handler).GetStreamingChatMessageContentsAsync(history, settings, kernel).ToListAsync()).Select(u => u.Content)));
        }
        else
        {
            handler.EnqueueJson(CallCompletion(name)).EnqueueJson(AnswerCompletion());
            Assert.Equal(Answer, (await TestSk.Service(handler).GetChatMessageContentAsync(history, settings, kernel)).Content);
        }

        Assert.Equal(["now"], calls);
        var result = JsonNode.Parse(handler.Requests[1].Body!)!["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!;
        Assert.Equal("12:00", result["content"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Clock_now")]
    [InlineData("Clock-now")]
    public async Task Without_auto_invocation_a_call_under_either_separator_comes_back_invocable(string name)
    {
        var handler = new RecordingHandler().EnqueueJson(CallCompletion(name)).EnqueueSse(CallStream(name));
        var service = TestSk.Service(handler);
        var kernel = ClockKernel();
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };

        var call = Assert.Single((await service.GetChatMessageContentAsync(Question(), settings, kernel)).Items.OfType<FunctionCallContent>());
        var builder = new FunctionCallContentBuilder();
        await foreach (var update in service.GetStreamingChatMessageContentsAsync(Question(), settings, kernel))
        {
            builder.Append(update);
        }

        var streamed = Assert.Single(builder.Build());
        foreach (var c in new[] { call, streamed })
        {
            Assert.Equal(("Clock", "now", "call_1"), (c.PluginName, c.FunctionName, c.Id));
            Assert.Equal("12:00", (await c.InvokeAsync(kernel)).Result);
        }
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task The_loops_calls_and_results_go_to_the_callers_history(bool streaming)
    {
        var handler = new RecordingHandler();
        var history = Question();
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var service = TestSk.Service(handler);
        if (streaming)
        {
            handler.EnqueueSse(CallStream("Clock_now")).EnqueueSse(AnswerStream());
            await service.GetStreamingChatMessageContentsAsync(history, settings, ClockKernel()).ToListAsync();
        }
        else
        {
            handler.EnqueueJson(CallCompletion("Clock_now")).EnqueueJson(AnswerCompletion());
            await service.GetChatMessageContentsAsync(history, settings, ClockKernel());
        }

        Assert.Equal([AuthorRole.User, AuthorRole.Assistant, AuthorRole.Tool], history.Select(m => m.Role));
        var call = Assert.Single(history[1].Items.OfType<FunctionCallContent>());
        Assert.Equal(("Clock", "now", "call_1"), (call.PluginName, call.FunctionName, call.Id));
        var result = Assert.Single(history[2].Items.OfType<FunctionResultContent>());
        Assert.Equal(("Clock", "now", "call_1"), (result.PluginName, result.FunctionName, result.CallId));
        Assert.Equal("12:00", result.Result?.ToString());
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task More_than_one_choice_with_auto_invocation_is_refused_before_sending(bool streaming)
    {
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler);
        var settings = new FlockPromptExecutionSettings { ChoiceCount = 2, FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
        {
            if (streaming)
            {
                await service.GetStreamingChatMessageContentsAsync(Question(), settings, ClockKernel()).ToListAsync();
            }
            else
            {
                await service.GetChatMessageContentsAsync(Question(), settings, ClockKernel());
            }
        });

        Assert.Equal("n", ex.ParamName);
        Assert.Contains("auto-invoked", ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task More_than_one_choice_without_auto_invocation_gives_each_choice_with_its_calls()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion-n2.json"));
        var settings = new FlockPromptExecutionSettings { ChoiceCount = 2, FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };

        var results = await TestSk.Service(handler).GetChatMessageContentsAsync(Question(), settings, ClockKernel());

        Assert.Equal(["Red.", "Blue, probably"], results.Select(r => r.Content));
        Assert.Equal(2, JsonNode.Parse(handler.SingleRequest.Body!)!["n"]!.GetValue<int>());
    }

    [Fact]
    public async Task Sks_filters_run_and_see_the_kernel_and_the_behavior()
    {
        var handler = new RecordingHandler().EnqueueJson(CallCompletion("Clock_now")).EnqueueJson(AnswerCompletion());
        var kernel = ClockKernel();
        var filter = new RecordingFilter();
        kernel.AutoFunctionInvocationFilters.Add(filter);
        var behavior = FunctionChoiceBehavior.Auto();

        await TestSk.Service(handler).GetChatMessageContentAsync(Question(), new FlockPromptExecutionSettings { FunctionChoiceBehavior = behavior }, kernel);

        var context = Assert.Single(filter.Seen);
        Assert.Same(kernel, context.Kernel);
        Assert.Same(behavior, context.ExecutionSettings?.FunctionChoiceBehavior);
        Assert.Equal(("Clock", "now"), (context.Function.PluginName, context.Function.Name));
        Assert.Equal("call_1", context.ToolCallId);
    }

    private sealed class RecordingFilter : IAutoFunctionInvocationFilter
    {
        public List<AutoFunctionInvocationContext> Seen { get; } = [];

        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            Seen.Add(context);
            await next(context);
        }
    }

    private static List<(Type, string?)> Items(ChatMessageContent message) =>
        [.. message.Items.Select(i => (i.GetType(), i switch { TextContent t => t.Text, ReasoningContent r => r.Text, _ => i.ToString() }))];

    private static Dictionary<string, object?> Except(IReadOnlyDictionary<string, object?> metadata, string key) =>
        metadata.Where(p => p.Key != key).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>Each update's content, items, choice, model and metadata, as text.</summary>
    private static List<string> Describe(IEnumerable<StreamingChatMessageContent> updates) =>
        [.. updates.Select(u =>
            $"{u.Role}|{u.Content}|{string.Join(",", u.Items.Select(i => i.GetType().Name + ":" + i))}|{u.ChoiceIndex}|{u.ModelId}|" +
            string.Join(",", u.Metadata?.Select(p => $"{p.Key}={p.Value}") ?? []))];
}
