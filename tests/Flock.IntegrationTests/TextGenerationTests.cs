using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.TextGeneration;

namespace Flock.IntegrationTests;

/// <summary>FlockChatCompletionService as SK's ITextGenerationService, over HTTP against the emulator.</summary>
public sealed class TextGenerationTests : EmulatorTest
{
    [Fact]
    public async Task A_prompt_is_sent_as_one_user_message()
    {
        ITextGenerationService service = SkService();

        var results = await service.GetTextContentsAsync("Write a haiku about rain", new FlockPromptExecutionSettings { Temperature = 0.3, MaxTokens = 60 });

        var text = Assert.Single(results);
        Assert.Contains("Write a haiku about rain", text.Text);
        Assert.Equal(Model, text.ModelId);
        Assert.Equal("stop", text.Metadata![FlockMetadataKeys.FinishReason]);
        Assert.IsType<FlockUsage>(text.Metadata[FlockMetadataKeys.Usage]);
        var body = SingleChatBody();
        Assert.Equal("""[{"role":"user","content":"Write a haiku about rain"}]""", body["messages"]!.ToJsonString());
        Assert.Equal("0.3", body["temperature"]!.ToJsonString());
    }

    [Fact]
    public async Task Streaming_gives_the_same_text_then_usage()
    {
        ITextGenerationService service = SkService();
        var whole = (await service.GetTextContentsAsync("Stream this prompt")).Single().Text;

        var pieces = new List<StreamingTextContent>();
        await foreach (var piece in service.GetStreamingTextContentsAsync("Stream this prompt"))
        {
            pieces.Add(piece);
        }

        Assert.True(pieces.Count > 2);
        Assert.Equal(whole, string.Concat(pieces.Select(p => p.Text)));
        Assert.IsType<FlockUsage>(pieces[^1].Metadata![FlockMetadataKeys.Usage]);
        Emulator.ChatRequests[^1].AssertParameter("stream", "true");
    }

    [Fact]
    public async Task Several_choices_become_several_texts()
    {
        var results = await SkService().GetTextContentsAsync("Two takes", new FlockPromptExecutionSettings { ChoiceCount = 2 });

        Assert.Equal(2, results.Count);
        Assert.NotEqual(results[0].Text, results[1].Text);
    }

    [Fact]
    public async Task The_kernel_resolves_it_after_AddFlockChatCompletion()
    {
        var kernel = Kernel.CreateBuilder().AddFlockChatCompletion(Options()).Build();

        var service = kernel.GetRequiredService<ITextGenerationService>();
        var text = await service.GetTextContentAsync("Resolved from the kernel");

        Assert.IsType<FlockChatCompletionService>(service);
        Assert.Contains("Resolved from the kernel", text.Text);
        Assert.Same(service, kernel.Services.GetRequiredService<Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService>());
    }
}
