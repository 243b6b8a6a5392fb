using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>The catalogue's pre-flight checks on a streaming call: the same refusals, raised before a chat request is sent.</summary>
public sealed class PreflightStreamingTests
{
    private const string Catalogue = """
        {"data":[
          {"model_name":"qwen3-30b-a3b-instruct-2507","model_info":{"max_output_tokens":100,"supports_vision":false,
            "supports_function_calling":false,"supports_response_schema":false}},
          {"model_name":"open-model","model_info":{"max_output_tokens":null}}
        ]}
        """;

    public static TheoryData<string> Refusals => ["max_tokens", "image", "tools", "schema"];

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task What_the_catalogue_rules_out_is_refused_before_a_stream_is_requested(string what)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue);
        IChatClient client = Client(handler);

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Messages(what), Options(what)))
            {
            }
        });

        Assert.Equal(what == "max_tokens" ? typeof(ArgumentOutOfRangeException) : typeof(NotSupportedException), ex.GetType());
        Assert.Contains("qwen3-30b-a3b-instruct-2507", ex.Message);
        Assert.Equal(["/v1/model/info"], handler.Requests.Select(r => r.Uri.AbsolutePath));
        if (what == "max_tokens")
        {
            Assert.Equal("max_tokens", ((ArgumentException)ex).ParamName);
            Assert.Contains("at most 100", ex.Message);
        }
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_model_whose_capabilities_are_unknown_streams_as_usual(string what)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue).EnqueueSse(TestFiles.Read("stream-text.sse"));
        IChatClient client = Client(handler);
        var options = Options(what);
        options.ModelId = "open-model";

        var updates = await client.GetStreamingResponseAsync(Messages(what), options).ToListAsync();

        Assert.NotEmpty(updates.ToChatResponse().Text);
        Assert.Equal(["/v1/model/info", "/v1/chat/completions"], handler.Requests.Select(r => r.Uri.AbsolutePath));
    }

    private static IChatClient Client(RecordingHandler handler)
    {
        var options = TestFlock.Options();
        options.ValidateAgainstModelInfo = true;
        return new FlockChatClient(new FlockClient(options, new HttpClient(handler)));
    }

    private static ChatMessage[] Messages(string what) => what == "image"
        ? [new ChatMessage(ChatRole.User, [new TextContent("What is this?"), new UriContent("https://example.test/a.png", "image/png")])]
        : Calls.Messages();

    private static ChatOptions Options(string what) => what switch
    {
        "max_tokens" => new ChatOptions { MaxOutputTokens = 101 },
        "tools" => new ChatOptions { Tools = [AIFunctionFactory.Create(() => "ok", "noop")] },
        "schema" => new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(JsonDocument.Parse("""{"type":"object"}""").RootElement, "x") },
        _ => new ChatOptions(),
    };
}
