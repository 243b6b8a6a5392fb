using System.Net;
using System.Text;
using System.Text.Json;
using Flock.SemanticKernel.Tests.Support;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>
/// The SK service's own surface beside its chat calls: no key in what it shows, the model list through it, and its streams
/// disposing the response however their enumeration ends.
/// </summary>
public sealed class FlockChatCompletionServiceTests
{
    [Fact]
    public void Neither_its_text_nor_its_attributes_show_the_key()
    {
        var service = new FlockChatCompletionService(TestFlock.Model, TestFlock.ApiKey, TestFlock.Endpoint, new HttpClient(new RecordingHandler()));

        Assert.DoesNotContain(TestFlock.ApiKey, service.ToString());
        Assert.DoesNotContain(TestFlock.ApiKey, JsonSerializer.Serialize(service.Attributes));
        Assert.Equal(TestFlock.Model, service.Attributes["ModelId"]);
    }

    [Fact]
    public async Task The_models_are_listed_through_it_and_a_failure_follows_the_sk_convention()
    {
        var handler = new RecordingHandler()
            .EnqueueJson(TestFiles.Read("models.json"))
            .Enqueue(HttpStatusCode.Unauthorized, """{"error":{"message":"Authentication Error, No api key passed in.","type":"None","param":"None","code":"401"}}""");
        var service = TestSk.Service(handler, TestFlock.Options());

        var models = await service.ListModelsAsync();
        var error = await TestSk.ThrowsAsync(() => service.ListModelsAsync());

        Assert.Equal(["qwen3-30b-a3b-instruct-2507", "deepseek-v3.1"], models.Select(m => m.Id));
        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
    }

    [Fact]
    public async Task Breaking_out_of_a_stream_early_disposes_the_response()
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-text.sse")));
        var handler = new RecordingHandler().EnqueueStream(body);

        var seen = 0;
        await foreach (var _ in TestSk.Service(handler).GetStreamingChatMessageContentsAsync(TestSk.History()))
        {
            seen++;
            Assert.False(body.Disposed);
            break;
        }

        Assert.Equal(1, seen);
        Assert.True(body.Disposed);
    }

    [Theory]
    [InlineData("stream-text.sse", false)]
    [InlineData("stream-mid-error.sse", true)]
    public async Task A_stream_that_completes_or_fails_disposes_the_response(string file, bool fails)
    {
        var body = new TrackingStream(Encoding.UTF8.GetBytes(TestFiles.Read(file)));

        var (_, error) = await Drain.AllAsync(TestSk.Service(new RecordingHandler().EnqueueStream(body)).GetStreamingChatMessageContentsAsync(TestSk.History()));

        Assert.Equal(fails, error is FlockHttpOperationException);
        Assert.Equal(fails, error is not null);
        Assert.True(body.Disposed);
    }
}
