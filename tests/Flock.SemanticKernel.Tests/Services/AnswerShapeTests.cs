using System.Net;
using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>
/// Answers a server may send that used to pass for something else, through the SK service: no choices, a negative choice
/// index, a <c>[DONE]</c> without a finish reason, timestamps in milliseconds or impossible, and a seed beyond 64 bits.
/// </summary>
public sealed class AnswerShapeTests
{
    private const string Done = "data: [DONE]\n\n";

    private static string Event(string text, string? finish = null, int index = 0, string created = "1735689700") =>
        $$"""data: {"id":"c1","created":{{created}},"model":"m","choices":[{"index":{{index}},"delta":{"content":"{{text}}"}{{(finish is null ? "" : $",\"finish_reason\":\"{finish}\"")}}}]}""" + "\n\n";

    private static async Task<List<StreamingChatMessageContent>> StreamAsync(FlockChatCompletionService service, PromptExecutionSettings? settings = null)
    {
        var updates = new List<StreamingChatMessageContent>();
        await foreach (var update in service.GetStreamingChatMessageContentsAsync(TestSk.History(), settings))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Fact]
    public async Task Done_without_a_finish_reason_ends_the_stream_normally_with_no_finish_reason()
    {
        var handler = new RecordingHandler().EnqueueSse(Event("Hello") + Event(" there") + Done);

        var updates = await StreamAsync(TestSk.Service(handler));

        Assert.Equal("Hello there", string.Concat(updates.Select(u => u.Content)));
        Assert.All(updates, u =>
        {
            var metadata = Assert.IsType<FlockMetadata>(u.Metadata);
            Assert.Null(metadata.FinishReason);
            Assert.False(metadata.ContainsKey(FlockMetadataKeys.FinishReason));
        });
    }

    public static TheoryData<string, DateTimeOffset?> Timestamps => new()
    {
        { "1764000000", DateTimeOffset.FromUnixTimeSeconds(1764000000) },
        { "1764000000000", DateTimeOffset.FromUnixTimeMilliseconds(1764000000000) },
        { "-5", null },
        { "99999999999999999", null },
        { "1e300", null },
        { "\"yesterday\"", null },
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public async Task A_created_in_milliseconds_reaches_the_metadata_as_that_date_and_an_impossible_one_as_absent(string created, DateTimeOffset? expected)
    {
        var completion = $$"""{"id":"c","created":{{created}},"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}""";
        var handler = new RecordingHandler().EnqueueJson(completion).EnqueueSse(Event("Hi", "stop", created: created) + Done);
        var service = TestSk.Service(handler);

        var result = Assert.Single(await service.GetChatMessageContentsAsync(TestSk.History()));
        var updates = await StreamAsync(service);

        Assert.Equal("Hi", result.Content);
        Assert.Equal(expected, Assert.IsType<FlockMetadata>(result.Metadata).Created);
        Assert.Equal(expected, result.Metadata![FlockMetadataKeys.Created]);
        var streamed = Assert.IsType<FlockMetadata>(Assert.Single(updates, u => u.Content == "Hi").Metadata);
        Assert.Equal(expected, streamed.Created);
        if (expected is { } date)
        {
            Assert.Equal(2025, date.Year);
        }
    }

    public static TheoryData<string, bool> SeedSources => new()
    {
        { "extension_data", false }, { "extension_data", true }, { "json", false }, { "json", true }, { "template", false }, { "template", true },
    };

    [Theory]
    [MemberData(nameof(SeedSources))]
    public async Task A_seed_of_1e30_is_refused_naming_seed_before_anything_is_sent(string source, bool streaming)
    {
        var handler = new RecordingHandler();
        var service = TestSk.Service(handler);

        var ex = await Record.ExceptionAsync(async () =>
        {
            if (source == "template")
            {
                var builder = Kernel.CreateBuilder();
                builder.Services.AddSingleton<IChatCompletionService>(service);
                var kernel = builder.Build();
                var function = KernelFunctionFactory.CreateFromPrompt(PromptTemplateConfig.FromJson(
                    """{"template":"Pick a number","execution_settings":{"default":{"seed":1e30,"temperature":0.2}}}"""));
                if (streaming)
                {
                    await foreach (var _ in function.InvokeStreamingAsync<StreamingChatMessageContent>(kernel))
                    {
                    }
                }
                else
                {
                    await function.InvokeAsync(kernel);
                }

                return;
            }

            var settings = source == "json"
                ? JsonSerializer.Deserialize<PromptExecutionSettings>("""{"seed":1e30}""")!
                : new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["seed"] = 1e30 } };
            if (streaming)
            {
                await StreamAsync(service, settings);
            }
            else
            {
                await service.GetChatMessageContentsAsync(TestSk.History(), settings);
            }
        });

        var refused = Assert.IsType<ArgumentOutOfRangeException>(ex);
        Assert.Equal("seed", refused.ParamName);
        Assert.Contains("between -9223372036854775808 and 9223372036854775807", refused.Message);
        Assert.Empty(handler.Requests);
    }
}
