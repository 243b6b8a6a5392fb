using System.Text.Json;
using System.Text.Json.Nodes;
using Flock.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests;

/// <summary>
/// Structured output: <c>response_format</c> on the wire as OpenAI's chat API shapes it (<c>json_schema</c> with a name and a
/// schema, or <c>json_object</c>), from SK settings, prompt templates and MEAI, and the emulator's schema-satisfying answer
/// deserialized back into the type.
/// </summary>
public sealed class StructuredOutputTests : EmulatorTest
{
    public sealed record CityFact(string City, string Country, int Population, bool IsCapital, List<string> Landmarks);

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static ChatHistory History(string question)
    {
        var history = new ChatHistory("Answer in JSON.");
        history.AddUserMessage(question);
        return history;
    }

    /// <summary>The <c>json_schema</c> format sent, checked against the record: its name, every property typed, all required.</summary>
    private static JsonObject AssertCityFactSchemaFormat(JsonObject body, Func<string, string> propertyName)
    {
        var format = body["response_format"]!.AsObject();
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        var jsonSchema = format["json_schema"]!.AsObject();
        Assert.Equal("CityFact", jsonSchema["name"]!.GetValue<string>());
        var schema = jsonSchema["schema"]!.AsObject();
        Assert.Equal("object", TypeName(schema));
        var properties = schema["properties"]!.AsObject();
        Assert.Equal("string", TypeName(properties[propertyName("City")]!));
        Assert.Equal("string", TypeName(properties[propertyName("Country")]!));
        Assert.Equal("integer", TypeName(properties[propertyName("Population")]!));
        Assert.Equal("boolean", TypeName(properties[propertyName("IsCapital")]!));
        Assert.Equal("array", TypeName(properties[propertyName("Landmarks")]!));
        Assert.Equal("string", TypeName(properties[propertyName("Landmarks")]!["items"]!));
        Assert.Equal(
            new[] { "City", "Country", "Population", "IsCapital", "Landmarks" }.Select(propertyName).Order(),
            schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
        return schema;
    }

    /// <summary>"string", or the non-null member of a nullable type union such as ["string","null"].</summary>
    private static string TypeName(JsonNode schema) => schema["type"] switch
    {
        JsonValue v => v.GetValue<string>(),
        JsonArray a => a.Select(n => n!.GetValue<string>()).Single(t => t != "null"),
        _ => throw new Xunit.Sdk.XunitException($"no type in {schema.ToJsonString()}"),
    };

    private static void AssertSampled(CityFact? fact)
    {
        Assert.NotNull(fact);
        Assert.False(string.IsNullOrEmpty(fact.City));
        Assert.False(string.IsNullOrEmpty(fact.Country));
        Assert.NotNull(fact.Landmarks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_TypeResponseFormat_SendsJsonSchema_AnswerDeserializes(bool streaming)
    {
        var settings = new FlockPromptExecutionSettings { ResponseFormat = typeof(CityFact) };
        var service = SkService();

        string json;
        if (streaming)
        {
            var updates = await service.GetStreamingChatMessageContentsAsync(History("Tell me about Lisbon"), settings).ToListAsync();
            Assert.True(updates.Count(u => !string.IsNullOrEmpty(u.Content)) > 1, "the JSON should stream in pieces");
            json = string.Concat(updates.Select(u => u.Content));
        }
        else
        {
            json = (await service.GetChatMessageContentAsync(History("Tell me about Lisbon"), settings)).Content!;
        }

        var body = SingleChatBody();
        AssertCityFactSchemaFormat(body, static name => name);
        // SK's type schema uses the .NET property names (as SK's OpenAI connector does), so the default, case-sensitive
        // serializer SK code uses reads the answer; with camelCase names every property would silently stay null.
        Assert.Equal(["City", "Country", "IsCapital", "Landmarks", "Population"], JsonNode.Parse(json)!.AsObject().Select(p => p.Key).Order());
        AssertSampled(JsonSerializer.Deserialize<CityFact>(json));
        Assert.Equal(streaming, body["stream"]?.GetValue<bool>() ?? false);
    }

    [Fact]
    public async Task Sk_ScriptedJson_DeserializesIntoTheRecord()
    {
        Emulator.Enqueue(ScriptedReply.Json("""{"City":"Lisbon","Country":"Portugal","Population":545000,"IsCapital":true,"Landmarks":["Belem Tower","Alfama"]}"""));

        var answer = await SkService().GetChatMessageContentAsync(History("Tell me about Lisbon"), new FlockPromptExecutionSettings { ResponseFormat = typeof(CityFact) });

        var fact = JsonSerializer.Deserialize<CityFact>(answer.Content!)!;
        Assert.Equal(new CityFact("Lisbon", "Portugal", 545000, true, fact.Landmarks), fact);
        Assert.Equal(["Belem Tower", "Alfama"], fact.Landmarks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_JsonObject_SendsJsonObjectFormat_AnswerIsAnObject(bool streaming)
    {
        var settings = new FlockPromptExecutionSettings { ResponseFormat = "json_object" };
        var service = SkService();

        var json = streaming
            ? string.Concat((await service.GetStreamingChatMessageContentsAsync(History("Describe Lisbon"), settings).ToListAsync()).Select(u => u.Content))
            : (await service.GetChatMessageContentAsync(History("Describe Lisbon"), settings)).Content!;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"json_object"}"""), SingleChatBody()["response_format"]));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(json).RootElement.ValueKind);
    }

    [Fact]
    public async Task Sk_JsonElementSchema_SentAsJsonSchemaVerbatim_AnswerSatisfiesIt()
    {
        const string Schema = """
            {"type":"object","properties":{"answer":{"type":"string"},"score":{"type":"integer","minimum":3,"maximum":9},"tags":{"type":"array","items":{"type":"string","enum":["a","b"]}}},
             "required":["answer","score","tags"],"additionalProperties":false}
            """;
        var settings = new FlockPromptExecutionSettings { ResponseFormat = JsonDocument.Parse(Schema).RootElement };

        var answer = await SkService().GetChatMessageContentAsync(History("Rate Lisbon"), settings);

        var format = SingleChatBody()["response_format"]!;
        Assert.Equal("json_schema", format["type"]!.GetValue<string>());
        Assert.Equal("response", format["json_schema"]!["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(Schema), format["json_schema"]!["schema"]), format.ToJsonString());
        var result = JsonNode.Parse(answer.Content!)!.AsObject();
        Assert.Equal(["answer", "score", "tags"], result.Select(p => p.Key).Order());
        Assert.InRange(result["score"]!.GetValue<int>(), 3, 9);
    }

    [Fact]
    public async Task PromptTemplate_ExecutionSettingsResponseFormat_JsonObject()
    {
        // As a prompt template's execution_settings arrive: a plain PromptExecutionSettings whose ExtensionData values are JsonElements.
        var config = PromptTemplateConfig.FromJson("""
            {
              "name": "describe", "template": "Describe {{$city}} as JSON.",
              "execution_settings": { "default": { "response_format": "json_object", "temperature": 0.1 } }
            }
            """);
        var kernel = Kernel.CreateBuilder().AddFlockChatCompletion(Model, Emulator.ApiKey, Emulator.Endpoint).Build();

        var result = await kernel.InvokeAsync(KernelFunctionFactory.CreateFromPrompt(config), new KernelArguments { ["city"] = "Lisbon" });

        var body = SingleChatBody();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"json_object"}"""), body["response_format"]), body.ToJsonString());
        Assert.Equal(0.1, body["temperature"]!.GetValue<double>());
        Assert.Equal("Describe Lisbon as JSON.", body["messages"]![0]!["content"]!.GetValue<string>());
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(result.GetValue<string>()!).RootElement.ValueKind);
    }

