using System.Text.Json;

namespace Flock.SemanticKernel.Tests;

/// <summary>The SK results' metadata: a read-only dictionary under FlockMetadataKeys with the same values typed.</summary>
public sealed class FlockMetadataTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1735689700);
    private static readonly FlockUsage Usage = new() { PromptTokens = 11, CompletionTokens = 3, TotalTokens = 14 };

    [Fact]
    public void Exposes_exactly_the_entries_it_was_given_in_key_order()
    {
        var metadata = new FlockMetadata(
            FlockMetadata.Entries.Id | FlockMetadata.Entries.Created | FlockMetadata.Entries.FinishReason | FlockMetadata.Entries.Usage | FlockMetadata.Entries.SystemFingerprint,
            "chatcmpl-1", Created, "stop", Usage, null, null);

        Assert.Equal(5, metadata.Count);
        Assert.Equal(
            [FlockMetadataKeys.Id, FlockMetadataKeys.Created, FlockMetadataKeys.FinishReason, FlockMetadataKeys.Usage, FlockMetadataKeys.SystemFingerprint],
            ((IReadOnlyDictionary<string, object?>)metadata).Keys);
        Assert.Equal(["chatcmpl-1", Created, "stop", Usage, null], metadata.Values);
        Assert.Equal("chatcmpl-1", metadata[FlockMetadataKeys.Id]);
        Assert.Equal(Created, metadata[FlockMetadataKeys.Created]);
        Assert.Same(Usage, metadata[FlockMetadataKeys.Usage]);
        Assert.True(metadata.ContainsKey(FlockMetadataKeys.SystemFingerprint));
        Assert.Null(metadata[FlockMetadataKeys.SystemFingerprint]);
    }

    [Fact]
    public void Absent_and_unknown_keys_are_missing()
    {
        var metadata = new FlockMetadata(FlockMetadata.Entries.Id | FlockMetadata.Entries.Usage, "chatcmpl-2", Created, "stop", Usage, "fp", null);

        Assert.False(metadata.ContainsKey(FlockMetadataKeys.FinishReason));
        Assert.False(metadata.TryGetValue(FlockMetadataKeys.Created, out _));
        Assert.False(metadata.TryGetValue("Nope", out _));
        Assert.Throws<KeyNotFoundException>(() => metadata[FlockMetadataKeys.Logprobs]);
        Assert.Equal(2, metadata.Count);
        Assert.Equal([FlockMetadataKeys.Id, FlockMetadataKeys.Usage], metadata.Select(p => p.Key));
    }

    [Fact]
    public void Typed_properties_carry_the_values_and_it_serializes_as_a_dictionary()
    {
        var logprobs = new FlockLogprobs([new FlockTokenLogprob("Hi", -0.5, "Hi"u8.ToArray(), [])]);
        var metadata = new FlockMetadata(
            FlockMetadata.Entries.Id | FlockMetadata.Entries.Logprobs | FlockMetadata.Entries.Cost, "chatcmpl-3", null, null, null, null, logprobs, 0.0000042m);

        Assert.Equal("chatcmpl-3", metadata.Id);
        Assert.Same(logprobs, metadata.Logprobs);
        Assert.Equal(0.0000042m, metadata.Cost);
        Assert.Equal([FlockMetadataKeys.Id, FlockMetadataKeys.Logprobs, FlockMetadataKeys.Cost], metadata.Select(p => p.Key));
        var json = JsonSerializer.Serialize<IReadOnlyDictionary<string, object?>>(metadata, new JsonSerializerOptions(JsonSerializerOptions.Default));
        Assert.Equal("""{"Id":"chatcmpl-3","Logprobs":{"Tokens":[{"Token":"Hi","Logprob":-0.5,"Bytes":[72,105],"TopLogprobs":[]}]},"Cost":0.0000042}""", json);
    }
}
