using System.Text;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// A stream behaves as an async iterator: nothing is sent before it is enumerated, each enumeration is a call of its own,
/// a bad option fails the enumeration rather than the call, and both the call's and the enumeration's tokens cancel it.
/// </summary>
public sealed class StreamEnumerationTests
{
    [Fact]
    public async Task Nothing_is_sent_before_the_first_move_and_each_enumeration_sends_anew()
    {
        var handler = new RecordingHandler().EnqueueSse(TestFiles.Read("stream-text.sse")).EnqueueSse(TestFiles.Read("stream-text.sse"));
        var stream = TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi");

        await using (var enumerator = stream.GetAsyncEnumerator())
        {
            Assert.Empty(handler.Requests);
            Assert.True(await enumerator.MoveNextAsync());
            Assert.Single(handler.Requests);
        }

        Assert.Equal("Hello, world!", (await stream.ToChatResponseAsync()).Text);
        Assert.Equal(2, handler.Requests.Count);
    }

    [Fact]
    public async Task A_bad_option_fails_the_enumeration_not_the_call()
    {
        var handler = new RecordingHandler();
        var stream = TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi", new ChatOptions { Temperature = 5 });

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(async () => await stream.GetAsyncEnumerator().MoveNextAsync());
        Assert.Contains("temperature", ex.Message, StringComparison.Ordinal);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_calls_token_and_the_enumerations_token_both_cancel_the_stream(bool cancelCall)
    {
        var handler = new RecordingHandler().EnqueueStream(new BlockingStream(Encoding.UTF8.GetBytes(TestFiles.Read("stream-no-done.sse"))));
        using var call = new CancellationTokenSource();
        using var enumeration = new CancellationTokenSource();
        var texts = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var update in TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi", cancellationToken: call.Token).WithCancellation(enumeration.Token))
            {
                texts.Add(update.Text);
                if (texts.Count == 2)
                {
                    await (cancelCall ? call : enumeration).CancelAsync();
                }
            }
        });

        Assert.Equal(["Cut", " off"], texts);
    }
}
