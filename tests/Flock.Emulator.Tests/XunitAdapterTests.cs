using Flock.Emulator.Xunit;
using Microsoft.Extensions.AI;

namespace Flock.Emulator.Tests;

/// <summary>The xUnit adapter used as a user would: a fresh emulator per test.</summary>
public sealed class XunitPerTestFixtureTests : FlockEmulatorTest
{
    protected override FlockEmulatorOptions CreateOptions()
    {
        var options = base.CreateOptions();
        options.Models.Clear();
        options.Models.Add("my-model");
        return options;
    }

    [Fact]
    public async Task EachTestGetsAnEmulatorStartedWithItsOptions()
    {
        using var client = Emulator.CreateChatClient();
        var response = await client.GetResponseAsync("Hi");

        Assert.Equal(["my-model"], Emulator.Models);
        Assert.Contains("my-model", response.Text);
        Emulator.AssertSingleChat().AssertParameter("model", "\"my-model\"");
    }
}

/// <summary>The xUnit adapter's shared fixture: one emulator for the class, reset by each test.</summary>
public sealed class XunitSharedFixtureTests : IClassFixture<FlockEmulatorFixture>
{
    private readonly FlockEmulator _emulator;

    public XunitSharedFixtureTests(FlockEmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.Reset();
    }

    [Theory]
    [InlineData("first")]
    [InlineData("second")]
    public async Task EveryTestStartsFromAResetEmulator(string question)
    {
        Assert.Empty(_emulator.Requests);
        _emulator.Enqueue(ScriptedReply.Text(question + " answer") with { Times = 2 });
        using var client = _emulator.CreateChatClient();

        Assert.Equal(question + " answer", (await client.GetResponseAsync(question)).Text);
        Assert.Single(_emulator.ChatRequests);
    }
}
