using System.Text.Json;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>Non-streaming completions as MEAI <see cref="ChatResponse"/>s.</summary>
public sealed class ResponseParsingTests
{
    [Fact]
    public async Task Normal_reply()
    {
        var response = await CompleteAsync("completion.json");

        Assert.Equal("chatcmpl-7f3a1c2e9b", response.ResponseId);
        Assert.Equal("qwen3-30b-a3b-instruct-2507", response.ModelId);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1735689600), response.CreatedAt);
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
        Assert.Equal("Hello! How can I help you today?", response.Text);
        Assert.IsType<ChatCompletion>(response.RawRepresentation);
        Assert.Equal("fp_flock_01", response.AdditionalProperties!["system_fingerprint"]);
        var message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        var usage = response.Usage!;
        Assert.Equal(21, usage.InputTokenCount);
        Assert.Equal(9, usage.OutputTokenCount);
        Assert.Equal(30, usage.TotalTokenCount);
        Assert.Equal(4, usage.CachedInputTokenCount);
        Assert.Null(usage.ReasoningTokenCount);
    }

    [Fact]
    public async Task Two_choices_give_two_messages()
    {
        var response = await CompleteAsync("completion-n2.json");

        Assert.Collection(response.Messages,
            first => Assert.Equal("Red.", first.Text),
            second => Assert.Equal("Blue, probably", second.Text));
        Assert.All(response.Messages, m => Assert.Equal(ChatRole.Assistant, m.Role));
        Assert.Equal(ChatFinishReason.Stop, response.FinishReason);
    }

    [Fact]
    public async Task Each_choice_carries_its_index_and_finish_reason_under_documented_keys()
    {
        var response = await CompleteAsync("completion-n2.json");

        Assert.Collection(response.Messages,
            first =>
            {
                Assert.False(first.AdditionalProperties!.ContainsKey(FlockPropertyNames.ChoiceIndex));
                Assert.Equal("stop", first.AdditionalProperties[FlockPropertyNames.FinishReason]);
            },
            second =>
            {
                Assert.Equal(1, second.AdditionalProperties![FlockPropertyNames.ChoiceIndex]);
                Assert.Equal("length", second.AdditionalProperties[FlockPropertyNames.FinishReason]);
            });
        Assert.All(response.Messages, m => Assert.False(m.AdditionalProperties!.ContainsKey(FlockPropertyNames.Logprobs)));
    }

    [Fact]
    public async Task Logprobs_are_typed_on_their_choices_message_and_on_the_response()
    {
        var response = await CompleteAsync("completion-logprobs.json");

        var logprobs = Assert.IsType<FlockLogprobs>(Assert.Single(response.Messages).AdditionalProperties![FlockPropertyNames.Logprobs]);
        var token = Assert.Single(logprobs.Tokens);
        Assert.Equal(("Yes", -0.0123), (token.Token, token.Logprob));
        Assert.Equal("Yes"u8.ToArray(), token.Bytes);
        Assert.Equal([("Yes", -0.0123), ("No", -4.5)], token.TopLogprobs.Select(t => (t.Token, t.Logprob)));
        Assert.Equal([.. "No"u8], token.TopLogprobs[1].Bytes!);
        Assert.Same(logprobs, response.AdditionalProperties![FlockPropertyNames.Logprobs]);
    }

    [Fact]
    public async Task A_calls_raw_representation_is_its_arguments_text_as_sent()
    {
        var response = await CompleteAsync("completion-tool-calls.json");

        var call = response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().First();
        Assert.Equal("Paris", call.Arguments!["city"]?.ToString());
        Assert.Equal("Paris", JsonDocument.Parse(Assert.IsType<string>(call.RawRepresentation)).RootElement.GetProperty("city").GetString());
    }

    [Fact]
    public async Task Logprobs_travel_in_the_raw_choice()
    {
        var response = await CompleteAsync("completion-logprobs.json");

        var message = Assert.Single(response.Messages);
        var choice = Assert.IsType<Choice>(message.RawRepresentation);
        Assert.Same(choice.Logprobs, message.AdditionalProperties![FlockPropertyNames.Logprobs]);
    }

    [Theory]
    [InlineData("completion-reasoning.json", "The user asks 2+2. That is 4.", "The answer is 4.")]
    [InlineData("completion-reasoning-field.json", "France's capital is Paris.", "Paris.")]
    public async Task Reasoning_is_separate_content_never_in_text(string file, string reasoning, string text)
    {
        var response = await CompleteAsync(file);

        var message = Assert.Single(response.Messages);
        Assert.Equal(text, response.Text);
        Assert.Equal(text, message.Text);
        Assert.Equal(reasoning, Assert.Single(message.Contents.OfType<TextReasoningContent>()).Text);
    }

    [Fact]
    public async Task Reasoning_tokens_are_in_usage()
    {
        var response = await CompleteAsync("completion-reasoning.json");

        Assert.Equal(14, response.Usage!.ReasoningTokenCount);
        Assert.Equal(32, response.Usage.TotalTokenCount);
    }

    [Fact]
    public async Task Tool_calls_are_function_call_contents()
    {
        var response = await CompleteAsync("completion-tool-calls.json");

        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal("", response.Text);
        Assert.Collection(Assert.Single(response.Messages).Contents.OfType<FunctionCallContent>(),
            weather =>
            {
                Assert.Equal("chatcmpl-tool-a1", weather.CallId);
                Assert.Equal("get_weather", weather.Name);
                Assert.Equal("Paris", weather.Arguments!["city"]?.ToString());
                Assert.Equal("celsius", weather.Arguments!["unit"]?.ToString());
            },
            time =>
            {
                Assert.Equal("chatcmpl-tool-b2", time.CallId);
                Assert.Equal("get_time", time.Name);
                Assert.Equal("Europe/Paris", time.Arguments!["tz"]?.ToString());
            });
    }

    [Fact]
    public async Task Malformed_tool_arguments_surface_as_an_exception_on_the_call_not_a_crash()
    {
        var handler = new RecordingHandler().EnqueueJson("""
            {"id":"c","model":"m","choices":[{"index":0,"finish_reason":"tool_calls",
              "message":{"role":"assistant","content":"","tool_calls":[{"id":"t1","type":"function","function":{"name":"f","arguments":"{not json"}}]}}]}
            """);

        var response = await TestFlock.ChatClient(handler).GetResponseAsync(Calls.Messages());

        var call = Assert.Single(Assert.Single(response.Messages).Contents.OfType<FunctionCallContent>());
        Assert.Equal("f", call.Name);
        Assert.NotNull(call.Exception);
    }

    private static async Task<ChatResponse> CompleteAsync(string file)
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read(file));
        return await TestFlock.ChatClient(handler).GetResponseAsync(Calls.Messages());
    }
}
