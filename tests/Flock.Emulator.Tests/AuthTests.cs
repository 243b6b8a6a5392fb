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
    public async Task BearerHeaderIsAcceptedAsTheProxyDoes()
    {
        using var response = await SendWithAuthorizationAsync("Bearer " + Emulator.ApiKey);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task WrongBearerKeyIsNamedAsWrongNotAsMissing()
    {
        using var response = await SendWithAuthorizationAsync("Bearer sk-not-the-right-key-77Zx");
        var message = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"];

        Assert.Equal(401, (int)response.StatusCode);
        Assert.StartsWith("Authentication Error, Invalid proxy server token passed. Received API Key = sk-...77Zx", message);
        Assert.DoesNotContain("No api key passed in", message);
    }

    [Fact]
    public async Task AuthorizationWithoutBearerPrefixIsMalformedNotMissing()
    {
        using var response = await SendWithAuthorizationAsync("Basic " + Emulator.ApiKey);
        var text = await response.Content.ReadAsStringAsync();
        var message = (string?)JsonNode.Parse(text)!["error"]!["message"];

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("Malformed API Key passed in", message);
        Assert.DoesNotContain(Emulator.ApiKey, text);
    }

    [Fact]
    public async Task FlockHeaderWinsOverAnAuthorizationHeader()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
        request.Headers.TryAddWithoutValidation("x-litellm-api-key", Emulator.ApiKey);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-some-other-provider-key");
        using var response = await Http.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
    }

    private Task<HttpResponseMessage> SendWithAuthorizationAsync(string authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        return Http.SendAsync(request);
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

public sealed class CustomKeyAuthTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.ApiKey = "sk-custom-key-1234";
        return options;
    }

    [Fact]
    public async Task CustomKeyIsAcceptedAsBearerToo()
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

public sealed class NoBearerAuthTests : EmulatorTestBase
{
    protected override FlockEmulatorOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.AcceptAuthorizationHeader = false;
        return options;
    }

    [Fact]
    public async Task BearerIsRefusedNamingTheHeaderToUse()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
        request.Headers.Authorization = new("Bearer", Emulator.ApiKey);
        using var response = await Http.SendAsync(request);
        var message = (string?)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"];

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Contains("x-litellm-api-key", message);
        Assert.DoesNotContain("No api key passed in", message);
    }
}
