using System.Net;
using System.Text.Json.Nodes;

namespace Flock.Extensions.AI.Tests.Http;

public sealed class KeyInfoTests
{
    private const string Hash = "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b";

    // The shape LiteLLM's /key/info answers with: the verification token's row, its hash popped, Python floats and isoformat().
    private const string Answer = $$$"""
        {"key":"{{{Hash}}}",
         "info":{"key_name":"sk-...cdef","key_alias":"ci-key","spend":1.5e-05,"max_budget":10.0,
                 "expires":"2030-01-31T12:00:00+00:00","models":["qwen3-30b-a3b-instruct-2507","deepseek-v3.1"],
                 "aliases":{},"config":{},"user_id":null,"team_id":null,"permissions":{},"max_parallel_requests":4,
                 "metadata":{"model_rpm_limit":{"deepseek-v3.1":5}},"blocked":null,"tpm_limit":100000,"rpm_limit":60,
                 "budget_duration":"30d","budget_reset_at":"2030-01-15T00:00:00.123456+00:00","allowed_cache_controls":[],
                 "model_spend":{},"model_max_budget":{},"created_at":"2029-12-01T00:00:00Z","litellm_budget_table":null}}
        """;

    /// <summary>Each field the reader reads, by its wire name, with the property it fills.</summary>
    private static readonly Dictionary<string, Func<FlockKeyInfo, object?>> Fields = new()
    {
        ["key_alias"] = i => i.KeyAlias,
        ["spend"] = i => i.Spend,
        ["max_budget"] = i => i.MaxBudget,
        ["budget_duration"] = i => i.BudgetDurationText,
        ["budget_reset_at"] = i => i.BudgetResetAt,
        ["expires"] = i => i.ExpiresAt,
        ["models"] = i => i.AllowedModels,
        ["rpm_limit"] = i => i.RpmLimit,
        ["tpm_limit"] = i => i.TpmLimit,
        ["max_parallel_requests"] = i => i.MaxParallelRequests,
    };

    [Fact]
    public async Task Every_field_is_read_from_the_proxys_answer()
    {
        var handler = new RecordingHandler().EnqueueJson(Answer);
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        var info = await client.GetKeyInfoAsync();

        Assert.Equal(Hash, info.KeyHash);
        Assert.Equal("ci-key", info.KeyAlias);
        Assert.Equal(0.000015m, info.Spend);
        Assert.Equal(10m, info.MaxBudget);
        Assert.Equal(9.999985m, info.RemainingBudget);
        Assert.Equal("30d", info.BudgetDurationText);
        Assert.Equal(TimeSpan.FromDays(30), info.BudgetDuration);
        Assert.Equal(new DateTimeOffset(2030, 1, 15, 0, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), info.BudgetResetAt);
        Assert.Equal(new DateTimeOffset(2030, 1, 31, 12, 0, 0, TimeSpan.Zero), info.ExpiresAt);
        Assert.Equal(["qwen3-30b-a3b-instruct-2507", "deepseek-v3.1"], info.AllowedModels);
        Assert.False(info.AllowsAllModels);
        Assert.Equal(60, info.RpmLimit);
        Assert.Equal(100_000, info.TpmLimit);
        Assert.Equal(4, info.MaxParallelRequests);
    }

    [Fact]
    public async Task The_key_goes_in_the_auth_header_to_the_proxys_root_and_never_in_the_address()
    {
        var handler = new RecordingHandler().EnqueueJson(Answer);
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        await client.GetKeyInfoAsync();

        var request = handler.SingleRequest;
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://flock.test/key/info", request.Uri.AbsoluteUri);
        Assert.Equal("", request.Uri.Query);
        Assert.DoesNotContain(TestFlock.ApiKey, request.Uri.OriginalString, StringComparison.Ordinal);
        Assert.Equal(TestFlock.ApiKey, request.Header("x-litellm-api-key"));
        Assert.Null(request.Header("Authorization"));
        Assert.Null(request.Body);
    }

    [Theory]
    [InlineData("https://flock.test/v1", "https://flock.test/key/info")]
    [InlineData("https://flock.test/v1/", "https://flock.test/key/info")]
    [InlineData("https://flock.test/V1", "https://flock.test/key/info")]
    [InlineData("https://flock.test/litellm/v1", "https://flock.test/litellm/key/info")]
    [InlineData("https://flock.test/", "https://flock.test/key/info")]
    [InlineData("https://flock.test/litellm", "https://flock.test/litellm/key/info")]
    [InlineData("https://flock.test/api/v10", "https://flock.test/api/v10/key/info")]
    public async Task The_route_is_at_the_root_the_v1_endpoint_sits_under(string endpoint, string expected)
    {
        var handler = new RecordingHandler().EnqueueJson(Answer);
        var options = TestFlock.Options();
        options.Endpoint = new Uri(endpoint);
        var client = new FlockClient(options, new HttpClient(handler));

        await client.GetKeyInfoAsync();

        Assert.Equal(expected, handler.SingleRequest.Uri.AbsoluteUri);
        Assert.Equal(TestFlock.ApiKey, handler.SingleRequest.Header("x-litellm-api-key"));
    }

