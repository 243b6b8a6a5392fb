using Flock.Emulator.Xunit;
using Flock.Tests.Support;

namespace Flock.Emulator.Tests;

/// <summary>The emulator packages' 1.0 contract: their public types can grow without breaking tests compiled against 1.0.</summary>
public sealed class PublicApiContractTests
{
    [Fact]
    public void NoPublicTypeOfTheEmulatorPackagesIsAPositionalRecord()
    {
        // A positional record's constructor and Deconstruct change with every member it gains; init properties do not.
        Assert.Empty(PublicApiShape.PositionalRecords(typeof(FlockEmulator).Assembly));
        Assert.Empty(PublicApiShape.PositionalRecords(typeof(FlockEmulatorFixture).Assembly));
        Assert.Empty(PublicApiShape.PositionalRecords(typeof(Tool.EmulatorTool).Assembly));
    }

    [Fact]
    public void AScriptedToolCallIsRefinedWithWithAndRefusesNulls()
    {
        var call = new ScriptedToolCall("get_time", """{"zone":"CET"}""") with { Id = "call_fixed" };

        Assert.Equal(("get_time", """{"zone":"CET"}""", "call_fixed"), (call.Name, call.Arguments, call.Id));
        Assert.Equal(call, new ScriptedToolCall("get_time", """{"zone":"CET"}""", "call_fixed"));
        Assert.Throws<ArgumentNullException>("name", () => new ScriptedToolCall(null!, "{}"));
        Assert.Throws<ArgumentNullException>("arguments", () => new ScriptedToolCall("f", null!));
    }

    [Fact]
    public void TheModelListsEveryEmulatorSharesCannotBeChangedThroughACast()
    {
        var defaults = (IList<string>)FlockEmulatorOptions.DefaultModels;

        Assert.Throws<NotSupportedException>(() => defaults[0] = "not-a-model");
        Assert.DoesNotContain("not-a-model", FlockEmulatorOptions.DefaultModels);
    }
}
