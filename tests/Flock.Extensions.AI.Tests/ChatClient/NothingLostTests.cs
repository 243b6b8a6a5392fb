using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>Attachments, image detail and strict schemas: sent in their documented form, or refused before anything is sent.</summary>
public sealed class NothingLostTests
{
    [Theory]
    [InlineData("audio/wav")]
    [InlineData("application/pdf")]
    [InlineData("text/csv")]
    [InlineData("video/mp4")]
    public async Task Non_image_data_is_refused_naming_its_media_type_and_nothing_is_sent(string mediaType)
    {
        var handler = new RecordingHandler();
        IChatClient client = TestFlock.ChatClient(handler);
        var message = new ChatMessage(ChatRole.User, [new TextContent("Summarise this"), new DataContent(new byte[] { 1, 2, 3 }, mediaType)]);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync([message]));

        Assert.Contains(mediaType, ex.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Non_image_links_and_hosted_files_are_refused_too()
    {
        var handler = new RecordingHandler();
        IChatClient client = TestFlock.ChatClient(handler);

        var link = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new UriContent("https://example.test/report.pdf", "application/pdf")])]));
        var hosted = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new HostedFileContent("file-123")])]));

        Assert.Contains("application/pdf", link.Message);
        Assert.Contains("HostedFileContent", hosted.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task An_image_detail_level_is_sent_as_image_url_detail()
    {
        var image = new UriContent("https://example.test/cat.png", "image/png") { AdditionalProperties = new() { ["detail"] = "low" } };
        var data = new DataContent(new byte[] { 137, 80, 78, 71 }, "image/png") { AdditionalProperties = new() { ["detail"] = "high" } };

        var body = await Calls.MeaiBodyAsync(null, streaming: false, [new ChatMessage(ChatRole.User, [new TextContent("Compare"), image, data])]);

        JsonAssert.Equal("""
            {"model":"qwen3-30b-a3b-instruct-2507","messages":[{"role":"user","content":[
              {"type":"text","text":"Compare"},
              {"type":"image_url","image_url":{"url":"https://example.test/cat.png","detail":"low"}},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw==","detail":"high"}}]}]}
            """, body);
    }

    [Theory]
    [InlineData("strictJsonSchema")]
    [InlineData("strict")]
    public async Task Strictness_is_never_a_body_field_but_makes_the_json_schema_strict(string key)
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"},"days":{"type":"integer"}},"required":["city"]}""").RootElement;
        var options = new ChatOptions
        {
            ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "trip"),
            AdditionalProperties = new() { [key] = true },
        };

        var body = JsonDocument.Parse(await Calls.MeaiBodyAsync(options, streaming: false)).RootElement;

        Assert.False(body.TryGetProperty(key, out _));
        var format = body.GetProperty("response_format").GetProperty("json_schema");
        Assert.True(format.GetProperty("strict").GetBoolean());
        Assert.Equal("trip", format.GetProperty("name").GetString());
        Assert.False(format.GetProperty("schema").GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["city", "days"], format.GetProperty("schema").GetProperty("required").EnumerateArray().Select(e => e.GetString()).Order());
    }

    [Fact]
    public async Task Without_strictness_schemas_go_as_written()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"city":{"type":"string"}}}""").RootElement;

        var body = JsonDocument.Parse(await Calls.MeaiBodyAsync(new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(schema, "trip") }, streaming: false)).RootElement;

        var format = body.GetProperty("response_format").GetProperty("json_schema");
        Assert.False(format.TryGetProperty("strict", out _));
        Assert.Equal(schema.GetRawText(), format.GetProperty("schema").GetRawText());
    }

    [Fact]
    public async Task A_strict_function_says_strict_and_has_a_strict_schema_while_others_stay_as_they_are()
    {
        var strict = AIFunctionFactory.Create((string city, int days) => "ok", new AIFunctionFactoryOptions
        {
            Name = "plan",
            AdditionalProperties = new Dictionary<string, object?> { ["strictJsonSchema"] = true },
        });
        var loose = AIFunctionFactory.Create((string city, int days = 3) => "ok", "loose");

        var body = JsonDocument.Parse(await Calls.MeaiBodyAsync(new ChatOptions { Tools = [strict, loose] }, streaming: false)).RootElement;

        var tools = body.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToList();
        Assert.True(tools[0].GetProperty("strict").GetBoolean());
        Assert.False(tools[0].GetProperty("parameters").GetProperty("additionalProperties").GetBoolean());
        Assert.False(tools[1].TryGetProperty("strict", out _));
        Assert.Equal(["city"], tools[1].GetProperty("parameters").GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task Strictness_in_the_options_applies_to_every_function_unless_one_says_otherwise()
    {
        var optOut = AIFunctionFactory.Create((string city) => "ok", new AIFunctionFactoryOptions
        {
            Name = "relaxed",
            AdditionalProperties = new Dictionary<string, object?> { ["strict"] = false },
        });
        var plain = AIFunctionFactory.Create((string city) => "ok", "plain");
        var options = new ChatOptions { Tools = [optOut, plain], AdditionalProperties = new() { ["strictJsonSchema"] = true } };

        var body = JsonDocument.Parse(await Calls.MeaiBodyAsync(options, streaming: false)).RootElement;

        var tools = body.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToList();
        Assert.False(tools[0].TryGetProperty("strict", out _));
        Assert.True(tools[1].GetProperty("strict").GetBoolean());
        Assert.False(body.TryGetProperty("strictJsonSchema", out _));
    }

    [Fact]
    public async Task Options_only_a_stateful_or_hosted_service_can_honour_are_refused_before_sending()
    {
        var handler = new RecordingHandler();
        IChatClient client = TestFlock.ChatClient(handler);

        var conversation = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(Calls.Messages(), new ChatOptions { ConversationId = "conv-1" }));
        var hosted = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(Calls.Messages(), new ChatOptions { Tools = [new HostedWebSearchTool()] }));

        Assert.Contains("ConversationId", conversation.Message);
        Assert.Contains("HostedWebSearchTool", hosted.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Allowing_background_responses_is_honoured_by_answering_in_the_foreground()
    {
        var body = await Calls.MeaiBodyAsync(new ChatOptions { AllowBackgroundResponses = true }, streaming: false);

        JsonAssert.Equal(Calls.Body(""), body);
    }

    [Fact]
    public async Task Content_with_no_form_on_the_wire_is_refused_and_bookkeeping_content_is_skipped()
    {
        var handler = new RecordingHandler();
        IChatClient client = TestFlock.ChatClient(handler);

        var ex = await Assert.ThrowsAsync<NotSupportedException>(() => client.GetResponseAsync(
            [new ChatMessage(ChatRole.User, [new TextContent("Search"), new HostedVectorStoreContent("vs-1")])]));
        Assert.Contains("HostedVectorStoreContent", ex.Message);
        Assert.Empty(handler.Requests);

        var body = await Calls.MeaiBodyAsync(null, streaming: false,
            [new ChatMessage(ChatRole.User, [new TextContent("Hi"), new UsageContent(new UsageDetails()), new ErrorContent("earlier failure")])]);
        JsonAssert.Equal(Calls.Body(""), body);
    }
}
