using System.Text.Json;
using Microsoft.Extensions.AI;

namespace Flock.Extensions.AI.Tests.ChatClient;

/// <summary>
/// Refusals and aliases the other MEAI tests leave out: a continuation token, non-image data on a streaming call, and
/// <c>token_selection_biases</c> (SK's name) as an additional property.
/// </summary>
public sealed class RefusalTests
{
    private static async Task<Exception?> SendAsync(IChatClient client, IEnumerable<ChatMessage> messages, ChatOptions? options, bool streaming) =>
        await Record.ExceptionAsync(async () =>
        {
            if (streaming)
            {
                await foreach (var _ in client.GetStreamingResponseAsync(messages, options))
                {
                }
            }
            else
            {
                await client.GetResponseAsync(messages, options);
            }
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_continuation_token_is_refused_and_nothing_is_sent(bool streaming)
    {
        var handler = new RecordingHandler();
        var options = new ChatOptions { ContinuationToken = ResponseContinuationToken.FromBytes(new byte[] { 1, 2, 3 }) };

        var ex = await SendAsync(TestFlock.ChatClient(handler), Calls.Messages(), options, streaming);

        Assert.Contains("ContinuationToken", Assert.IsType<NotSupportedException>(ex).Message);
        Assert.Empty(handler.Requests);
    }

    [Theory]
    [InlineData("audio/wav")]
    [InlineData("application/pdf")]
    [InlineData("text/csv")]
    public async Task Non_image_data_is_refused_naming_its_media_type_on_a_streaming_call_too(string mediaType)
    {
        var handler = new RecordingHandler();
        var message = new ChatMessage(ChatRole.User, [new TextContent("Summarise this"), new DataContent(new byte[] { 1, 2, 3 }, mediaType)]);

        var ex = await SendAsync(TestFlock.ChatClient(handler), [message], null, streaming: true);

        Assert.Contains(mediaType, Assert.IsType<NotSupportedException>(ex).Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Sks_name_token_selection_biases_is_an_extra_sent_as_it_is()
    {
        // Only SK's bridge knows SK's names: to MEAI they are provider extras, sent as they are.
        var options = new ChatOptions { AdditionalProperties = new() { ["token_selection_biases"] = new Dictionary<int, int> { [1] = 1 } } };

        var root = JsonDocument.Parse(await Calls.MeaiBodyAsync(options, streaming: false)).RootElement;

        Assert.False(root.TryGetProperty("logit_bias", out _));
        JsonAssert.Equal("""{"1": 1}""", root.GetProperty("token_selection_biases").GetRawText());
    }
}
