using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

public sealed class EndpointTests : EmulatorTestBase
{
    [Fact]
    public void EndpointIsLoopbackV1WithoutTrailingSlash()
    {
        Assert.Equal("http", Emulator.Endpoint.Scheme);
        Assert.Equal("127.0.0.1", Emulator.Endpoint.Host);
        Assert.True(Emulator.Endpoint.Port > 0);
        Assert.Equal("/v1", Emulator.Endpoint.AbsolutePath);
        Assert.EndsWith("/v1", Emulator.Endpoint.ToString());
        Assert.Equal("sk-flock-emulator", Emulator.ApiKey);
    }

    [Fact]
    public async Task ModelsListsTheConfiguredModels()
    {
        using var response = await GetAsync("models");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("list", (string?)body["object"]);
        var data = body["data"]!.AsArray();
        Assert.Equal(FlockEmulatorOptions.DefaultModels, data.Select(m => (string)m!["id"]!));
        Assert.All(data, m =>
        {
            Assert.Equal("model", (string?)m!["object"]);
            Assert.Equal(1677610602, (long)m["created"]!);
            Assert.Equal("openai", (string?)m["owned_by"]);
        });
    }

    [Fact]
    public async Task ModelInfoIsServedUnderTheEndpointAndAtTheRootLikeModels()
    {
        using var underEndpoint = await GetAsync("model/info");
        var root = new HttpRequestMessage(HttpMethod.Get, new Uri(Emulator.Endpoint.GetLeftPart(UriPartial.Authority) + "/model/info"));
        root.Headers.Add("x-litellm-api-key", Emulator.ApiKey);
        using var atRoot = await Http.SendAsync(root);

        Assert.Equal(200, (int)underEndpoint.StatusCode);
        Assert.Equal(200, (int)atRoot.StatusCode);
        Assert.Equal(await underEndpoint.Content.ReadAsStringAsync(), await atRoot.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ImagesReturnAValidPng()
    {
        using var response = await PostAsync("images/generations", """{"prompt":"a red fox","n":2}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        var data = body["data"]!.AsArray();
        Assert.Equal(2, data.Count);
        var png = Convert.FromBase64String((string)data[0]!["b64_json"]!);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
        Assert.Equal("a red fox", (string?)data[0]!["revised_prompt"]);
        Assert.NotEqual((string?)data[0]!["b64_json"], (string?)data[1]!["b64_json"]);
    }

    [Fact]
    public async Task ImagesUrlFormIsADataUri()
    {
        using var response = await PostAsync("images/generations", """{"prompt":"x","response_format":"url","size":"256x256"}""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("data:image/png;base64,", (string)body["data"]![0]!["url"]!);
    }

    [Theory]
    [InlineData("""{"n":1}""", "prompt")]
    [InlineData("""{"prompt":"x","n":11}""", "n")]
    [InlineData("""{"prompt":"x","response_format":"gif"}""", "response_format")]
    [InlineData("""{"prompt":"x","size":"big"}""", "size")]
    public async Task BadImageRequestsAre400(string json, string param)
    {
        var (status, error) = await ErrorAsync(json, "images/generations");
        Assert.Equal(400, status);
        Assert.Equal(param, (string?)error["param"]);
    }

    [Fact]
    public async Task ScriptedErrorsApplyToImagesToo()
    {
        Emulator.Enqueue(ScriptedReply.Error(500, "image backend down"));
        var (status, error) = await ErrorAsync("""{"prompt":"x"}""", "images/generations");
        Assert.Equal(500, status);
        Assert.Equal("image backend down", (string?)error["message"]);
    }

    [Fact]
    public async Task UnknownPathIs404InErrorShape()
    {
        using var response = await GetAsync("embeddings/nothing");
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("404", (string?)error["code"]);
    }

    [Fact]
    public async Task WrongMethodIs405()
    {
        using var response = await GetAsync("chat/completions");
        Assert.Equal(405, (int)response.StatusCode);
    }

    [Fact]
    public async Task PathWithoutV1PrefixIsServedLikeTheProxy()
    {
        var url = new Uri(Emulator.Endpoint.GetLeftPart(UriPartial.Authority) + "/chat/completions");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(Body()) };
        request.Headers.Add("x-litellm-api-key", Emulator.ApiKey);
        using var response = await Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task EveryRequestIsRecordedInOrderBeforeAuthAndValidation()
    {
        await PostAsync("chat/completions", Body(content: "first"), sendKey: false);
        await PostAsync("chat/completions", "{broken");
        var request = new HttpRequestMessage(HttpMethod.Get, Url("models"));
        request.Headers.Add("x-litellm-api-key", Emulator.ApiKey);
        request.Headers.Add("X-Custom", "42");
        await Http.SendAsync(request);

        var recorded = Emulator.Requests;
        Assert.Equal(3, recorded.Count);
        Assert.Equal(("POST", "/v1/chat/completions"), (recorded[0].Method, recorded[0].Path));
        Assert.Equal("first", (string?)recorded[0].Json!["messages"]![0]!["content"]);
        Assert.Null(recorded[0].Header("x-litellm-api-key"));
        Assert.Equal("{broken", recorded[1].Body);
        Assert.Null(recorded[1].Json);
        Assert.Equal(Emulator.ApiKey, recorded[1].Headers["X-LiteLLM-API-Key"]);
        Assert.Equal(("GET", "/v1/models"), (recorded[2].Method, recorded[2].Path));
        Assert.Equal("42", recorded[2].Header("x-custom"));
        Assert.Equal("", recorded[2].Body);

        Emulator.ClearRequests();
        Assert.Empty(Emulator.Requests);
    }

    [Fact]
    public async Task ConcurrentRequestsAreAllRecorded()
    {
        await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => ChatAsync(Body())));
        Assert.Equal(20, Emulator.Requests.Count);
    }
}

public sealed class EmulatorLifecycleTests
{
    [Fact]
    public async Task ManyEmulatorsStartSideBySideOnDistinctPorts()
    {
        var emulators = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => FlockEmulator.StartAsync()));
        try
        {
            Assert.Equal(5, emulators.Select(e => e.Endpoint.Port).Distinct().Count());
        }
        finally
        {
            foreach (var emulator in emulators)
            {
                await emulator.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task DisposedEmulatorRefusesConnections()
    {
        var emulator = await FlockEmulator.StartAsync();
        var endpoint = emulator.Endpoint;
        await emulator.DisposeAsync();
        await emulator.DisposeAsync();

        using var http = new HttpClient();
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(endpoint + "/models"));
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("0.0.0.0")]
    public async Task NonLoopbackHostNeedsExplicitOptIn(string host)
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => FlockEmulator.StartAsync(new FlockEmulatorOptions { Host = host }));
        Assert.Contains("loopback", ex.Message);
    }

    [Fact]
    public async Task LocalhostAndIpv6LoopbackAreAllowed()
    {
        await using var local = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Host = "localhost" });
        Assert.Equal("127.0.0.1", local.Endpoint.Host);

        await using var v6 = await FlockEmulator.StartAsync(new FlockEmulatorOptions { Host = "::1" });
        Assert.Equal("[::1]", v6.Endpoint.Host);
    }

    [Fact]
    public async Task CustomModelsReplaceTheDefaults()
    {
        var options = new FlockEmulatorOptions();
        options.Models.Clear();
        options.Models.Add("my-model");
        await using var emulator = await FlockEmulator.StartAsync(options);
        using var http = new HttpClient();

        var request = new HttpRequestMessage(HttpMethod.Post, emulator.Endpoint + "/chat/completions")
        {
            Content = new StringContent("""{"model":"qwen3-30b-a3b-instruct-2507","messages":"hi"}"""),
        };
        request.Headers.Add("x-litellm-api-key", emulator.ApiKey);
        using var response = await http.SendAsync(request);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal(["my-model"], emulator.Models);
    }

    [Fact]
    public async Task InvalidOptionsThrow()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => FlockEmulator.StartAsync(new FlockEmulatorOptions { Port = 70000 }));
        await Assert.ThrowsAsync<ArgumentException>(() => FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = "" }));
        var noModels = new FlockEmulatorOptions();
        noModels.Models.Clear();
        await Assert.ThrowsAsync<ArgumentException>(() => FlockEmulator.StartAsync(noModels));
    }
}
