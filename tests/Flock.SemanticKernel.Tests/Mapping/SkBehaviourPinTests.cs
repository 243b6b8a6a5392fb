using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>
/// What the bridge relies on in Semantic Kernel 1.82, each pinned so an SK upgrade that changes it fails here, loudly, rather
/// than somewhere in a user's function loop. See <c>Mapping/SkToMeai.KernelOptions</c> and <c>Mapping/KernelFunctionNames</c>.
/// </summary>
public sealed class SkBehaviourPinTests
{
    private static Kernel ClockKernel()
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "12:00", "now", "The time.")]);
        return kernel;
    }

    [Fact]
    public void ToChatOptions_with_a_kernel_gives_sks_options_subclass_carrying_the_kernel_and_the_very_settings_given()
    {
        // SK's function invocation runs its filters only with this subclass (internal to SK), and hands its settings to them.
        var kernel = ClockKernel();
        var settings = new PromptExecutionSettings { ModelId = "m-1", ServiceId = "s-1" };

        var options = settings.ToChatOptions(kernel);

        Assert.Equal("Microsoft.Extensions.AI.KernelChatOptions", options.GetType().FullName);
        Assert.Same(kernel, options.GetType().GetProperty("Kernel")!.GetValue(options));
        Assert.Same(settings, options.GetType().GetProperty("ExecutionSettings")!.GetValue(options));
        Assert.Equal("m-1", options.ModelId);

        // The bridge sets the behaviour on those settings afterwards; SK sees it because it kept the instance.
        var behavior = FunctionChoiceBehavior.Auto();
        settings.FunctionChoiceBehavior = behavior;
        Assert.Same(behavior, ((PromptExecutionSettings)options.GetType().GetProperty("ExecutionSettings")!.GetValue(options)!).FunctionChoiceBehavior);
    }

    [Fact]
    public void ToChatOptions_of_plain_settings_without_a_behavior_adds_nothing_the_bridge_then_sets()
    {
        var options = new PromptExecutionSettings { ModelId = "m-1" }.ToChatOptions(ClockKernel());

        Assert.Null(options.Tools);
        Assert.Null(options.ToolMode);
        Assert.Null(options.AllowMultipleToolCalls);
        Assert.Null(options.AdditionalProperties);
        Assert.Null(options.Temperature);
        Assert.Null(options.Instructions);
    }

    [Fact]
    public void ToChatOptions_without_a_kernel_gives_plain_options()
    {
        Assert.Equal(typeof(ChatOptions), new PromptExecutionSettings().ToChatOptions(kernel: null).GetType());
    }

    [Fact]
    public void A_kernel_function_is_an_ai_function_named_plugin_underscore_function()
    {
        // The one wire name: what SK's function invocation looks calls up by.
        AIFunction function = ClockKernel().Plugins["Clock"]["now"];

        Assert.Equal("Clock_now", function.Name);
        Assert.Equal("now", ((KernelFunction)function).Name);
    }

    [Fact]
    public void Sks_streamed_call_builder_splits_names_at_a_hyphen_only()
    {
        // Why streamed calls reach SK as Plugin-function: the builder SK apps use splits there, and not at '_'.
        var builder = new FunctionCallContentBuilder();
        builder.Append(new StreamingChatMessageContent(null, null) { Items = [new StreamingFunctionCallUpdateContent("c1", "Clock-now", "{}", 0)] });
        builder.Append(new StreamingChatMessageContent(null, null) { Items = [new StreamingFunctionCallUpdateContent("c2", "Clock_now", "{}", 1)] });

        var calls = builder.Build();

        Assert.Equal([("Clock", "now"), (null, "Clock_now")], calls.Select(c => (c.PluginName, c.FunctionName)));
    }

    [Fact]
    public void Sks_function_invocation_gives_up_after_128_rounds()
    {
        // The bound docs/tools-and-agents.md states for a model that never stops calling tools.
        var client = new ChatClientBuilder(new FlockChatClient(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, new HttpClient(new RecordingHandler())))
            .UseKernelFunctionInvocation()
            .Build();

        Assert.Equal(128, client.GetService<FunctionInvokingChatClient>()!.MaximumIterationsPerRequest);
    }
}
