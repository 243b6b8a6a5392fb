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
        var metadata = new FlockMetadata(new()
        {
            [FlockMetadataKeys.Id] = "chatcmpl-1",
            [FlockMetadataKeys.Created] = Created,
            [FlockMetadataKeys.FinishReason] = "stop",
            [FlockMetadataKeys.Usage] = Usage,
            [FlockMetadataKeys.SystemFingerprint] = null,
        });

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
        var metadata = new FlockMetadata(new() { [FlockMetadataKeys.Id] = "chatcmpl-2", [FlockMetadataKeys.Usage] = Usage });

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
        var entries = new Dictionary<string, object?> { [FlockMetadataKeys.Id] = "chatcmpl-3" };
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.Created, null);
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.Logprobs, logprobs);
        FlockMetadata.AddKnown(entries, FlockMetadataKeys.Cost, 0.0000042m);
        var metadata = new FlockMetadata(entries);

        Assert.Equal("chatcmpl-3", metadata.Id);
        Assert.Same(logprobs, metadata.Logprobs);
        Assert.Equal(0.0000042m, metadata.Cost);
        Assert.Null(metadata.Created);
        Assert.Null(metadata.Usage);
        Assert.Equal([FlockMetadataKeys.Id, FlockMetadataKeys.Logprobs, FlockMetadataKeys.Cost], metadata.Select(p => p.Key));
        var json = JsonSerializer.Serialize<IReadOnlyDictionary<string, object?>>(metadata, new JsonSerializerOptions(JsonSerializerOptions.Default));
        Assert.Equal("""{"Id":"chatcmpl-3","Logprobs":{"Tokens":[{"Token":"Hi","Logprob":-0.5,"Bytes":[72,105],"TopLogprobs":[]}]},"Cost":0.0000042}""", json);
    }
}
