using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

/// <summary>LiteLLM's health probes: at the server root, with no key.</summary>
public sealed class HealthTests : EmulatorTestBase
{
    private Uri Root(string path) => new(Emulator.Endpoint.GetLeftPart(UriPartial.Authority) + path);

    [Theory]
    [InlineData("/health/liveliness")]
    [InlineData("/health/liveness")]
    public async Task LivelinessAnswersTheJsonStringImAlive(string path)
    {
        using var response = await Http.GetAsync(Root(path));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("application/json", ContentType(response)?.MediaType);
        Assert.Equal("\"I'm alive!\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ReadinessSaysHealthyWithoutADatabase()
    {
        using var response = await Http.GetAsync(Root("/health/readiness"));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("healthy", (string?)body["status"]);
        Assert.Equal("Not connected", (string?)body["db"]);
        Assert.Null(body["cache"]);
        Assert.Equal("emulator", (string?)body["litellm_version"]);
        Assert.Contains("_PROXY_MaxParallelRequestsHandler_v3", body["success_callbacks"]!.AsArray().Select(c => (string?)c));
    }

    [Fact]
    public async Task AWrongKeyDoesNotMatter()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Root("/health/readiness"));
        request.Headers.Add("x-litellm-api-key", "sk-not-the-key-0000");
        using var response = await Http.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("health/liveliness")]
    [InlineData("health/readiness")]
    public async Task TheyAreNotUnderV1(string path)
    {
        using var response = await GetAsync(path);

        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task TheyAnswerGetOnly()
    {
        using var response = await Http.PostAsync(Root("/health/liveliness"), new StringContent("{}"));

        Assert.Equal(405, (int)response.StatusCode);
    }

    [Fact]
    public async Task TheyAreRecordedLikeEveryRequest()
    {
        (await Http.GetAsync(Root("/health/readiness"))).Dispose();

        Assert.Equal("/health/readiness", Assert.Single(Emulator.Requests).Path);
    }
}
