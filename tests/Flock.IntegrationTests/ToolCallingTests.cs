using System.ComponentModel;
using System.Text.Json.Nodes;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SkFunctionCallContent = Microsoft.SemanticKernel.FunctionCallContent;
using SkFunctionResultContent = Microsoft.SemanticKernel.FunctionResultContent;

namespace Flock.IntegrationTests;

/// <summary>Tool calling through both adapters, on SK's and MEAI's own invocation machinery, against the emulator.</summary>
public sealed class ToolCallingTests : EmulatorTest
{
    private const string Question = "Use get_weather for Paris and get_local_time for Paris, then tell me both.";

    private sealed class WeatherPlugin
    {
        public int Calls;

        [KernelFunction("get_weather"), Description("Gets the current weather for a city.")]
        public string GetWeather([Description("The city name")] string city)
        {
            Interlocked.Increment(ref Calls);
            return $"Sunny and 21°C in {city}";
        }
    }

    private sealed class TimePlugin
    {
        public int Calls;

        [KernelFunction("get_local_time"), Description("Gets the local time in a city.")]
        public string GetLocalTime([Description("The city name")] string city)
        {
            Interlocked.Increment(ref Calls);
            return $"14:05 in {city}";
        }
    }

    private (Kernel Kernel, WeatherPlugin Weather, TimePlugin Time) KernelWithPlugins(Action<IKernelBuilder>? configure = null)
    {
        var weather = new WeatherPlugin();
        var time = new TimePlugin();
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService>(SkService());
        builder.Plugins.AddFromObject(weather, "Weather");
        builder.Plugins.AddFromObject(time, "Clock");
        configure?.Invoke(builder);
        return (builder.Build(), weather, time);
    }

    private List<JsonObject> ChatBodies() =>
        [.. Emulator.ChatRequests.Select(r => r.Json!.AsObject())];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_AutoInvoke_TwoPlugins_AnswersWithBothResults(bool streaming)
    {
        var (kernel, weather, time) = KernelWithPlugins();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage(Question);
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        string answer;
        if (streaming)
        {
            var updates = await chat.GetStreamingChatMessageContentsAsync(history, settings, kernel).ToListAsync();
            answer = string.Concat(updates.Select(u => u.Content));
        }
        else
        {
            answer = (await chat.GetChatMessageContentAsync(history, settings, kernel)).Content!;
        }

        Assert.Equal(1, weather.Calls);
        Assert.Equal(1, time.Calls);
        Assert.Contains("Sunny and 21°C in Paris", answer);
        Assert.Contains("14:05 in Paris", answer);

        var bodies = ChatBodies();
        Assert.Equal(2, bodies.Count);
        var tools = bodies[0]["tools"]!.AsArray();
        Assert.Equal(2, tools.Count);
        var weatherTool = tools.Single(t => t!["function"]!["name"]!.GetValue<string>().EndsWith("get_weather", StringComparison.Ordinal))!;
        Assert.Equal("function", weatherTool["type"]!.GetValue<string>());
        Assert.Equal("Gets the current weather for a city.", weatherTool["function"]!["description"]!.GetValue<string>());
        Assert.Equal("string", weatherTool["function"]!["parameters"]!["properties"]!["city"]!["type"]!.GetValue<string>());
        Assert.Equal("auto", bodies[0]["tool_choice"]!.GetValue<string>());

        // The second request carries the assistant's two calls and one tool message per call, linked by id.
        var messages = bodies[1]["messages"]!.AsArray();
        var assistant = messages.Single(m => m!["role"]!.GetValue<string>() == "assistant")!;
        var callIds = assistant["tool_calls"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(2, callIds.Count);
        var toolMessages = messages.Where(m => m!["role"]!.GetValue<string>() == "tool").ToList();
        Assert.Equal(callIds.Order(), toolMessages.Select(m => m!["tool_call_id"]!.GetValue<string>()).Order());
        Assert.Contains(toolMessages, m => m!["content"]!.GetValue<string>() == "Sunny and 21°C in Paris");

        // SK's history receives the calls and results, as with every SK connector.
        var calls = history.SelectMany(m => m.Items.OfType<SkFunctionCallContent>()).ToList();
        Assert.Equal(["get_local_time", "get_weather"], calls.Select(c => c.FunctionName).Order());
        Assert.Equal(["Clock", "Weather"], calls.Select(c => c.PluginName).Order());
        Assert.Equal(2, history.SelectMany(m => m.Items.OfType<SkFunctionResultContent>()).Count());
    }

    [Fact]
    public async Task Sk_StreamedToolCallFragments_AreAssembled()
    {
        // Arguments arrive in 3-character fragments, two calls one after the other.
        Emulator.Enqueue(ScriptedReply.ToolCalls(
                new ScriptedToolCall("Weather_get_weather", """{"city":"Reykjavik"}"""),
                new ScriptedToolCall("Clock_get_local_time", """{"city":"Oslo"}""")) with { ChunkSize = 3 });
        var (kernel, weather, time) = KernelWithPlugins();
        var history = new ChatHistory();
        history.AddUserMessage("weather and time please");

        var updates = await kernel.GetRequiredService<IChatCompletionService>()
            .GetStreamingChatMessageContentsAsync(history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel)
            .ToListAsync();

        Assert.Equal(1, weather.Calls);
        Assert.Equal(1, time.Calls);
        var toolMessages = ChatBodies()[1]["messages"]!.AsArray().Where(m => m!["role"]!.GetValue<string>() == "tool").Select(m => m!["content"]!.GetValue<string>()).ToList();
        Assert.Contains("Sunny and 21°C in Reykjavik", toolMessages);
        Assert.Contains("14:05 in Oslo", toolMessages);
        Assert.Contains("Reykjavik", string.Concat(updates.Select(u => u.Content)));
    }

    [Fact]
    public async Task Sk_WithoutAutoInvoke_ReturnsCalls_AndResultsBecomeToolMessages()
    {
        var (kernel, weather, _) = KernelWithPlugins();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Use get_weather for Lisbon.");
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) };

