using System.Net;

namespace Flock.Extensions.AI.Tests.Http;

public sealed class ModelInfoTests
{
    private const string Catalogue = """
        {"data":[
          {"model_name":"qwen3-30b-a3b-instruct-2507","litellm_params":{"model":"hosted_vllm/Qwen/Qwen3-30B-A3B-Instruct-2507"},
           "model_info":{"max_tokens":32768,"max_input_tokens":262144,"max_output_tokens":32768,"input_cost_per_token":1.5e-07,
                         "output_cost_per_token":0.0000006,"supports_function_calling":true,"supports_vision":false,
                         "supports_reasoning":null,"supports_response_schema":true,"mode":"chat"}},
          {"model_name":"qwen3-30b-a3b-instruct-2507","litellm_params":{"model":"hosted_vllm/second-deployment"},
           "model_info":{"supports_reasoning":false,"max_output_tokens":1}},
          {"model_name":"deepseek-v3.1","litellm_params":null,
           "model_info":{"max_tokens":"a lot","input_cost_per_token":-1,"supports_vision":"yes","max_output_tokens":1e300}},
          {"model_name":null,"model_info":{}},
          null
        ]}
        """;

    [Fact]
    public async Task Catalogue_entries_are_read_leniently_and_deployments_merged()
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue);
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        var models = await client.ListModelInfoAsync();

        Assert.Equal(new Uri("https://flock.test/v1/model/info"), handler.SingleRequest.Uri);
        Assert.Equal(["qwen3-30b-a3b-instruct-2507", "deepseek-v3.1"], models.Select(m => m.Id));
        var qwen = models[0];
        Assert.Equal(262144, qwen.ContextWindow);
        Assert.Equal(262144, qwen.MaxInputTokens);
        Assert.Equal(32768, qwen.MaxOutputTokens);
        Assert.Equal(0.00000015m, qwen.InputCostPerToken);
        Assert.Equal(0.0000006m, qwen.OutputCostPerToken);
        Assert.True(qwen.SupportsFunctionCalling);
        Assert.False(qwen.SupportsVision);
        Assert.False(qwen.SupportsReasoning);
        Assert.True(qwen.SupportsResponseSchema);
        Assert.Equal("hosted_vllm/Qwen/Qwen3-30B-A3B-Instruct-2507", qwen.UpstreamModel);
        Assert.True(qwen.FromCatalogue);

        Assert.Equal(new FlockModelInfo("deepseek-v3.1"), models[1]);
    }

    [Fact]
    public async Task The_catalogue_is_cached_per_client_until_refreshed()
    {
        var handler = new RecordingHandler()
            .EnqueueJson("""{"data":[{"model_name":"a","model_info":{"max_output_tokens":10}}]}""")
            .EnqueueJson("""{"data":[{"model_name":"a","model_info":{"max_output_tokens":20}}]}""");
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        Assert.Null(client.GetCachedModelInfo("a"));
        await client.ListModelInfoAsync();
        await client.ListModelInfoAsync();
        Assert.Equal(10, client.GetCachedModelInfo("a")!.MaxOutputTokens);
        Assert.Single(handler.Requests);

        await client.ListModelInfoAsync(refresh: true);

        Assert.Equal(20, client.GetCachedModelInfo("a")!.MaxOutputTokens);
        Assert.Equal(2, handler.Requests.Count);
        Assert.Null(client.GetCachedModelInfo("b"));
    }

    [Fact]
    public async Task The_cached_catalogue_every_caller_shares_cannot_be_changed_through_a_cast()
    {
        var handler = new RecordingHandler().EnqueueJson("""{"data":[{"model_name":"a","model_info":{}},{"model_name":"b","model_info":{}}]}""");
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        var first = (IList<FlockModelInfo>)await client.ListModelInfoAsync();

        Assert.Throws<NotSupportedException>(() => first.RemoveAt(0));
        Assert.Throws<NotSupportedException>(() => first[0] = first[1]);
        Assert.Equal(["a", "b"], (await client.ListModelInfoAsync()).Select(m => m.Id));
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.Forbidden)]
    public async Task Without_a_catalogue_the_model_list_gives_the_ids(HttpStatusCode status)
    {
        var handler = new RecordingHandler()
            .Enqueue(status, """{"error":{"message":"Not allowed","type":"auth_error","param":"None","code":"403"}}""")
            .EnqueueJson(TestFiles.Read("models.json"));
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        var models = await client.ListModelInfoAsync();

        Assert.Equal(new Uri("https://flock.test/v1/models"), handler.Requests[1].Uri);
        Assert.NotEmpty(models);
        Assert.All(models, m => Assert.False(m.FromCatalogue));
        Assert.All(models, m => Assert.Null(m.MaxOutputTokens));
        Assert.Same(models[0], client.GetCachedModelInfo(models[0].Id));
    }

    [Fact]
    public async Task Other_errors_surface_and_cache_nothing()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.InternalServerError, """{"error":{"message":"boom","code":"500"}}""");
        var client = new FlockClient(TestFlock.Options(), new HttpClient(handler));

        var ex = await Assert.ThrowsAsync<FlockException>(() => client.ListModelInfoAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Contains("boom", ex.Message);
        Assert.Null(client.GetCachedModelInfo("anything"));
    }
}
