using System.Net;
using Flock.Emulator;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests;

/// <summary>The SK adapter end to end over real HTTP against the emulator.</summary>
public sealed class SkServiceTests : EmulatorTest
{
    private static ChatHistory History(string question)
    {
        var history = new ChatHistory("You are terse.");
        history.AddUserMessage(question);
        return history;
    }

    [Fact]
    public async Task Kernel_NonStreaming_ReturnsScriptedTextWithMetadata()
    {
        Emulator.Enqueue(ScriptedReply.Text("Lisbon has trams."));
        var kernel = Kernel.CreateBuilder().AddFlockChatCompletion(Model, Emulator.ApiKey, Emulator.Endpoint).Build();

        var answer = await kernel.GetRequiredService<IChatCompletionService>().GetChatMessageContentAsync(History("Tell me about Lisbon"));

        Assert.Equal("Lisbon has trams.", answer.Content);
        Assert.Equal(AuthorRole.Assistant, answer.Role);
        Assert.Equal(Model, answer.ModelId);
        Assert.NotNull(answer.InnerContent);
        Assert.StartsWith("chatcmpl", (string)answer.Metadata![FlockMetadataKeys.Id]!);
        Assert.Equal("stop", answer.Metadata[FlockMetadataKeys.FinishReason]);
        Assert.IsType<DateTimeOffset>(answer.Metadata[FlockMetadataKeys.Created]);
        var usage = Assert.IsType<FlockUsage>(answer.Metadata[FlockMetadataKeys.Usage]);
        Assert.True(usage.PromptTokens > 0 && usage.CompletionTokens > 0);
        Assert.Equal(usage.PromptTokens + usage.CompletionTokens, usage.TotalTokens);
        Assert.Equal(Emulator.ApiKey, Emulator.Requests.Single().Header("x-litellm-api-key"));
    }

