using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;
using Flock.Tests.Support;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.Agents;
using Microsoft.SemanticKernel.ChatCompletion;
using Meai = Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>
/// What SK users put in a chat history or settings reaches the wire in its documented form, or is refused before anything
/// is sent: attachments, image detail levels, strict schemas, concurrent function invocation.
/// </summary>
public sealed class NothingLostTests
{
    public static TheoryData<bool> Streaming => new(false, true);

    private static readonly byte[] Png = [137, 80, 78, 71];

    public static TheoryData<string, string> Refused => new()
    {
        { "audio", "audio/wav" },
        { "pdf", "application/pdf" },
        { "linked csv", "text/csv" },
        { "untyped bytes", "binary data of no media type" },
        { "file reference", "'file-123'" },
        { "action", "ActionContent" },
        { "nested message", "ChatMessageContent" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Content_with_no_form_on_flocks_wire_is_refused_naming_what_it_is_and_nothing_is_sent(string what, string named)
    {
        KernelContent item = what switch
        {
            "audio" => new AudioContent(new byte[] { 1, 2, 3 }, "audio/wav"),
            "pdf" => new BinaryContent(new byte[] { 1, 2, 3 }, "application/pdf"),
            "linked csv" => new BinaryContent(new Uri("https://example.test/data.csv")) { MimeType = "text/csv" },
            "untyped bytes" => new BinaryContent(new byte[] { 1, 2, 3 }, null),
            "file reference" => new FileReferenceContent("file-123"),
            "action" => new ActionContent("approve"),
            _ => new ChatMessageContent(AuthorRole.User, "inner"),
        };
        var history = new ChatHistory([new ChatMessageContent(AuthorRole.User, [new TextContent("Look at this"), item])]);

        foreach (var streaming in new[] { false, true })
        {
            var handler = new RecordingHandler();
            var service = TestSk.Service(handler);
            var ex = await Assert.ThrowsAsync<NotSupportedException>(async () =>
            {
                if (streaming)
                {
                    await foreach (var _ in service.GetStreamingChatMessageContentsAsync(history))
                    {
                    }
                }
                else
                {
                    await service.GetChatMessageContentsAsync(history);
                }
            });

            Assert.Contains(named, ex.Message);
            Assert.Contains("nothing was sent", ex.Message);
            Assert.Empty(handler.Requests);
        }
    }

    [Theory]
    [MemberData(nameof(Streaming))]
    public async Task An_image_detail_level_is_sent_as_image_url_detail_through_both_adapters(bool streaming)
    {
        var sk = new ChatHistory([new ChatMessageContent(AuthorRole.User,
        [
            new TextContent("Compare"),
            new ImageContent(new Uri("https://example.test/cat.png")) { MimeType = "image/png", Metadata = new Dictionary<string, object?> { ["ChatImageDetailLevel"] = "Low" } },
            new ImageContent(Png, "image/png") { Metadata = new Dictionary<string, object?> { ["ChatImageDetailLevel"] = OpenAI.Chat.ChatImageDetailLevel.High } },
        ])]);
        Meai.ChatMessage[] meai =
        [
            new(Meai.ChatRole.User,
            [
                new Meai.TextContent("Compare"),
                new Meai.UriContent("https://example.test/cat.png", "image/png") { AdditionalProperties = new() { ["detail"] = "low" } },
                new Meai.DataContent(Png, "image/png") { AdditionalProperties = new() { ["detail"] = "high" } },
            ]),
        ];

        var skBody = await TestSk.SkBodyAsync(null, streaming, sk);
        var meaiBody = await Calls.MeaiBodyAsync(null, streaming, meai);

        var stream = streaming ? """ ,"stream": true, "stream_options": {"include_usage": true} """ : "";
        JsonAssert.Equal($$$"""
            {"model":"qwen3-30b-a3b-instruct-2507","messages":[{"role":"user","content":[
              {"type":"text","text":"Compare"},
              {"type":"image_url","image_url":{"url":"https://example.test/cat.png","detail":"low"}},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw==","detail":"high"}}]}]{{{stream}}}}
            """, skBody);
        JsonAssert.Equal(meaiBody, skBody);
    }

    [Fact]
    public async Task An_unknown_detail_level_is_refused_naming_the_key_and_the_levels()
    {
        var handler = new RecordingHandler();
        var history = new ChatHistory([new ChatMessageContent(AuthorRole.User,
            [new ImageContent(Png, "image/png") { Metadata = new Dictionary<string, object?> { ["ChatImageDetailLevel"] = "ultra" } }])]);

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => TestSk.Service(handler).GetChatMessageContentsAsync(history));

        Assert.Equal("ChatImageDetailLevel", ex.ParamName);
        Assert.Contains("low, high or auto", ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Binary_content_of_an_image_type_is_an_image_and_citations_are_not_conversation()
    {
        var history = new ChatHistory(
        [
            new ChatMessageContent(AuthorRole.User, [new TextContent("What is this?"), new BinaryContent(Png, "image/png")]),
            new ChatMessageContent(AuthorRole.Assistant, [new TextContent("A chart [1]."), new AnnotationContent(AnnotationKind.UrlCitation, "[1]", "https://example.test/source")]),
        ]);

        var body = await TestSk.SkBodyAsync(null, streaming: false, history);

        JsonAssert.Equal("""
            {"model":"qwen3-30b-a3b-instruct-2507","messages":[
              {"role":"user","content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw=="}}]},
              {"role":"assistant","content":"A chart [1]."}]}
            """, body);
    }

    private static JsonElement TripSchema() =>
        JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""").RootElement.Clone();

    private const string StrictTripFormat = """
        {"type":"json_schema","json_schema":{"name":"response","strict":true,"schema":
          {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city","days"],"additionalProperties":false}}}
        """;

    [Theory]
    [InlineData("strictJsonSchema")]
    [InlineData("strict")]
    [InlineData("typed")]
    public async Task Strictness_in_sk_settings_makes_the_json_schema_strict_and_is_never_a_body_field(string how)
    {
        var settings = new FlockPromptExecutionSettings { ResponseFormat = TripSchema() };
        if (how == "typed")
        {
            settings.StrictJsonSchema = true;
        }
        else
        {
            settings.ExtensionData = new Dictionary<string, object> { [how] = true };
        }

        var body = await TestSk.SkBodyAsync(settings, streaming: false);

        JsonAssert.Equal(Calls.Body($$""" "response_format": {{StrictTripFormat}} """), body);
    }

    private static Kernel TripKernel()
    {
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Trips", [KernelFunctionFactory.CreateFromMethod((string city, int days = 3) => $"{city} for {days} days", "plan", "Plans a trip.")]);
        return kernel;
    }

    private const string StrictPlanTool = """
        {"type":"function","function":{"name":"Trips_plan","description":"Plans a trip.","strict":true,"parameters":
          {"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer","description":"(default value: 3)"}},"required":["city","days"],"additionalProperties":false}}}
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Strict_schema_adherence_makes_the_functions_strict_but_not_the_response_format(bool autoInvoke)
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var settings = new FlockPromptExecutionSettings
        {
            ResponseFormat = TripSchema(),
            FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(autoInvoke: autoInvoke, options: new() { AllowStrictSchemaAdherence = true }),
        };

        await TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History(), settings, TripKernel());

        JsonAssert.Equal(Calls.Body($$$"""
            "response_format": {"type":"json_schema","json_schema":{"name":"response","schema":{{{TripSchema().GetRawText()}}}}},
            "tools": [{{{StrictPlanTool}}}], "tool_choice": "auto"
            """), handler.SingleRequest.Body);
    }

    [Fact]
    public async Task Strictness_in_settings_applies_to_kernel_functions_too()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        var settings = new FlockPromptExecutionSettings { StrictJsonSchema = true, FunctionChoiceBehavior = FunctionChoiceBehavior.Auto() };

        await TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History(), settings, TripKernel());

        JsonAssert.Equal(Calls.Body($$""" "tools": [{{StrictPlanTool}}], "tool_choice": "auto" """), handler.SingleRequest.Body);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Allowing_concurrent_invocation_runs_a_rounds_calls_together(bool concurrently)
    {
        // With concurrent invocation "first" waits for "second" to start, which it does while "first" waits; without, "first"
        // runs alone and "second" starts after it.
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new List<string>();
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Steps",
        [
            KernelFunctionFactory.CreateFromMethod(async () =>
            {
                lock (log) { log.Add("first started"); }
                // Concurrently, "second" starts as soon as "first" awaits: the wait ends at once. The limit only bounds a
                // regression (one after the other, "second" would never start while "first" waits).
                var overlapped = concurrently
                    ? await secondStarted.Task.WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(static t => t.IsCompletedSuccessfully, TaskScheduler.Default)
                    : secondStarted.Task.IsCompleted;
                lock (log) { log.Add(overlapped ? "first saw second running" : "first ran alone"); }
                return "1";
            }, "first"),
            KernelFunctionFactory.CreateFromMethod(() =>
            {
                lock (log) { log.Add("second started"); }
                secondStarted.TrySetResult();
                return "2";
            }, "second"),
        ]);
        var handler = new RecordingHandler()
            .EnqueueJson("""
                {"id":"c1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
                  {"id":"call_1","type":"function","function":{"name":"Steps_first","arguments":"{}"}},
                  {"id":"call_2","type":"function","function":{"name":"Steps_second","arguments":"{}"}}]},"finish_reason":"tool_calls"}]}
                """)
            .EnqueueJson(TestFiles.Read("completion.json"));
        var settings = new FlockPromptExecutionSettings
        {
            FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(options: new() { AllowConcurrentInvocation = concurrently, AllowParallelCalls = true }),
        };

        await TestSk.Service(handler).GetChatMessageContentsAsync(TestSk.History(), settings, kernel);

        Assert.Equal(
            concurrently ? ["first started", "second started", "first saw second running"] : ["first started", "first ran alone", "second started"],
            log);
        Assert.Contains("\"parallel_tool_calls\":true", handler.Requests[0].Body);
    }
}
