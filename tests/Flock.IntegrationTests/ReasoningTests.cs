using System.Text.Json.Nodes;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using MeaiTextContent = Microsoft.Extensions.AI.TextContent;
using SkTextContent = Microsoft.SemanticKernel.TextContent;

namespace Flock.IntegrationTests;

/// <summary>
/// Thinking models: reasoning arrives beside the answer (never inside it) through both adapters, streaming and not, under
/// either wire name, and goes back to the server on the next turn only when asked.
/// </summary>
public sealed class ReasoningTests : EmulatorTest
{
    private const string Thinking = "The user greets me. I should greet back briefly.";
    private const string Answer = "Hello! How can I help?";

    private static ScriptedReply Reply(string fields) => fields switch
    {
        "reasoning_content" => ScriptedReply.Reasoning(Thinking, Answer) with { ChunkSize = 6 },
        "reasoning" => ScriptedReply.Reasoning(Thinking, Answer) with { ChunkSize = 6, ReasoningFields = ["reasoning"] },
        "both" => ScriptedReply.Reasoning(Thinking, Answer) with { ChunkSize = 6, ReasoningFields = ["reasoning_content", "reasoning"] },
        _ => throw new ArgumentOutOfRangeException(nameof(fields)),
    };

    private static ChatHistory History()
    {
        var history = new ChatHistory("You are terse.");
        history.AddUserMessage("Hi there");
        return history;
    }

    private List<JsonObject> ChatBodies() =>
        [.. Emulator.ChatRequests.Select(r => r.Json!.AsObject())];

