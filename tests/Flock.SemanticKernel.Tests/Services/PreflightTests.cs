using Flock.SemanticKernel.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>
/// The catalogue's pre-flight checks (<see cref="FlockOptions.ValidateAgainstModelInfo"/>) see what SK callers ask for (a
/// token limit, an image item, kernel functions auto-invoked or not, a typed response format), streaming and not: what the
/// catalogue rules out is refused before a chat request is sent, with the same error types as the core (argument errors, not
/// <see cref="FlockHttpOperationException"/>: nothing was asked of the server). The checks themselves are the core's
/// (Http/PreflightTests).
/// </summary>
public sealed class PreflightTests
{
    // A model that rules everything out (output limit 100, no vision, tools or schemas) and one whose limits are unknown.
    private static readonly string Catalogue = TestFiles.Read("model-info-preflight.json");

    private sealed record Weather(string City, double Celsius);

    public static TheoryData<string, bool> Refusals
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var what in new[] { "max_tokens", "image", "kernel_function", "kernel_function_not_invoked", "schema" })
            {
                data.Add(what, false);
                data.Add(what, true);
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task What_the_catalogue_rules_out_is_refused_before_a_chat_request_is_sent(string what, bool streaming)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue);
        var service = Service(handler);

        var ex = await Record.ExceptionAsync(() => SendAsync(service, what, streaming, TestFlock.Model));

        Assert.NotNull(ex);
        Assert.Equal(what == "max_tokens" ? typeof(ArgumentOutOfRangeException) : typeof(NotSupportedException), ex.GetType());
        Assert.Contains(TestFlock.Model, ex.Message);
        Assert.Contains(what switch
        {
            "max_tokens" => "max_tokens must be at most 100",
            "image" => "supports_vision: false",
            "schema" => "supports_response_schema: false",
            _ => "supports_function_calling: false",
        }, ex.Message);
        if (what == "max_tokens")
        {
            Assert.Equal("max_tokens", ((ArgumentException)ex).ParamName);
        }

        Assert.Equal(["/v1/model/info"], handler.Requests.Select(r => r.Uri.AbsolutePath));
    }

    private static FlockChatCompletionService Service(RecordingHandler handler)
    {
        var options = TestFlock.Options();
        options.ValidateAgainstModelInfo = true;
        return TestSk.Service(handler, options);
    }

    private static async Task SendAsync(FlockChatCompletionService service, string what, bool streaming, string model)
    {
        var history = what == "image"
            ? new ChatHistory([new ChatMessageContent(AuthorRole.User, [new TextContent("What is this?"), new ImageContent(new Uri("https://example.test/a.png")) { MimeType = "image/png" }])])
            : TestSk.History();
        var settings = new FlockPromptExecutionSettings { ModelId = model };
        Kernel? kernel = null;
        switch (what)
        {
            case "max_tokens":
                settings.MaxTokens = 101;
                break;
            case "schema":
                settings.ResponseFormat = typeof(Weather);
                break;
            case "kernel_function" or "kernel_function_not_invoked":
                kernel = new Kernel();
                kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "12:00", "now", "The time.")]);
                settings.FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: what == "kernel_function");
                break;
        }

        if (streaming)
        {
            await foreach (var _ in service.GetStreamingChatMessageContentsAsync(history, settings, kernel))
            {
            }
        }
        else
        {
            await service.GetChatMessageContentsAsync(history, settings, kernel);
        }
    }
}
