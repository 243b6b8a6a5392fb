namespace Flock.Extensions.AI.Tests;

/// <summary>The core's 1.0 contract: its public types can grow without breaking callers compiled against 1.0.</summary>
public sealed class PublicApiContractTests
{
    [Fact]
    public void No_public_type_of_the_core_is_a_positional_record()
    {
        // A positional record's constructor and Deconstruct change with every member it gains; init properties do not.
        Assert.Empty(PublicApiShape.PositionalRecords(typeof(FlockClient).Assembly));
    }

    [Fact]
    public void The_check_sees_positional_records_and_only_them()
    {
        Assert.True(PublicApiShape.IsPositionalRecord(typeof(PositionalProbe)));
        Assert.True(PublicApiShape.IsPositionalRecord(typeof(PositionalStructProbe)));
        Assert.False(PublicApiShape.IsPositionalRecord(typeof(InitProbe)));
        Assert.False(PublicApiShape.IsPositionalRecord(typeof(HandWrittenDeconstructProbe)));
        Assert.False(PublicApiShape.IsPositionalRecord(typeof(FlockUsage)));
    }

    [Fact]
    public void The_shared_parameter_name_list_cannot_be_changed_through_a_cast()
    {
        var names = (IList<string>)FlockParameters.Names;

        Assert.Throws<NotSupportedException>(() => names[0] = "not_a_parameter");
        Assert.DoesNotContain("not_a_parameter", FlockParameters.Names);
    }

    private sealed record PositionalProbe(int Count, string Name);

    private readonly record struct PositionalStructProbe(int Count);

    private sealed record InitProbe
    {
        public int Count { get; init; }
    }

    private sealed class HandWrittenDeconstructProbe
    {
        public void Deconstruct(out int count) => count = 1;
    }
}