    private static JsonObject LastAssistant(JsonObject body) =>
        body["messages"]!.AsArray().Select(m => m!.AsObject()).Last(m => m["role"]!.GetValue<string>() == "assistant");

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    [InlineData("both")]
    public async Task Sk_NonStreaming_ReasoningItemBesideTheAnswer(string fields)
    {
        Emulator.Enqueue(Reply(fields));

        var answer = await SkService().GetChatMessageContentAsync(History());

        Assert.Equal(Answer, answer.Content);
        var reasoning = Assert.Single(answer.Items.OfType<ReasoningContent>());
        Assert.Equal(Thinking, reasoning.Text);
        Assert.Equal(Answer, Assert.Single(answer.Items.OfType<SkTextContent>()).Text);
        Assert.DoesNotContain(Thinking, answer.ToString());
    }

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    [InlineData("both")]
    public async Task Sk_Streaming_ReasoningUpdatesNeverInTheText(string fields)
    {
        Emulator.Enqueue(Reply(fields));

        var updates = await SkService().GetStreamingChatMessageContentsAsync(History()).ToListAsync();

        var reasoningPieces = updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text).ToList();
        Assert.True(reasoningPieces.Count >= 2, "reasoning should arrive in several pieces");
        Assert.Equal(Thinking, string.Concat(reasoningPieces));
        Assert.All(updates, u => Assert.DoesNotContain("greet", u.Content ?? ""));
        Assert.Equal(Answer, string.Concat(updates.Select(u => u.Content)));
        var reasoningIndex = updates.FindIndex(u => u.Items.OfType<StreamingReasoningContent>().Any());
        var textIndex = updates.FindIndex(u => !string.IsNullOrEmpty(u.Content));
        Assert.True(reasoningIndex < textIndex, "thinking comes before the answer");
    }

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    [InlineData("both")]
    public async Task Meai_NonStreaming_TextReasoningContentBesideTheAnswer(string fields)
    {
        Emulator.Enqueue(Reply(fields));

        var response = await ChatClient().GetResponseAsync("Hi there");

        Assert.Equal(Answer, response.Text);
        var message = Assert.Single(response.Messages);
        Assert.Equal(Thinking, Assert.Single(message.Contents.OfType<TextReasoningContent>()).Text);
        Assert.Equal(Answer, Assert.Single(message.Contents.OfType<MeaiTextContent>()).Text);
    }

    [Theory]
    [InlineData("reasoning_content")]
    [InlineData("reasoning")]
    [InlineData("both")]
    public async Task Meai_Streaming_TextReasoningContentUpdates(string fields)
    {
        Emulator.Enqueue(Reply(fields));

        var updates = await ChatClient().GetStreamingResponseAsync("Hi there").ToListAsync();

        var reasoningPieces = updates.SelectMany(u => u.Contents.OfType<TextReasoningContent>()).Select(r => r.Text).ToList();
        Assert.True(reasoningPieces.Count >= 2, "reasoning should arrive in several pieces");
        Assert.Equal(Thinking, string.Concat(reasoningPieces));
        Assert.All(updates, u => Assert.DoesNotContain("greet", u.Text));
        var response = updates.ToChatResponse();
        Assert.Equal(Answer, response.Text);
        Assert.Equal(Thinking, string.Concat(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Sk_NextTurn_ReasoningSentBackOnlyWhenAsked(bool include, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Reasoning(Thinking, Answer));
        Emulator.Enqueue(ScriptedReply.Text("Fine."));
        var service = SkService();
        var history = History();

        if (streaming)
        {
            // The streamed turn, put back together the way an SK app does: reasoning and text as items of one message.
            var updates = await service.GetStreamingChatMessageContentsAsync(history).ToListAsync();
            var items = new ChatMessageContentItemCollection
            {
                new ReasoningContent(string.Concat(updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text))),
                new SkTextContent(string.Concat(updates.Select(u => u.Content))),
            };
            history.Add(new ChatMessageContent(AuthorRole.Assistant, items));
        }
        else
        {
            history.Add(await service.GetChatMessageContentAsync(history));
        }

        history.AddUserMessage("And how are you?");
        var settings = new FlockPromptExecutionSettings { IncludeReasoningInHistory = include ? true : null };
        var followUp = await service.GetChatMessageContentAsync(history, settings);

        Assert.Equal("Fine.", followUp.Content);
        var assistant = LastAssistant(ChatBodies()[1]);
        // The answer goes back as the text, never with the reasoning folded into it.
        Assert.Equal(Answer, assistant["content"]!.GetValue<string>());
        if (include)
        {
            Assert.Equal(Thinking, assistant["reasoning_content"]!.GetValue<string>());
        }
        else
        {
            Assert.False(assistant.ContainsKey("reasoning_content"), assistant.ToJsonString());
        }

        Assert.Equal(["system", "user", "assistant", "user"], ChatBodies()[1]["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task Meai_NextTurn_ReasoningSentBackOnlyWhenAsked(bool include, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Reasoning(Thinking, Answer) with { ChunkSize = 8 });
        Emulator.Enqueue(ScriptedReply.Text("Fine."));
        IChatClient client = ChatClient();
        List<ChatMessage> messages = [new(ChatRole.System, "You are terse."), new(ChatRole.User, "Hi there")];

        var first = streaming
            ? (await client.GetStreamingResponseAsync(messages).ToListAsync()).ToChatResponse()
            : await client.GetResponseAsync(messages);
        messages.AddMessages(first);
        messages.Add(new ChatMessage(ChatRole.User, "And how are you?"));
        var options = include ? new ChatOptions { AdditionalProperties = new() { ["include_reasoning_in_history"] = true } } : null;
        var followUp = await client.GetResponseAsync(messages, options);

        Assert.Equal("Fine.", followUp.Text);
        var body = ChatBodies()[1];
        var assistant = LastAssistant(body);
        Assert.Equal(Answer, assistant["content"]!.GetValue<string>());
        if (include)
        {
            Assert.Equal(Thinking, assistant["reasoning_content"]!.GetValue<string>());
        }
        else
        {
            Assert.False(assistant.ContainsKey("reasoning_content"), assistant.ToJsonString());
        }

        // The switch is the connector's own: it never reaches the server as a body field.
        Assert.False(body.ContainsKey("include_reasoning_in_history"));
    }

    [Fact]
    public void Sk_ToChatMessage_DropsReasoning_NeverMakesItText()
    {
        // What SK 1.82's own history conversion (used by SK's stock AsChatCompletionService bridge) makes of a ReasoningContent
        // item: it is dropped. This is why the service maps SK and MEAI types itself (Mapping/SkToMeai, MeaiToSk); when SK
        // starts carrying reasoning across, this fails and the note in docs/reasoning-and-think-tags.md can go.
        var message = new ChatMessageContent(AuthorRole.Assistant, [new ReasoningContent(Thinking), new SkTextContent(Answer)]);

        var converted = message.ToChatMessage();

        Assert.Equal(Answer, Assert.IsType<MeaiTextContent>(Assert.Single(converted.Contents)).Text);
    }

    /// <remarks>
    /// With a <see cref="FunctionChoiceBehavior"/> that auto-invokes, the call runs through SK's function invocation over the
    /// same <see cref="FlockChatClient"/> pipeline, and the result keeps its reasoning exactly as without one.
    /// </remarks>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_WithFunctionChoiceBehavior_ReasoningBesideTheAnswer(bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Reasoning(Thinking, Answer) with { ChunkSize = 8 });
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "14:05", "get_time", "Gets the time.")]);
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };
        var service = SkService();

        if (streaming)
        {
            var updates = await service.GetStreamingChatMessageContentsAsync(History(), settings, kernel).ToListAsync();
            Assert.Equal(Answer, string.Concat(updates.Select(u => u.Content)));
            Assert.Equal(Thinking, string.Concat(updates.SelectMany(u => u.Items.OfType<StreamingReasoningContent>()).Select(r => r.Text)));
            Assert.All(updates, u => Assert.DoesNotContain("greet", u.Content ?? ""));
        }
        else
        {
            var answer = await service.GetChatMessageContentAsync(History(), settings, kernel);
            Assert.Equal(Answer, answer.Content);
            Assert.Equal(Thinking, Assert.Single(answer.Items.OfType<ReasoningContent>()).Text);
            Assert.DoesNotContain("greet", answer.Content);
        }

        Assert.Equal("Clock_get_time", SingleChatBody()["tools"]![0]!["function"]!["name"]!.GetValue<string>());
    }

    /// <remarks>Likewise on the way out: earlier reasoning goes back with <see cref="FlockPromptExecutionSettings.IncludeReasoningInHistory"/>, auto-invocation or not.</remarks>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_WithFunctionChoiceBehavior_IncludeReasoningInHistory_SendsItBack(bool include)
    {
        Emulator.Enqueue(ScriptedReply.Text("Fine."));
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "14:05", "get_time", "Gets the time.")]);
        var history = History();
        history.Add(new ChatMessageContent(AuthorRole.Assistant, [new ReasoningContent(Thinking), new SkTextContent(Answer)]));
        history.AddUserMessage("And how are you?");
        var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), IncludeReasoningInHistory = include ? true : null };

        var answer = await SkService().GetChatMessageContentAsync(history, settings, kernel);

        Assert.Equal("Fine.", answer.Content);
        var body = SingleChatBody();
        var assistant = LastAssistant(body);
        Assert.Equal(Answer, assistant["content"]!.GetValue<string>());
        Assert.Equal(include ? Thinking : null, assistant["reasoning_content"]?.GetValue<string>());
        Assert.False(body.ContainsKey("include_reasoning_in_history"));
    }
}
