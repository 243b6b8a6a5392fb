using System.Net;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>The model catalogue as the MEAI chat client offers it: forwarded listing, and cached info through GetService.</summary>
public sealed class CatalogueServiceTests
{
    private const string Catalogue = """
        {"data":[{"model_name":"qwen3-30b-a3b-instruct-2507","model_info":{"max_output_tokens":32768,"input_cost_per_token":1e-07,"supports_vision":false}}]}
        """;

    [Fact]
    public void Metadata_names_the_provider_the_endpoint_and_the_default_model()
    {
        IChatClient client = TestFlock.ChatClient(new RecordingHandler());

        var metadata = client.GetService<ChatClientMetadata>()!;

        Assert.Equal(("flock", TestFlock.Endpoint, TestFlock.Model), (metadata.ProviderName, metadata.ProviderUri, metadata.DefaultModelId));
    }

    [Fact]
    public async Task Model_info_is_the_cached_entry_of_the_default_model_and_never_fetched()
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue);
        var client = TestFlock.ChatClient(handler);

        Assert.Null(client.GetService<FlockModelInfo>());
        Assert.Empty(handler.Requests);

        var listed = await client.ListModelInfoAsync();
        var info = client.GetService<FlockModelInfo>();

        Assert.Same(Assert.Single(listed), info);
        Assert.Equal((32768, 0.0000001m, (bool?)false), (info!.MaxOutputTokens, info.InputCostPerToken, info.SupportsVision));
        Assert.Null(client.GetService<FlockModelInfo>(serviceKey: "other"));
        Assert.Equal(new Uri("https://flock.test/v1/model/info"), handler.SingleRequest.Uri);
    }

    [Fact]
    public async Task A_default_model_missing_from_the_catalogue_has_no_info()
    {
        var handler = new RecordingHandler().EnqueueJson("""{"data":[{"model_name":"another-model","model_info":{}}]}""");
        var client = TestFlock.ChatClient(handler);

        await client.ListModelInfoAsync();

        Assert.Null(client.GetService<FlockModelInfo>());
    }

    [Fact]
    public async Task Listing_is_cached_on_the_transport_and_refreshed_on_request()
    {
        var handler = new RecordingHandler().EnqueueJson(Catalogue).EnqueueJson("""{"data":[{"model_name":"qwen3-30b-a3b-instruct-2507","model_info":{"max_output_tokens":8}}]}""");
        var client = TestFlock.ChatClient(handler);

        await client.ListModelInfoAsync();
        await client.ListModelInfoAsync();
        var refreshed = await client.ListModelInfoAsync(refresh: true);

        Assert.Equal(2, handler.Requests.Count);
        Assert.Equal(8, Assert.Single(refreshed).MaxOutputTokens);
        Assert.Same(client.GetService<FlockClient>()!.GetCachedModelInfo(TestFlock.Model), client.GetService<FlockModelInfo>());
    }

    [Fact]
    public async Task A_failed_listing_is_the_librarys_exception()
    {
        var handler = new RecordingHandler().Enqueue(HttpStatusCode.InternalServerError, """{"error":{"message":"catalogue down","code":"500"}}""");

        var error = await Assert.ThrowsAsync<FlockException>(() => TestFlock.ChatClient(handler, TestFlock.Options()).ListModelInfoAsync());

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Contains("catalogue down", error.Message);
    }
}