    public static TheoryData<string, string?> UnreadableValues()
    {
        var data = new TheoryData<string, string?>();
        foreach (var field in Fields.Keys)
        {
            // null: the field is absent.
            foreach (var value in new[] { null, "null", "\"None\"", "\"\"", "true", "{}", "{\"a\":1}" })
            {
                data.Add(field, value);
            }
        }

        foreach (var field in new[] { "key_alias", "budget_duration", "budget_reset_at", "expires" })
        {
            data.Add(field, "12");
            data.Add(field, "[\"x\"]");
        }

        foreach (var field in new[] { "budget_reset_at", "expires" })
        {
            data.Add(field, "\"tomorrow\"");
            data.Add(field, "\"2030-13-45T99:00:00\"");
            data.Add(field, "1893456000");
        }

        foreach (var field in new[] { "spend", "max_budget", "rpm_limit", "tpm_limit", "max_parallel_requests" })
        {
            data.Add(field, "\"12\"");
            data.Add(field, "-1");
            data.Add(field, "[1]");
        }

        foreach (var field in new[] { "rpm_limit", "tpm_limit", "max_parallel_requests" })
        {
            data.Add(field, "1.5");
            data.Add(field, "1e300");
        }

        data.Add("spend", "1e300");
        data.Add("models", "\"qwen3-30b-a3b-instruct-2507\"");
        data.Add("models", "7");
        data.Add("models", "[1]");
        data.Add("models", "[null]");
        data.Add("models", "[\"a\", null]");
        data.Add("models", "[\"None\"]");
        data.Add("models", "[\"a\", {\"b\":1}]");
        return data;
    }

