using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Flock.Extensions.AI.Http;
using Flock.Extensions.AI.Wire;

namespace Flock.Extensions.AI.Tests.Wire;

/// <summary>
/// The request body is written by hand (<see cref="ChatRequestWriter"/>) for speed: it must be the very bytes the
/// source-generated serializer writes for the same request, whichever properties are set, including ones added later.
/// </summary>
public sealed class ChatRequestWriterTests
{
    [Fact]
    public void A_request_with_every_property_set_is_written_as_the_serializer_writes_it()
    {
        var request = new ChatRequest();
        foreach (var property in BodyProperties())
        {
            property.SetValue(request, SampleOf(property.PropertyType));
        }

        request.Extra = new()
        {
            ["guided_json"] = Json("""{"type":"object","properties":{"a":{"type":"integer"}}}"""),
            ["quote\"d key é"] = Json("""[1,-2.5e-7,"x",null,true]"""),
        };

        // Every body property is set, so a property added later without a line in the writer fails here.
        Assert.All(BodyProperties(), property => Assert.NotNull(property.GetValue(request)));
        AssertSameBytes(request);
    }

    [Fact]
    public void A_bare_request_and_one_with_falsy_values_are_written_as_the_serializer_writes_them()
    {
        AssertSameBytes(new ChatRequest());
        AssertSameBytes(new ChatRequest { Model = "m", Messages = [], Stream = false, Temperature = 0, N = 0, Seed = -1, Stop = [], Logprobs = false, Extra = [] });
    }

    [Fact]
    public void Each_property_alone_is_written_as_the_serializer_writes_it()
    {
        foreach (var property in BodyProperties())
        {
            var request = new ChatRequest();
            property.SetValue(request, SampleOf(property.PropertyType));
            AssertSameBytes(request);
        }
    }

    [Fact]
    public void Messages_tool_calls_and_stream_options_with_each_property_set_are_written_as_the_serializer_writes_them()
    {
        // The writer writes these itself; a property added to one of them later without a line in the writer fails here.
        foreach (var property in BodyPropertiesOf(typeof(RequestMessage)))
        {
            var message = new RequestMessage();
            property.SetValue(message, NestedSampleOf(property.PropertyType));
            AssertSameBytes(new ChatRequest { Messages = [message] });
        }

        foreach (var property in BodyPropertiesOf(typeof(ToolCall)))
        {
            var call = new ToolCall();
            property.SetValue(call, NestedSampleOf(property.PropertyType));
            AssertSameBytes(new ChatRequest { Messages = [new() { Role = "assistant", ToolCalls = [call] }] });
        }

        foreach (var property in BodyPropertiesOf(typeof(FunctionCall)))
        {
            var function = new FunctionCall();
            property.SetValue(function, NestedSampleOf(property.PropertyType));
            AssertSameBytes(new ChatRequest { Messages = [new() { Role = "assistant", ToolCalls = [new() { Function = function }] }] });
        }

        AssertSameBytes(new ChatRequest { StreamOptions = new() });
        AssertSameBytes(new ChatRequest { StreamOptions = new() { IncludeUsage = false } });
        AssertSameBytes(new ChatRequest { StreamOptions = new() { Extra = new() { ["continuous_usage_stats"] = Json("true"), ["quote\"d"] = Json("[1]") } } });
        AssertSameBytes(new ChatRequest { Messages = [new() { Role = "user", Content = MessageContent.FromText("") }, new() { Role = "user", Content = MessageContent.FromParts([]) }] });
    }

    private static object NestedSampleOf(Type type) => type switch
    {
        _ when type == typeof(MessageContent?) => MessageContent.FromText(Awkward),
        _ when type == typeof(List<ToolCall>) => new List<ToolCall> { new() { Index = 0, Id = "call_1", Type = "function", Function = new() { Name = "f", Arguments = Awkward } } },
        _ when type == typeof(FunctionCall) => new FunctionCall { Name = "f", Arguments = Awkward },
        _ => SampleOf(type),
    };

    private static IEnumerable<PropertyInfo> BodyPropertiesOf(Type type) =>
        type.GetProperties().Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null);

    private static void AssertSameBytes(ChatRequest request)
    {
        using var expected = PooledJsonBody.Create(request, FlockJsonContext.Default.ChatRequest);
        using var actual = PooledJsonBody.Create(request);
        Assert.Equal(Encoding.UTF8.GetString(expected.Memory.Span), Encoding.UTF8.GetString(actual.Memory.Span));
    }

    private static IEnumerable<PropertyInfo> BodyProperties() =>
        typeof(ChatRequest).GetProperties().Where(p => p.GetCustomAttribute<JsonPropertyNameAttribute>() is not null);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    private const string Awkward = "a \"quoted\" <tag> & é \u2028 \\ /\n";

    private static object SampleOf(Type type) => type switch
    {
        _ when type == typeof(string) => Awkward,
        _ when type == typeof(bool?) => true,
        _ when type == typeof(int?) => 7,
        _ when type == typeof(long?) => 9_007_199_254_740_993L,
        _ when type == typeof(double?) => 0.1,
        _ when type == typeof(JsonElement?) => Json("""{"type":"function","function":{"name":"f"},"weights":[0.5,1e300]}"""),
        _ when type == typeof(IDictionary<string, int>) => new Dictionary<string, int> { ["50256"] = -100, ["13"] = 5 },
        _ when type == typeof(IList<string>) => new List<string> { "\n", "END", Awkward },
        _ when type == typeof(Dictionary<string, JsonElement>) => new Dictionary<string, JsonElement> { ["enable_thinking"] = Json("false") },
        _ when type == typeof(StreamOptions) => new StreamOptions { IncludeUsage = true, Extra = new() { ["continuous_usage_stats"] = Json("true") } },
        _ when type == typeof(List<RequestTool>) =>
            new List<RequestTool>
            {
                new() { Function = new() { Name = "get_weather", Description = Awkward, Parameters = Json("""{"type":"object"}"""), Strict = true } },

                // A frozen tool (a kernel function's) is copied as the bytes it was written to once.
                new RequestTool { Function = new() { Name = "Clock-Now", Description = Awkward, Parameters = Json("""{"type":"object","properties":{"tz":{"type":"string","description":"é \u2028"}}}""") } }.Freeze(),
            },
        _ when type == typeof(List<RequestMessage>) => new List<RequestMessage>
        {
            new() { Role = "system", Content = MessageContent.FromText(Awkward) },
            new()
            {
                Role = "user",
                Name = "ana",
                Content = MessageContent.FromParts([new() { Text = "look" }, new() { Type = "image_url", ImageUrl = new() { Url = "data:image/png;base64,iVBORw0KGgo=", Detail = "low" } }]),
            },
            new()
            {
                Role = "assistant",
                ReasoningContent = "thinking",
                ToolCalls = [new() { Id = "call_1", Type = "function", Function = new() { Name = "get_weather", Arguments = """{"city":"Paris"}""" } }],
            },
            new() { Role = "tool", ToolCallId = "call_1", Content = MessageContent.FromText("sunny") },
        },
        _ => throw new InvalidOperationException($"No sample for {type}: add one, and a line to ChatRequestWriter for the new property."),
    };
}