        var reply = await chat.GetChatMessageContentAsync(history, settings, kernel);

        var call = Assert.Single(reply.Items.OfType<SkFunctionCallContent>());
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal("Weather", call.PluginName);
        Assert.Equal("Lisbon", call.Arguments!["city"]!.ToString());
        Assert.Equal(0, weather.Calls);

        // The caller runs the function and answers with its result.
        history.Add(reply);
        var result = await call.InvokeAsync(kernel);
        history.Add(result.ToChatMessage());
        var final = await chat.GetChatMessageContentAsync(history, settings, kernel);

        Assert.Contains("Sunny and 21°C in Lisbon", final.Content);
        var toolMessage = ChatBodies()[1]["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "tool")!;
        Assert.Equal(call.Id, toolMessage["tool_call_id"]!.GetValue<string>());
        // The call goes back under the name the tool was offered with, not the bare function name.
        var sentCall = ChatBodies()[1]["messages"]!.AsArray().Single(m => m!["role"]!.GetValue<string>() == "assistant")!["tool_calls"]![0]!;
        Assert.Equal(ChatBodies()[1]["tools"]![0]!["function"]!["name"]!.GetValue<string>(), sentCall["function"]!["name"]!.GetValue<string>());
        Assert.Equal("Sunny and 21°C in Lisbon", toolMessage["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sk_StreamingWithoutAutoInvoke_FunctionCallContentBuilderRebuildsInvocableCalls()
    {
        Emulator.Enqueue(ScriptedReply.ToolCalls(new ScriptedToolCall("Weather-get_weather", """{"city":"Lima"}""")) with { ChunkSize = 4 });
        var (kernel, weather, _) = KernelWithPlugins();
        var history = new ChatHistory();
        history.AddUserMessage("weather in Lima");
        var builder = new FunctionCallContentBuilder();

        await foreach (var update in kernel.GetRequiredService<IChatCompletionService>().GetStreamingChatMessageContentsAsync(
            history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: false) }, kernel))
        {
            builder.Append(update);
        }

        // SK's own builder splits Plugin-function, so the rebuilt call can be invoked on the kernel.
        var call = Assert.Single(builder.Build());
        Assert.Equal(("Weather", "get_weather"), (call.PluginName, call.FunctionName));
        var result = await call.InvokeAsync(kernel);
        Assert.Equal("Sunny and 21°C in Lima", result.Result);
        Assert.Equal(1, weather.Calls);
        Assert.Single(history);
    }

    [Fact]
    public async Task Sk_RequiredAndNone_MapToToolChoice()
    {
        var (kernel, _, _) = KernelWithPlugins();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var history = new ChatHistory();
        history.AddUserMessage("Hello there");
        var weatherFunction = kernel.Plugins["Weather"]["get_weather"];

        Emulator.Enqueue(ScriptedReply.Text("ok") with { Times = 3 });
        await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required(autoInvoke: false) }, kernel);
        await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Required([weatherFunction], autoInvoke: false) }, kernel);
        await chat.GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.None() }, kernel);

        var bodies = ChatBodies();
        Assert.Equal("required", bodies[0]["tool_choice"]!.GetValue<string>());
        Assert.Equal(2, bodies[0]["tools"]!.AsArray().Count);
        Assert.Single(bodies[1]["tools"]!.AsArray());
        Assert.EndsWith("get_weather", bodies[1]["tools"]![0]!["function"]!["name"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("none", bodies[2]["tool_choice"]!.GetValue<string>());
    }

    [Fact]
    public async Task Sk_Filters_RunAndCanTerminateTheLoop()
    {
        var functionFilter = new CountingFunctionFilter();
        var autoFilter = new TerminatingAutoFilter();
        var (kernel, weather, time) = KernelWithPlugins(b =>
        {
            b.Services.AddSingleton<IFunctionInvocationFilter>(functionFilter);
            b.Services.AddSingleton<IAutoFunctionInvocationFilter>(autoFilter);
        });
        var history = new ChatHistory();
        history.AddUserMessage(Question);

        await kernel.GetRequiredService<IChatCompletionService>()
            .GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel);

        // The auto-invocation filter saw the first call and ended the loop: no second request was made.
        Assert.True(autoFilter.Seen >= 1);
        Assert.Equal(functionFilter.Seen, weather.Calls + time.Calls);
        Assert.True(weather.Calls + time.Calls >= 1);
        Assert.Single(ChatBodies());
    }

    [Fact]
    public async Task Sk_LoopIsBounded_WhenTheModelNeverStopsCallingTools()
    {
        Emulator.Enqueue(ScriptedReply.ToolCalls(new ScriptedToolCall("Weather_get_weather", """{"city":"Rome"}""")) with { Times = 200 });
        var (kernel, weather, _) = KernelWithPlugins();
        var history = new ChatHistory();
        history.AddUserMessage("weather forever");

        await kernel.GetRequiredService<IChatCompletionService>()
            .GetChatMessageContentAsync(history, new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() }, kernel);

        Assert.InRange(ChatBodies().Count, 2, 200 - 1);
        Assert.InRange(weather.Calls, 1, ChatBodies().Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Meai_FunctionInvokingChatClient_RunsTools(bool streaming)
    {
        var weatherCalls = 0;
        var tools = new List<AITool>
        {
            AIFunctionFactory.Create((string city) => { weatherCalls++; return $"Sunny and 21°C in {city}"; }, "get_weather", "Gets the current weather for a city."),
            AIFunctionFactory.Create((string city) => $"14:05 in {city}", "get_local_time", "Gets the local time in a city."),
        };
        IChatClient client = ChatClient().AsBuilder().UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = tools, ToolMode = ChatToolMode.Auto };

        var text = streaming
            ? (await client.GetStreamingResponseAsync(Question, options).ToChatResponseAsync()).Text
            : (await client.GetResponseAsync(Question, options)).Text;

        Assert.Equal(1, weatherCalls);
        Assert.Contains("Sunny and 21°C in Paris", text);
        Assert.Contains("14:05 in Paris", text);
        var bodies = ChatBodies();
        Assert.Equal(2, bodies.Count);
        Assert.Equal(["get_local_time", "get_weather"], bodies[0]["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>()).Order());
        Assert.Equal("auto", bodies[0]["tool_choice"]!.GetValue<string>());
    }

    [Fact]
    public async Task Meai_StreamedParallelCalls_SurfaceAsCompleteFunctionCalls()
    {
        Emulator.Enqueue(ScriptedReply.ToolCalls(
                new ScriptedToolCall("get_weather", """{"city":"Paris","unit":"celsius"}"""),
                new ScriptedToolCall("get_local_time", """{"city":"Tokyo"}""")) with { ChunkSize = 2 });
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => city, "get_weather"), AIFunctionFactory.Create((string city) => city, "get_local_time")] };

        var updates = await ChatClient().GetStreamingResponseAsync("go", options).ToListAsync();

        var calls = updates.SelectMany(u => u.Contents.OfType<Microsoft.Extensions.AI.FunctionCallContent>()).ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal("get_weather", calls[0].Name);
        Assert.Equal("Paris", calls[0].Arguments!["city"]!.ToString());
        Assert.Equal("celsius", calls[0].Arguments!["unit"]!.ToString());
        Assert.Equal("Tokyo", calls[1].Arguments!["city"]!.ToString());
        Assert.StartsWith("chatcmpl-tool-", calls[0].CallId);
        Assert.NotEqual(calls[0].CallId, calls[1].CallId);
        Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
    }

    [Fact]
    public async Task Meai_ToolModes_MapToToolChoice()
    {
        var tool = AIFunctionFactory.Create((string city) => city, "get_weather");
        Emulator.Enqueue(ScriptedReply.Text("ok") with { Times = 3 });
        var client = ChatClient();

        await client.GetResponseAsync("hi", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireAny, AllowMultipleToolCalls = false });
        await client.GetResponseAsync("hi", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.RequireSpecific("get_weather") });
        await client.GetResponseAsync("hi", new ChatOptions { Tools = [tool], ToolMode = ChatToolMode.None });

        var bodies = ChatBodies();
        Assert.Equal("required", bodies[0]["tool_choice"]!.GetValue<string>());
        Assert.False(bodies[0]["parallel_tool_calls"]!.GetValue<bool>());
        Assert.Equal("get_weather", bodies[1]["tool_choice"]!["function"]!["name"]!.GetValue<string>());
        Assert.Equal("none", bodies[2]["tool_choice"]!.GetValue<string>());
    }

    private sealed class CountingFunctionFilter : IFunctionInvocationFilter
    {
        public int Seen;

        public async Task OnFunctionInvocationAsync(Microsoft.SemanticKernel.FunctionInvocationContext context, Func<Microsoft.SemanticKernel.FunctionInvocationContext, Task> next)
        {
            Interlocked.Increment(ref Seen);
            await next(context);
        }
    }

    private sealed class TerminatingAutoFilter : IAutoFunctionInvocationFilter
    {
        public int Seen;

        public async Task OnAutoFunctionInvocationAsync(AutoFunctionInvocationContext context, Func<AutoFunctionInvocationContext, Task> next)
        {
            Interlocked.Increment(ref Seen);
            await next(context);
            context.Terminate = true;
        }
    }
}