    [Fact]
    public async Task Streaming_YieldsPiecesThenUsageOnTheFinalUpdate()
    {
        Emulator.Enqueue(ScriptedReply.Text("One two three four five six seven.") with { ChunkSize = 5 });
        var service = SkService();

        var updates = await service.GetStreamingChatMessageContentsAsync(History("Count")).ToListAsync();

        Assert.True(updates.Count(u => !string.IsNullOrEmpty(u.Content)) >= 5, "text should arrive in several pieces");
        Assert.Equal("One two three four five six seven.", string.Concat(updates.Select(u => u.Content)));
        Assert.Equal(AuthorRole.Assistant, updates[0].Role);
        Assert.All(updates, u => Assert.Equal(0, u.ChoiceIndex));
        Assert.Contains(updates, u => (string?)u.Metadata?.GetValueOrDefault(FlockMetadataKeys.FinishReason) == "stop");
        var usage = Assert.IsType<FlockUsage>(updates[^1].Metadata![FlockMetadataKeys.Usage]);
        Assert.True(usage.CompletionTokens > 0);
        var body = SingleChatBody();
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.True(body["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoChoices_ComeBackAsTwoAnswers(bool streaming)
    {
        var service = SkService();
        var settings = new FlockPromptExecutionSettings { ChoiceCount = 2 };

        string[] texts;
        if (streaming)
        {
            var updates = await service.GetStreamingChatMessageContentsAsync(History("Name a colour"), settings).ToListAsync();
            texts = [.. updates.Where(u => u.Content is not null).GroupBy(u => u.ChoiceIndex).OrderBy(g => g.Key).Select(g => string.Concat(g.Select(u => u.Content)))];
        }
        else
        {
            texts = [.. (await service.GetChatMessageContentsAsync(History("Name a colour"), settings)).Select(m => m.Content!)];
        }

        Assert.Equal(2, texts.Length);
        Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        Assert.NotEqual(texts[0], texts[1]);
        Emulator.AssertSingleChat().AssertParameter("n", "2");
    }

    [Fact]
    public async Task MaxTokens_EndsWithLengthFinishReason()
    {
        var answer = await SkService().GetChatMessageContentAsync(History("Write a long story"), new FlockPromptExecutionSettings { MaxTokens = 3 });

        Assert.Equal("length", answer.Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Equal(3, Assert.IsType<FlockUsage>(answer.Metadata[FlockMetadataKeys.Usage]).CompletionTokens);
    }

    [Fact]
    public async Task Seed_SameSeedGivesSameAnswer()
    {
        var settings = new FlockPromptExecutionSettings { Seed = 7, Temperature = 1.5 };
        var first = await SkService().GetChatMessageContentAsync(History("Pick a word"), settings);
        var second = await SkService().GetChatMessageContentAsync(History("Pick a word"), settings);

        var other = await SkService().GetChatMessageContentAsync(History("Pick a word"), new FlockPromptExecutionSettings { Seed = 8, Temperature = 1.5 });

        Assert.Equal(first.Content, second.Content);
        Assert.NotEqual(first.Content, other.Content);
        Emulator.ChatRequests[0].AssertParameter("seed", "7");
    }

    [Theory]
    [InlineData(400, "litellm.BadRequestError: OpenAIException - bad things. Received Model Group=x")]
    [InlineData(401, "Authentication Error, Invalid proxy server token passed.")]
    [InlineData(429, "Rate limit exceeded for key")]
    [InlineData(500, "Internal server error from upstream")]
    public async Task HttpErrors_SurfaceAsHttpOperationExceptionWithFlocksMessage_TheFlockExceptionInside(int status, string message)
    {
        Emulator.Enqueue(ScriptedReply.Error(status, message) with { Times = 5 });
        var service = SkService();

        // SK's convention: catch (HttpOperationException) works, with Flock's fields on it and the core's exception inside.
        HttpOperationException? caught = null;
        try
        {
            await service.GetChatMessageContentAsync(History("Hi"));
        }
        catch (HttpOperationException thrown)
        {
            caught = thrown;
        }

        var ex = Assert.IsType<FlockHttpOperationException>(caught);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains(message, ex.Message);
        Assert.Contains(message, ex.ResponseContent);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.ErrorCode);
        var inner = Assert.IsType<FlockException>(ex.InnerException);
        Assert.Equal((ex.StatusCode, ex.Message, ex.ResponseContent, ex.ErrorCode), (inner.StatusCode, inner.Message, inner.ResponseContent, inner.ErrorCode));
    }

    [Fact]
    public async Task WrongKey_Is401WithoutTheKeyInTheException()
    {
        const string secret = "sk-this-is-a-secret-key-1234";
        var service = new FlockChatCompletionService(Model, secret, Emulator.Endpoint);

        var ex = await Assert.ThrowsAsync<FlockHttpOperationException>(() => service.GetChatMessageContentAsync(History("Hi")));

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Contains("Authentication Error", ex.Message);
        Assert.DoesNotContain(secret, ex.ToString());
        Assert.DoesNotContain(secret, ex.InnerException!.ToString());
        Assert.DoesNotContain(secret, ex.ResponseContent ?? "");
        Assert.True(Emulator.Requests.Single().CarriesKey(secret));
    }

    [Fact]
    public async Task FlockSettings_KnownKeysInExtensionData_AreBoundOnce_TypedValuesWin()
    {
        var settings = new FlockPromptExecutionSettings
        {
            Temperature = 0.4,
            ExtensionData = new Dictionary<string, object> { ["temperature"] = 1.9, ["max_tokens"] = 12, ["min_p"] = 0.1 },
        };

        await SkService().GetChatMessageContentAsync(History("Hi"), settings);

        var body = SingleChatBody();
        Assert.Equal(0.4, body["temperature"]!.GetValue<double>());
        Assert.Equal(12, body["max_tokens"]!.GetValue<int>());
        Assert.Equal(0.1, body["min_p"]!.GetValue<double>());
        Assert.Single(Emulator.Requests[0].Body.Split("\"temperature\"")[1..]);
    }

    [Fact]
    public async Task ProviderExtras_AndTemplateKeys_ReachTheWire()
    {
        // Known keys in ExtensionData bind to their typed fields; unknown ones are sent as they are.
        var settings = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object>
            {
                ["temperature"] = 0.25,
                ["reasoning_effort"] = "low",
                ["chat_template_kwargs"] = new Dictionary<string, object> { ["enable_thinking"] = false },
            },
        };

        await SkService().GetChatMessageContentAsync(History("Hi"), settings);

        var body = SingleChatBody();
        Assert.Equal(0.25, body["temperature"]!.GetValue<double>());
        Assert.Equal("low", body["reasoning_effort"]!.GetValue<string>());
        Assert.False(body["chat_template_kwargs"]!["enable_thinking"]!.GetValue<bool>());
    }
}