    [Theory]
    [MemberData(nameof(UnreadableValues))]
    public async Task A_field_that_is_absent_null_None_or_of_another_type_is_unknown_and_the_rest_still_read(string field, string? value)
    {
        var json = JsonNode.Parse(Answer)!.AsObject();
        var info = json["info"]!.AsObject();
        info.Remove(field);
        if (value is not null)
        {
            info[field] = JsonNode.Parse(value);
        }

        var full = await ReadAsync(Answer);
        var read = await ReadAsync(json.ToJsonString());

        Assert.Null(Fields[field](read));
        foreach (var (other, property) in Fields.Where(f => f.Key != field))
        {
            Assert.Equal(property(full), property(read));
        }

        Assert.Equal(Hash, read.KeyHash);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"key":null,"info":null}""")]
    [InlineData("""{"key":"None","info":"None"}""")]
    [InlineData("""{"key":12,"info":[]}""")]
    [InlineData("""{"key":{"hash":"x"},"info":{"spend":null}}""")]
    public async Task An_answer_without_readable_key_or_info_is_all_unknown(string body)
    {
        var info = await ReadAsync(body);

        Assert.Null(info.KeyHash);
        Assert.All(Fields.Values, property => Assert.Null(property(info)));
        Assert.Null(info.RemainingBudget);
        Assert.Null(info.BudgetDuration);
        Assert.Null(info.AllowsAllModels);
    }

    [Fact]
    public async Task The_key_field_is_dropped_when_the_proxy_echoes_the_api_key_itself()
    {
        // The proxy names the key it looked up; for its master key that is the raw key, which must not leave the call.
        var info = await ReadAsync($$$"""{"key":"{{{TestFlock.ApiKey}}}","info":{"spend":2.0}}""");

        Assert.Null(info.KeyHash);
        Assert.Equal(2m, info.Spend);
        Assert.DoesNotContain(TestFlock.ApiKey, info.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("1h", 3_600)]
    [InlineData("30d", 2_592_000)]
    [InlineData("2w", 1_209_600)]
    [InlineData(" 7d ", 604_800)]
    [InlineData("0s", 0)]
    public async Task A_budget_duration_with_a_fixed_length_becomes_a_time_span(string text, long seconds)
    {
        var info = await ReadAsync($$$"""{"info":{"budget_duration":"{{{text}}}"}}""");

        Assert.Equal(text.Trim(), info.BudgetDurationText);
        Assert.Equal(TimeSpan.FromSeconds(seconds), info.BudgetDuration);
    }

    [Theory]
    [InlineData("1mo")]
    [InlineData("30")]
    [InlineData("d")]
    [InlineData("-1d")]
    [InlineData("+1d")]
    [InlineData("1.5h")]
    [InlineData("1 h")]
    [InlineData("1y")]
    [InlineData("99999999999999999999d")]
    [InlineData("9000000000000w")]
    public async Task A_budget_duration_without_a_fixed_length_keeps_its_text_only(string text)
    {
        var info = await ReadAsync($$$"""{"info":{"budget_duration":"{{{text}}}"}}""");

        Assert.Equal(text, info.BudgetDurationText);
        Assert.Null(info.BudgetDuration);
    }

    [Theory]
    [InlineData("2030-01-31T12:00:00+00:00")]
    [InlineData("2030-01-31T12:00:00Z")]
    [InlineData("2030-01-31T12:00:00")]
    [InlineData("2030-01-31T14:00:00+02:00")]
    [InlineData("2030-01-31 12:00:00")]
    public async Task Times_are_read_as_python_and_pydantic_write_them_and_given_in_utc(string text)
    {
        var info = await ReadAsync($$$"""{"info":{"expires":"{{{text}}}"}}""");

        Assert.Equal(new DateTimeOffset(2030, 1, 31, 12, 0, 0, TimeSpan.Zero), info.ExpiresAt);
        Assert.Equal(TimeSpan.Zero, info.ExpiresAt!.Value.Offset);
    }

    [Theory]
    [InlineData("[]", true)]
    [InlineData("""["all-proxy-models"]""", true)]
    [InlineData("""["a","all-proxy-models"]""", true)]
    [InlineData("""["a"]""", false)]
    [InlineData("""["all-team-models"]""", false)]
    public async Task An_empty_model_list_allows_every_model(string models, bool all)
    {
        var info = await ReadAsync($$$"""{"info":{"models":{{{models}}}}}""");

        Assert.NotNull(info.AllowedModels);
        Assert.Equal(all, info.AllowsAllModels);
    }

    [Theory]
    [InlineData("1.5", "10", "8.5")]
    [InlineData("12.25", "10", "-2.25")]
    [InlineData("0", "0", "0")]
    [InlineData("3", null, null)]
    [InlineData(null, "10", null)]
    public async Task The_remaining_budget_is_known_when_budget_and_spend_are(string? spend, string? budget, string? remaining)
    {
        var info = await ReadAsync($$$"""{"info":{"spend":{{{spend ?? "null"}}},"max_budget":{{{budget ?? "null"}}}}}""");

        Assert.Equal(remaining is null ? null : decimal.Parse(remaining, System.Globalization.CultureInfo.InvariantCulture), info.RemainingBudget);
    }

    [Fact]
    public async Task A_rejected_key_is_a_flock_exception_with_the_proxys_401_and_never_the_key()
    {
        var handler = new RecordingHandler().Enqueue(
            HttpStatusCode.Unauthorized,
            """{"error":{"message":"Authentication Error, Invalid proxy server token passed. Received API Key = sk-...cdef, Key Hash (Token) =88dc28d0. Unable to find token in cache or `LiteLLM_VerificationTokenTable`","type":"token_not_found_in_db","param":"key","code":"401"}}""");
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        var ex = await Assert.ThrowsAsync<FlockException>(() => client.GetKeyInfoAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, ex.StatusCode);
        Assert.Equal("token_not_found_in_db", ex.ErrorType);
        Assert.Contains("Invalid proxy server token passed", ex.Message);
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestFlock.ApiKey, ex.ResponseContent ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answer_that_is_not_a_json_object_is_a_flock_exception()
    {
        var handler = new RecordingHandler().EnqueueJson("""["not","key","info"]""");
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        var ex = await Assert.ThrowsAsync<FlockException>(() => client.GetKeyInfoAsync());

        Assert.Equal(HttpStatusCode.OK, ex.StatusCode);
        Assert.Contains("not the expected JSON", ex.Message);
    }

    [Fact]
    public async Task The_chat_client_reaches_the_key_info_of_its_transport()
    {
        var handler = new RecordingHandler().EnqueueJson(Answer);
        using var chat = TestFlock.ChatClient(handler);

        var info = await chat.GetKeyInfoAsync();

        Assert.Equal(10m, info.MaxBudget);
        Assert.Equal("https://flock.test/key/info", handler.SingleRequest.Uri.AbsoluteUri);
    }

    private static async Task<FlockKeyInfo> ReadAsync(string body)
    {
        var handler = new RecordingHandler().EnqueueJson(body);
        return await new FlockClient(TestFlock.Options(), new HttpClient(handler)).GetKeyInfoAsync();
    }
}
