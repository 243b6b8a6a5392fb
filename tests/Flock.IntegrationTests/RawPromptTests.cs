using System.Text.Json.Nodes;

namespace Flock.IntegrationTests;

/// <summary>The raw-prompt forms of <c>messages</c> (string, strings, tokens, token arrays), sent as the API document states.</summary>
public sealed class RawPromptTests : EmulatorTest
{
    public static TheoryData<string, string, string> Forms => new()
    {
        // form, the "messages" JSON on the wire, text the emulator decodes and quotes back
        { "text", "\"Once upon a time\"", "Once upon a time" },
        { "texts", "[\"First document\",\"Second document\"]", "Second document" },
        { "tokens", "[72,105,33]", "Hi!" },
        { "token arrays", "[[72,105],[79,107,50256]]", "Hi<|endoftext|>Ok<|endoftext|>" },
    };

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Each_form_goes_under_messages_and_is_answered(string form, string wire, string decoded)
    {
        var completion = await Client().CompletePromptAsync(Prompt(form), new Microsoft.Extensions.AI.ChatOptions { Temperature = 0.5f, MaxOutputTokens = 80 });

        var body = SingleChatBody();
        Assert.Equal(wire, body["messages"]!.ToJsonString());
        Assert.Equal(Model, body["model"]!.GetValue<string>());
        Assert.Equal("0.5", body["temperature"]!.ToJsonString());
        Assert.Contains(decoded, completion.Text);
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(Model, completion.ModelId);
        Assert.StartsWith("chatcmpl-", completion.ResponseId);
        Assert.True(completion.Usage!.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public async Task Each_form_streams_the_same_answer(string form, string wire, string decoded)
    {
        var whole = await Client().CompletePromptAsync(Prompt(form));
        var updates = new List<Microsoft.Extensions.AI.ChatResponseUpdate>();
        await foreach (var update in Client().StreamPromptAsync(Prompt(form)))
        {
            updates.Add(update);
        }

        Assert.Equal(wire, Emulator.ChatRequests[^1].Json!["messages"]!.ToJsonString());
        Emulator.ChatRequests[^1].AssertParameter("stream", "true");
        Assert.Contains(decoded, whole.Text);
        Assert.Equal(whole.Text, string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(Microsoft.Extensions.AI.ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        var usage = updates.SelectMany(u => u.Contents).OfType<Microsoft.Extensions.AI.UsageContent>().Single().Details;
        Assert.Equal((whole.Usage!.InputTokenCount, whole.Usage.OutputTokenCount), (usage.InputTokenCount, usage.OutputTokenCount));
    }

    [Fact]
    public async Task Settings_apply_and_n_gives_a_choice_each()
    {
        var completion = await Client().CompletePromptAsync(FlockPrompt.FromText("Tell me a long story"), new Microsoft.Extensions.AI.ChatOptions { MaxOutputTokens = 3, AdditionalProperties = new() { ["n"] = 2 } });

        Assert.Equal(2, completion.Messages.Count);
        Assert.All(completion.Messages, c => Assert.Equal("length", c.AdditionalProperties![FlockPropertyNames.FinishReason]));
        Assert.Equal([null, 1], completion.Messages.Select(c => c.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.ChoiceIndex)));
        var body = SingleChatBody();
        Assert.Equal(2, body["n"]!.GetValue<int>());
        Assert.Equal(3, body["max_tokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task Tools_and_instructions_are_refused_with_a_raw_prompt()
    {
        var tool = Microsoft.Extensions.AI.AIFunctionFactory.Create(() => 1, "one");
        await Assert.ThrowsAsync<ArgumentException>(() => Client().CompletePromptAsync(FlockPrompt.FromText("x"), new Microsoft.Extensions.AI.ChatOptions { Tools = [tool] }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Client().StreamPromptAsync(FlockPrompt.FromText("x"), new Microsoft.Extensions.AI.ChatOptions { Instructions = "Be brief." }).ToListAsync());
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task Invalid_prompts_and_settings_fail_before_sending()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FlockPrompt.FromTokens(1, -2));
        Assert.Throws<ArgumentException>(() => FlockPrompt.FromTexts());
        Assert.Throws<ArgumentException>(() => FlockPrompt.FromTokenArrays([1], []));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Client().CompletePromptAsync(FlockPrompt.FromText("x"), new Microsoft.Extensions.AI.ChatOptions { Temperature = 3 }));
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public void The_prompt_shows_its_wire_form()
    {
        Assert.Equal("[[1,2],[3]]", FlockPrompt.FromTokenArrays([1, 2], [3]).ToString());
        Assert.Equal("\"<|endoftext|>\"", FlockPrompt.FromText(FlockPrompt.EndOfText).ToString());
    }

    private FlockChatClient Client() => new(new FlockClient(Options()));

    private static FlockPrompt Prompt(string form) => form switch
    {
        "text" => FlockPrompt.FromText("Once upon a time"),
        "texts" => FlockPrompt.FromTexts("First document", "Second document"),
        "tokens" => FlockPrompt.FromTokens(72, 105, 33),
        _ => FlockPrompt.FromTokenArrays([72, 105], [79, 107, 50256]),
    };
}
