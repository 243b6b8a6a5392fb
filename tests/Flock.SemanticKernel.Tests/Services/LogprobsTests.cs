using Flock.SemanticKernel.Tests.Support;
using Microsoft.Extensions.AI;

namespace Flock.SemanticKernel.Tests.Services;

/// <summary>Log probabilities reach both stacks typed, streaming included (SK streaming used to drop them).</summary>
public sealed class LogprobsTests
{
    private static string Piece(string token, double logprob) =>
        $$"""{"content":[{"token":{{CannedAnswers.Json(token)}},"logprob":{{logprob.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"top_logprobs":[]}]}""";

    private static string Stream() =>
        CannedAnswers.Chunk("""{"role":"assistant","content":"Yes"}""", logprobs: Piece("Yes", -0.01))
        + CannedAnswers.Chunk("""{"content":", sure"}""", logprobs: Piece(", sure", -0.75))
        + CannedAnswers.Chunk("""{"content":"."}""", "stop", logprobs: Piece(".", -0.5))
        + CannedAnswers.End();

    [Fact]
    public async Task Sk_streaming_updates_carry_their_pieces_logprobs_in_metadata()
    {
        var handler = new RecordingHandler().EnqueueSse(Stream());

        var updates = await TestSk.Service(handler).GetStreamingChatMessageContentsAsync(TestSk.History(), new FlockPromptExecutionSettings { Logprobs = 0 }).ToListAsync();

        var pieces = updates.Where(u => u.Metadata!.ContainsKey(FlockMetadataKeys.Logprobs)).ToList();
        Assert.Equal(["Yes", ", sure", "."], pieces.Select(u => u.Content));
        Assert.Equal([-0.01, -0.75, -0.5], pieces.Select(u => Assert.Single(((FlockLogprobs)u.Metadata![FlockMetadataKeys.Logprobs]!).Tokens).Logprob));
        Assert.Same(pieces[^1].Metadata![FlockMetadataKeys.Logprobs], ((FlockMetadata)pieces[^1].Metadata!).Logprobs);
        Assert.Equal("stop", pieces[^1].Metadata![FlockMetadataKeys.FinishReason]);
        Assert.Contains("\"logprobs\":true", handler.SingleRequest.Body);
    }

    [Fact]
    public async Task Both_stacks_read_the_same_tokens_from_the_same_stream()
    {
        var handler = new RecordingHandler().EnqueueSse(Stream()).EnqueueSse(Stream());

        var sk = await TestSk.Service(handler).GetStreamingChatMessageContentsAsync(TestSk.History()).ToListAsync();
        var meai = await TestFlock.ChatClient(handler).GetStreamingResponseAsync("Hi").ToListAsync();

        var skTokens = sk.Select(u => u.Metadata?.GetValueOrDefault(FlockMetadataKeys.Logprobs) as FlockLogprobs).OfType<FlockLogprobs>().SelectMany(l => l.Tokens);
        var meaiTokens = meai.Select(u => u.AdditionalProperties?.GetValueOrDefault(FlockPropertyNames.Logprobs) as FlockLogprobs).OfType<FlockLogprobs>().SelectMany(l => l.Tokens);
        Assert.Equal(["Yes", ", sure", "."], meaiTokens.Select(t => t.Token));
        Assert.Equal(meaiTokens.Select(t => (t.Token, t.Logprob)), skTokens.Select(t => (t.Token, t.Logprob)));
    }
}
