using System.Net;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>The catalogue's pre-flight checks, streaming or not: refusals raised before a chat request is sent.</summary>
public sealed class PreflightTests
{
    // A model that rules everything out (output limit 100, no vision, tools or schemas) and one whose limits are unknown.
    private static readonly string Catalogue = TestFiles.Read("model-info-preflight.json");

    public static TheoryData<string> Refusals => ["max_tokens", "image", "tools", "schema"];

    public static TheoryData<string, bool> RefusalsStreamingOrNot =>
        new() { { "max_tokens", false }, { "image", false }, { "tools", false }, { "schema", false }, { "max_tokens", true }, { "image", true }, { "tools", true }, { "schema", true } };

    [Theory]
    [MemberData(nameof(RefusalsStreamingOrNot))]
    public async Task What_the_catalogue_rules_out_is_refused_before_anything_is_sent(string what, bool streaming)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue);
        IChatClient client = Client(handler, validate: true);

        var ex = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(Messages(what), Options(what)))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(Messages(what), Options(what));
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
    public async Task Unknown_capabilities_and_unknown_models_are_allowed(string what)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue).EnqueueJson(TestFiles.Read("completion.json"));
        IChatClient client = Client(handler, validate: true);
        var options = Options(what);
        options.ModelId = "open-model";

        await client.GetResponseAsync(Messages(what), options);

        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task Without_the_option_nothing_is_checked_and_no_catalogue_is_fetched()
    {
        var handler = new RecordingHandler().EnqueueJson(TestFiles.Read("completion.json"));
        IChatClient client = Client(handler, validate: false);

        await client.GetResponseAsync(Messages("tools"), Options("tools"));

        Assert.Equal("/v1/chat/completions", handler.SingleRequest.Uri.AbsolutePath);
    }

    [Fact]
    public async Task The_catalogue_is_fetched_once_and_an_unreadable_catalogue_lets_calls_through()
    {
        var handler = new RecordingHandler()
            .Enqueue(HttpStatusCode.InternalServerError, """{"error":{"message":"catalogue down"}}""")
            .EnqueueJson(TestFiles.Read("completion.json"))
            .EnqueueJson(Catalogue)
            .EnqueueJson(TestFiles.Read("completion.json"))
            .EnqueueJson(TestFiles.Read("completion.json"));
        IChatClient client = Client(handler, validate: true);

        await client.GetResponseAsync(Calls.Messages());   // catalogue fails: allowed
        await client.GetResponseAsync(Calls.Messages());   // catalogue fetched now
        await client.GetResponseAsync(Calls.Messages());   // cached

        Assert.Equal(
            ["/v1/model/info", "/v1/chat/completions", "/v1/model/info", "/v1/chat/completions", "/v1/chat/completions"],
            handler.Requests.Select(r => r.Uri.AbsolutePath));
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_model_whose_capabilities_are_unknown_streams_as_usual(string what)
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue).EnqueueSse(TestFiles.Read("stream-text.sse"));
        IChatClient client = Client(handler, validate: true);
        var options = Options(what);
        options.ModelId = "open-model";

        var updates = await client.GetStreamingResponseAsync(Messages(what), options).ToListAsync();

        Assert.NotEmpty(updates.ToChatResponse().Text);
        Assert.Equal(["/v1/model/info", "/v1/chat/completions"], handler.Requests.Select(r => r.Uri.AbsolutePath));
    }

    private static IChatClient Client(RecordingHandler handler, bool validate)
    {
        var options = TestFlock.Options();
        options.ValidateAgainstModelInfo = validate;
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
