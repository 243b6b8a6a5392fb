using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests;

/// <summary>
/// Provider extras the settings do not model (vLLM's <c>chat_template_kwargs</c>, <c>reasoning_effort</c>, <c>top_k</c>…) reach the
/// body unchanged, nested values included, from SK ExtensionData (typed settings and prompt templates) and MEAI AdditionalProperties.
/// </summary>
public sealed class ProviderExtrasTests : EmulatorTest
{
    private const string ExpectedExtras = """
        {
          "reasoning_effort": "high",
          "chat_template_kwargs": { "enable_thinking": true, "thinking_budget": 512, "tags": ["a", "b"], "nested": { "ratio": 1.5, "none": null } }
        }
        """;

    private static Dictionary<string, object?> ChatTemplateKwargs() => new()
    {
        ["enable_thinking"] = true,
        ["thinking_budget"] = 512,
        ["tags"] = new[] { "a", "b" },
        ["nested"] = new Dictionary<string, object?> { ["ratio"] = 1.5, ["none"] = null },
    };

    private static ChatHistory History()
    {
        var history = new ChatHistory();
        history.AddUserMessage("Hi");
        return history;
    }

    private void AssertExtrasOnTheWire(bool streaming)
    {
        var body = SingleChatBody();
        foreach (var (key, expected) in JsonNode.Parse(ExpectedExtras)!.AsObject())
        {
            Assert.True(JsonNode.DeepEquals(expected, body[key]), $"'{key}': expected {expected?.ToJsonString()}, got {body[key]?.ToJsonString()}");
        }

        // Each key exactly once, nothing renamed or wrapped, and the typed settings still in place beside them.
        var keys = body.Select(p => p.Key).ToList();
        Assert.Equal(keys.Distinct().Count(), keys.Count);
        Assert.Equal(0.3, body["temperature"]!.GetValue<double>());
        Assert.Equal(streaming, body["stream"]?.GetValue<bool>() ?? false);
        Assert.Equal(
            (streaming ? new[] { "chat_template_kwargs", "messages", "model", "reasoning_effort", "stream", "stream_options", "temperature" }
                       : ["chat_template_kwargs", "messages", "model", "reasoning_effort", "temperature"]),
            keys.Order());
    }

    private async Task SendSk(PromptExecutionSettings settings, bool streaming)
    {
        var service = SkService();
        var text = streaming
            ? string.Concat((await service.GetStreamingChatMessageContentsAsync(History(), settings).ToListAsync()).Select(u => u.Content))
            : (await service.GetChatMessageContentAsync(History(), settings)).Content;
        Assert.False(string.IsNullOrEmpty(text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_FlockSettingsExtensionData_PassThrough(bool streaming)
    {
        var settings = new FlockPromptExecutionSettings
        {
            Temperature = 0.3,
            ExtensionData = new Dictionary<string, object> { ["reasoning_effort"] = "high", ["chat_template_kwargs"] = ChatTemplateKwargs() },
        };

        await SendSk(settings, streaming);

        AssertExtrasOnTheWire(streaming);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_PlainSettingsExtensionData_PassThrough(bool streaming)
    {
        var settings = new PromptExecutionSettings
        {
            ExtensionData = new Dictionary<string, object> { ["temperature"] = 0.3, ["reasoning_effort"] = "high", ["chat_template_kwargs"] = ChatTemplateKwargs() },
        };

        await SendSk(settings, streaming);

        AssertExtrasOnTheWire(streaming);
    }

    [Fact]
    public async Task PromptTemplate_ExecutionSettings_NestedExtras_PassThrough()
    {
        // A template's execution_settings arrive as JsonElements: the nested object must go out as an object, not a string.
        var config = PromptTemplateConfig.FromJson($$"""
            { "name": "hi", "template": "Hi", "execution_settings": { "default": { "temperature": 0.3, {{ExpectedExtras.Trim().TrimStart('{').TrimEnd('}')}} } } }
            """);
        var kernel = Kernel.CreateBuilder().AddFlockChatCompletion(Model, Emulator.ApiKey, Emulator.Endpoint).Build();

        await kernel.InvokeAsync(KernelFunctionFactory.CreateFromPrompt(config));

        AssertExtrasOnTheWire(streaming: false);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Meai_AdditionalProperties_PassThrough(bool streaming)
    {
        var options = new ChatOptions
        {
            Temperature = 0.3f,
            AdditionalProperties = new() { ["reasoning_effort"] = "high", ["chat_template_kwargs"] = ChatTemplateKwargs() },
        };
        IChatClient client = ChatClient();

        var text = streaming
            ? (await client.GetStreamingResponseAsync("Hi", options).ToListAsync()).ToChatResponse().Text
            : (await client.GetResponseAsync("Hi", options)).Text;

        Assert.False(string.IsNullOrEmpty(text));
        AssertExtrasOnTheWire(streaming);
    }

    [Fact]
    public async Task Meai_AdditionalProperties_JsonElementValues_PassThrough()
    {
        var extras = JsonDocument.Parse(ExpectedExtras).RootElement;
        var options = new ChatOptions { Temperature = 0.3f, AdditionalProperties = [] };
        foreach (var property in extras.EnumerateObject())
        {
            options.AdditionalProperties[property.Name] = property.Value.Clone();
        }

        await ChatClient().GetResponseAsync("Hi", options);

        AssertExtrasOnTheWire(streaming: false);
    }
}
