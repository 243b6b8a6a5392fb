using System.Text.Json.Nodes;

namespace Flock.Emulator.Tests;

public sealed class AuthTests : EmulatorTestBase
{
    [Fact]
    public async Task MissingKeyIs401NoApiKey()
    {
        using var response = await PostAsync("chat/completions", Body(), sendKey: false);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!;

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("Authentication Error, No api key passed in.", (string?)error["message"]);
        Assert.Equal("401", (string?)error["code"]);
    }

    [Fact]
    public async Task WrongKeyIs401WithOnlyTheLastFourCharactersEchoed()
    {
        const string wrong = "sk-this-is-a-secret-key-9f3Q";
        using var response = await PostAsync("chat/completions", Body(), key: wrong);
        var text = await response.Content.ReadAsStringAsync();
        var error = JsonNode.Parse(text)!["error"]!;

        Assert.Equal(401, (int)response.StatusCode);
        Assert.StartsWith("Authentication Error, Invalid proxy server token passed. Received API Key = sk-...9f3Q, Key Hash (Token) =", (string?)error["message"]);
        Assert.Equal("token_not_found_in_db", (string?)error["type"]);
        Assert.Equal("key", (string?)error["param"]);
        Assert.Equal("401", (string?)error["code"]);
        Assert.DoesNotContain("this-is-a-secret", text);
    }

    [Fact]
    public async Task ShortWrongKeyIsNotEchoedAtAll()
    {
        using var response = await PostAsync("chat/completions", Body(), key: "abc");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(401, (int)response.StatusCode);
        Assert.DoesNotContain("abc", text);
    }

    [Fact]
    public async Task BearerHeaderIsNotAcceptedByDefault()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
        request.Headers.Authorization = new("Bearer", Emulator.ApiKey);
        using var response = await Http.SendAsync(request);

        Assert.Equal(401, (int)response.StatusCode);
    }

    [Fact]
    public async Task ModelsNeedsTheKeyToo()
    {
        using var response = await GetAsync("models", sendKey: false);
        Assert.Equal(401, (int)response.StatusCode);
    }

    [Fact]
    public async Task AuthIsCheckedBeforeValidation()
    {
        using var response = await PostAsync("chat/completions", "{not json", sendKey: false);
        Assert.Equal(401, (int)response.StatusCode);
    }
}

public sealed class BearerAuthTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions? Options => new() { ApiKey = "sk-custom-key-1234", AcceptAuthorizationHeader = true };

    [Fact]
    public async Task CustomKeyAndBearerAreAcceptedWhenEnabled()
    {
        Assert.Equal("sk-custom-key-1234", Emulator.ApiKey);
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
        request.Headers.Authorization = new("Bearer", "sk-custom-key-1234");
        using var response = await Http.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task DefaultKeyIsRejectedWhenAnotherIsConfigured()
    {
        using var response = await PostAsync("chat/completions", Body(), key: "sk-flock-emulator");
        Assert.Equal(401, (int)response.StatusCode);
    }
}
