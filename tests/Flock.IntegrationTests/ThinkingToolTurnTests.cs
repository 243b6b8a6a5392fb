using System.ComponentModel;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests;

/// <summary>
/// A DeepSeek-style thinking model answers 400 when an assistant message of an exchange that used tools, current or earlier,
/// comes back without its reasoning. The connector sends that reasoning back by default, under both stacks' function
/// invocation, streamed or not, across turns; turned off, the emulator's model refuses, as the real one does.
/// </summary>
public sealed class ThinkingToolTurnTests : EmulatorTest
{
    private const string ThinkingModel = "deepseek-v3.2-thinking";
    private const string Question = "Use get_weather for Paris, then tell me.";

    private sealed class WeatherPlugin
    {
        [KernelFunction("get_weather"), Description("Gets the current weather for a city.")]
        public string GetWeather([Description("The city name")] string city) => $"Sunny and 21°C in {city}";
    }

    private static ChatOptions ToolOptions(bool? includeReasoning = null)
    {
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create((string city) => $"Sunny and 21°C in {city}", "get_weather", "Gets the current weather for a city.")] };
        if (includeReasoning is { } include)
        {
            options.AdditionalProperties = new() { [FlockParameters.IncludeReasoningInHistory] = include };
        }

        return options;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Meai_two_turns_with_tools_on_a_thinking_model_are_answered(bool streaming)
    {
        var client = new FlockChatClient(new FlockClient(Options()), ThinkingModel).AsBuilder().UseFunctionInvocation().Build();
        var conversation = new List<ChatMessage> { new(ChatRole.User, Question) };

        foreach (var next in new[] { "And again for Rome: use get_weather for Rome.", "Thanks, that is all." })
        {
            var response = streaming
                ? await client.GetStreamingResponseAsync(conversation, ToolOptions()).ToChatResponseAsync()
                : await client.GetResponseAsync(conversation, ToolOptions());
            conversation.AddRange(response.Messages);
            conversation.Add(new ChatMessage(ChatRole.User, next));
        }

        var last = await client.GetResponseAsync(conversation, ToolOptions());
        Assert.NotEmpty(last.Text);
        Assert.All(Emulator.ChatRequests, r => Assert.Equal(ThinkingModel, (string?)r.Json!["model"]));
        Assert.Contains(Emulator.ChatRequests, r => r.Json!["messages"]!.AsArray().Any(m => m!["reasoning_content"] is not null && m["tool_calls"] is not null));
    }

    [Fact]
    public async Task Meai_without_the_reasoning_the_thinking_model_refuses_with_deepseeks_message()
    {
        var client = new FlockChatClient(new FlockClient(Options()), ThinkingModel).AsBuilder().UseFunctionInvocation().Build();

        var ex = await Assert.ThrowsAsync<FlockException>(() => client.GetResponseAsync(Question, ToolOptions(includeReasoning: false)));

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, ex.StatusCode);
        Assert.Contains("reasoning_content", ex.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_two_turns_with_auto_invoked_functions_on_a_thinking_model_are_answered(bool streaming)
    {
        var builder = Kernel.CreateBuilder();
        builder.Services.AddSingleton<IChatCompletionService>(new FlockChatCompletionService(new FlockClient(Options()), ThinkingModel));
        builder.Plugins.AddFromObject(new WeatherPlugin(), "Weather");
        var kernel = builder.Build();
        var chat = kernel.GetRequiredService<IChatCompletionService>();
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var history = new ChatHistory();

        foreach (var question in new[] { Question, "And again for Rome: use get_weather for Rome.", "Thanks, that is all." })
        {
            history.AddUserMessage(question);
            if (streaming)
            {
                // A streamed answer goes into the history with its reasoning, as a thinking model needs it back.
                var text = new System.Text.StringBuilder();
                var reasoning = new System.Text.StringBuilder();
                await foreach (var update in chat.GetStreamingChatMessageContentsAsync(history, settings, kernel))
                {
                    text.Append(update.Content);
                    reasoning.AppendJoin("", update.Items.OfType<StreamingReasoningContent>().Select(r => r.Text));
                }

                history.Add(new ChatMessageContent(AuthorRole.Assistant, [new ReasoningContent(reasoning.ToString()), new Microsoft.SemanticKernel.TextContent(text.ToString())]));
            }
            else
            {
                history.Add(await chat.GetChatMessageContentAsync(history, settings, kernel));
            }
        }

        Assert.Equal(Emulator.ChatRequests.Count, Emulator.Requests.Count(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)));
        Assert.Contains(history, m => m.Items.OfType<ReasoningContent>().Any() && m.Items.OfType<Microsoft.SemanticKernel.FunctionCallContent>().Any());
    }
}
