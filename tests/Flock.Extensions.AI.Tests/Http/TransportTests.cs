using System.Text;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>Endpoint checks, options copied at construction, and cancellation mid-stream in the core transport.</summary>
public sealed class TransportTests
{
    [Theory]
    [InlineData("ftp://flock.test/v1")]
    [InlineData("/v1")]
    public void Non_http_or_relative_endpoints_are_refused(string endpoint)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => new FlockClient(new FlockOptions { ApiKey = "k-123", Endpoint = new Uri(endpoint, UriKind.RelativeOrAbsolute) }));

        Assert.Equal("endpoint", ex.ParamName);
    }

    [Fact]
    public void Options_are_copied_so_later_changes_have_no_effect()
    {
        var options = TestFlock.Options();
        var client = new FlockClient(options, new HttpClient(new RecordingHandler()));

        options.Endpoint = new Uri("https://elsewhere.test/");
        options.ModelId = "changed";

        Assert.Equal(TestFlock.Endpoint, client.Endpoint);
        Assert.Equal(TestFlock.Model, client.DefaultModelId);
    }

    [Fact]
    public async Task Cancelling_mid_stream_is_an_operation_canceled_exception_after_the_first_updates()
    {
        var first = Encoding.UTF8.GetBytes(TestFiles.Read("stream-no-done.sse"));
        var handler = new RecordingHandler().EnqueueStream(new BlockingStream(first));
        using var cts = new CancellationTokenSource();
        var texts = new List<string>();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in TestFlock.ChatClient(handler).GetStreamingResponseAsync(Calls.Messages(), cancellationToken: cts.Token))
            {
                texts.Add(update.Text);
                if (texts.Count == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        Assert.IsNotType<FlockTimeoutException>(ex);
        Assert.Equal(["Cut", " off"], texts);
    }
}