    [Fact]
    public async Task Sk_ExtensionDataResponseFormat_JsonObject()
    {
        var settings = new PromptExecutionSettings { ExtensionData = new Dictionary<string, object> { ["response_format"] = "json_object" } };

        await SkService().GetChatMessageContentAsync(History("Describe Lisbon"), settings);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"json_object"}"""), SingleChatBody()["response_format"]));
    }

    [Fact]
    public async Task Meai_GetResponseAsyncOfT_SendsJsonSchema_AndReturnsTheObject()
    {
        IChatClient client = ChatClient();

        var response = await client.GetResponseAsync<CityFact>("Tell me about Lisbon");

        // MEAI's structured output serializes with its web defaults: camelCase names in the schema and in the answer.
        AssertCityFactSchemaFormat(SingleChatBody(), JsonNamingPolicy.CamelCase.ConvertName);
        Assert.True(response.TryGetResult(out var fact), response.Text);
        AssertSampled(fact);
        var direct = JsonSerializer.Deserialize<CityFact>(response.Text, Web)!;
        Assert.Equal((direct.City, direct.Country, direct.Population, direct.IsCapital), (fact.City, fact.Country, fact.Population, fact.IsCapital));
        Assert.Equal(direct.Landmarks, fact.Landmarks);
    }

    [Fact]
    public async Task Meai_GetResponseAsyncOfT_ScriptedJson()
    {
        Emulator.Enqueue(ScriptedReply.Json("""{"city":"Porto","country":"Portugal","population":232000,"isCapital":false,"landmarks":["Ribeira"]}"""));

        var fact = (await ChatClient().GetResponseAsync<CityFact>("Tell me about Porto")).Result;

        Assert.Equal(("Porto", "Portugal", 232000, false), (fact.City, fact.Country, fact.Population, fact.IsCapital));
        Assert.Equal(["Ribeira"], fact.Landmarks);
    }

    [Fact]
    public async Task Meai_Streaming_ForJsonSchema_AnswerDeserializes()
    {
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema<CityFact>() };

        var updates = await ChatClient().GetStreamingResponseAsync("Tell me about Lisbon", options).ToListAsync();

        Assert.True(updates.Count(u => u.Text.Length > 0) > 1, "the JSON should stream in pieces");
        AssertCityFactSchemaFormat(SingleChatBody(), JsonNamingPolicy.CamelCase.ConvertName);
        AssertSampled(JsonSerializer.Deserialize<CityFact>(updates.ToChatResponse().Text, Web));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Meai_ChatResponseFormatJson_SendsJsonObject(bool streaming)
    {
        var options = new ChatOptions { ResponseFormat = ChatResponseFormat.Json };
        IChatClient client = ChatClient();

        var text = streaming
            ? (await client.GetStreamingResponseAsync("Describe Lisbon", options).ToListAsync()).ToChatResponse().Text
            : (await client.GetResponseAsync("Describe Lisbon", options)).Text;

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"json_object"}"""), SingleChatBody()["response_format"]));
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(text).RootElement.ValueKind);
    }

    [Fact]
    public async Task Meai_ChatResponseFormatText_SendsText()
    {
        await ChatClient().GetResponseAsync("Hi", new ChatOptions { ResponseFormat = ChatResponseFormat.Text });

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"text"}"""), SingleChatBody()["response_format"]));
    }
}
