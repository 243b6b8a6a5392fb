using System.Text;
using Flock.Extensions.AI;
using Flock.SemanticKernel.Mapping;
using Microsoft.Extensions.AI;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.SemanticKernel.Tests.Mapping;

/// <summary>
/// The bridge adds a streamed piece's text item itself instead of through SK's constructor (which searches the items twice
/// more to do it): what the caller gets must be exactly what SK's constructor would have built.
/// </summary>
public sealed class StreamingResultsTests
{
    [Fact]
    public void A_text_piece_is_the_content_sks_constructor_would_build_from_the_same_values()
    {
        var update = new ChatResponseUpdate(ChatRole.Assistant, "Hel")
        {
            ModelId = "qwen3-8b",
            ResponseId = "chatcmpl-1",
            CreatedAt = DateTimeOffset.FromUnixTimeSeconds(1_750_000_000),
            AdditionalProperties = new() { [FlockPropertyNames.ChoiceIndex] = 2 },
        };

        var content = new StreamingResults("default-model", kernel: null).ToContent(update)!;
        var sks = new StreamingChatMessageContent(AuthorRole.Assistant, "Hel", null, 2, "qwen3-8b", Encoding.UTF8, content.Metadata);

        Assert.Equal(sks.Content, content.Content);
        Assert.Equal(sks.Role, content.Role);
        Assert.Equal(sks.ChoiceIndex, content.ChoiceIndex);
        Assert.Equal(sks.ModelId, content.ModelId);
        Assert.Equal(sks.Encoding, content.Encoding);
        Assert.Equal(sks.ToByteArray(), content.ToByteArray());
        Assert.Equal("Hel", content.ToString());

        var expected = Assert.IsType<StreamingTextContent>(Assert.Single(sks.Items));
        var actual = Assert.IsType<StreamingTextContent>(Assert.Single(content.Items));
        Assert.Equal(expected.Text, actual.Text);
        Assert.Equal(expected.ChoiceIndex, actual.ChoiceIndex);
        Assert.Equal(expected.ModelId, actual.ModelId);
        Assert.Equal(expected.Encoding, actual.Encoding);
        Assert.Equal(expected.InnerContent, actual.InnerContent);
        Assert.Same(expected.Metadata, actual.Metadata);

        // It is SK's own item, live: setting Content through SK's setter changes it, as it would SK's.
        content.Content = "Hello";
        Assert.Equal("Hello", actual.Text);
    }

    [Fact]
    public void A_piece_without_text_has_no_text_item()
    {
        var update = new ChatResponseUpdate { Role = ChatRole.Assistant, ResponseId = "chatcmpl-1", FinishReason = ChatFinishReason.Stop };

        var content = new StreamingResults("default-model", kernel: null).ToContent(update)!;

        Assert.Null(content.Content);
        Assert.Empty(content.Items);
        Assert.Equal("default-model", content.ModelId);
    }
}
