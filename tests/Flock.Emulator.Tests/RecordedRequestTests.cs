using System.Text;

namespace Flock.Emulator.Tests;

/// <summary>What a recorded request tells about the proxy's controls: tags, metadata, end user, headers (with credentials redacted).</summary>
public sealed class RecordedRequestTests : EmulatorTestBase
{
    private async Task<RecordedRequest> SendAsync(string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("x-litellm-api-key", Emulator.ApiKey);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await Http.SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return Emulator.Requests.Last();
    }

    [Fact]
    public async Task TagsComeFromTheBodyTheMetadataAndTheHeaderEachOnce()
    {
        var recorded = await SendAsync(
            Body("\"tags\":[\"team-a\",\"batch\"],\"metadata\":{\"tags\":[\"batch\",\"nightly\"]}"),
            ("x-litellm-tags", " nightly, eval ,,team-b"));

        Assert.Equal(["team-a", "batch", "nightly", "eval", "team-b"], recorded.Tags);
    }

    [Fact]
    public async Task NoTagsIsAnEmptyList()
    {
        Assert.Empty((await SendAsync(Body())).Tags);
    }

    [Fact]
    public async Task MetadataAndSpendLogsMetadataAreRead()
    {
        var fromBody = await SendAsync(Body("\"metadata\":{\"run\":\"r1\",\"spend_logs_metadata\":{\"job\":\"etl\"}}"));
        var fromHeader = await SendAsync(Body("\"metadata\":{\"spend_logs_metadata\":{\"job\":\"etl\"}}"), ("x-litellm-spend-logs-metadata", """{"job":"from-header"}"""));

        Assert.Equal("r1", (string?)fromBody.Metadata!["run"]);
        Assert.Equal("etl", (string?)fromBody.SpendLogsMetadata!["job"]);
        Assert.Equal("from-header", (string?)fromHeader.SpendLogsMetadata!["job"]);
        Assert.Null((await SendAsync(Body())).SpendLogsMetadata);
    }

    [Fact]
    public async Task TheEndUserIsFoundInTheProxysOrder()
    {
        Assert.Equal("customer", (await SendAsync(Body("\"user\":\"body-user\""), ("x-litellm-customer-id", "customer"), ("x-litellm-end-user-id", "end-user"))).EndUserId);
        Assert.Equal("end-user", (await SendAsync(Body("\"user\":\"body-user\""), ("x-litellm-end-user-id", "end-user"))).EndUserId);
        Assert.Equal("body-user", (await SendAsync(Body("\"user\":\"body-user\",\"metadata\":{\"user_id\":\"meta-user\"}"))).EndUserId);
        Assert.Equal("meta-user", (await SendAsync(Body("\"metadata\":{\"user_id\":\"meta-user\"}"))).EndUserId);
        Assert.Null((await SendAsync(Body())).EndUserId);
    }

    [Fact]
    public async Task RequestHeadersAreKeptAndAForeignKeyOnlyMasked()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer sk-real-secret-key-4321");
        request.Headers.TryAddWithoutValidation("x-api-key", "sk-another-secret-8765");
        request.Headers.TryAddWithoutValidation("x-litellm-timeout", "30");
        using var response = await Http.SendAsync(request);
        var recorded = Emulator.Requests.Last();

        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("Bearer sk-...4321", recorded.Header("Authorization"));
        Assert.Equal("sk-...8765", recorded.Header("x-api-key"));
        Assert.Equal("30", recorded.Header("x-litellm-timeout"));
        Assert.DoesNotContain(recorded.Headers.Values, v => v.Contains("secret", StringComparison.Ordinal));
        Assert.True(recorded.CarriesKey("sk-real-secret-key-4321"));
        Assert.False(recorded.CarriesKey("sk-another-secret-8765"));
        Assert.False(recorded.CarriesKey(Emulator.ApiKey));
    }

    [Fact]
    public async Task TheEmulatorsOwnKeyReadsBackAsSentSoATestCanCheckTheClientSentIt()
    {
        var header = await SendAsync(Body());
        var request = new HttpRequestMessage(HttpMethod.Post, Url("chat/completions")) { Content = new StringContent(Body()) };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Emulator.ApiKey);
        (await Http.SendAsync(request)).Dispose();

        Assert.Equal(Emulator.ApiKey, header.Header("x-litellm-api-key"));
        Assert.Equal("Bearer " + Emulator.ApiKey, Emulator.Requests.Last().Header("Authorization"));
        Assert.True(header.CarriesKey(Emulator.ApiKey));
        Assert.True(Emulator.Requests.Last().CarriesKey(Emulator.ApiKey));
    }

    [Theory]
    [InlineData("""{"metadata":"not an object","litellm_metadata":[1],"tags":"t","user":5}""")]
    [InlineData("""{"metadata":{"tags":"t","user_id":7,"spend_logs_metadata":[1]}}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""{broken""")]
    public void OddShapesReadAsNothingRatherThanThrow(string body)
    {
        var recorded = new RecordedRequest("POST", "/v1/chat/completions", new Dictionary<string, string> { ["x-litellm-spend-logs-metadata"] = "{nope" }, body);

        Assert.Empty(recorded.Tags);
        Assert.Null(recorded.EndUserId);
        Assert.Null(recorded.SpendLogsMetadata);
    }

    [Fact]
    public async Task ACookieIsMaskedWhole()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, Url("models"));
        request.Headers.TryAddWithoutValidation("x-litellm-api-key", Emulator.ApiKey);
        request.Headers.TryAddWithoutValidation("Cookie", "session=abcdef123456; theme=dark");
        (await Http.SendAsync(request)).Dispose();

        Assert.Equal("sk-...dark", Emulator.Requests.Last().Header("Cookie"));
    }

    [Fact]
    public void TagsFromTheBodyAndTheHeaderAreReadTogether()
    {
        var recorded = new RecordedRequest("POST", "/v1/chat/completions", new Dictionary<string, string> { ["x-litellm-tags"] = "a,b" }, """{"tags":["c"]}""");

        Assert.Equal(["c", "a", "b"], recorded.Tags);
        Assert.Equal("", recorded.Query);
        Assert.Null(recorded.EndUserId);
    }

    [Fact]
    public async Task JsonBodyReadsAParameterWithoutANullCheck()
    {
        var recorded = await SendAsync(Body("\"temperature\":0.2"));

        // No "!" needed: JsonBody() is non-null (the documented request.JsonBody()["temperature"] compiles warning-free).
        Assert.Equal(0.2, (double?)recorded.JsonBody()["temperature"]);
        Assert.Null(recorded.JsonBody()["top_p"]);
        recorded.JsonBody()["temperature"] = 1;
        Assert.Equal(0.2, (double?)recorded.JsonBody()["temperature"]);   // a fresh tree on each call
    }

    [Theory]
    [InlineData("", "(empty)")]
    [InlineData("{broken", "{broken")]
    [InlineData("[1,2]", "[1,2]")]
    public void JsonBodyOfABodyThatIsNotAJsonObjectFailsShowingIt(string body, string shown)
    {
        var recorded = new RecordedRequest("POST", "/v1/chat/completions", new Dictionary<string, string>(), body);

        var error = Assert.Throws<FlockEmulatorAssertionException>(() => recorded.JsonBody());
        Assert.Equal($"Expected a JSON object body on POST /v1/chat/completions, but got: {shown}", error.Message);
    }
}
