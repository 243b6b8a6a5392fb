using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Flock.Aspire.Hosting.Tests;

/// <summary>The app model the hosting integration builds, checked without starting it.</summary>
public sealed class FlockResourceBuilderTests
{
    [Fact]
    public async Task TheRealServiceGivesItsEndpointAndTheKeyParameterInTheConnectionString()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["Parameters:flock-key"] = "sk-param-1";
        var flock = builder.AddFlock("flock");
        var chat = flock.AddModel("chat", "qwen3-30b-a3b-instruct-2507");

        Assert.Equal("Endpoint=https://api.flock.io/v1;Key=sk-param-1;Model=qwen3-30b-a3b-instruct-2507", await chat.Resource.ConnectionStringExpression.GetValueAsync(default));
        Assert.True(flock.Resource.ApiKey.Secret);
        Assert.Equal("flock-key", flock.Resource.ApiKey.Name);
        Assert.Contains(builder.Resources, r => r.Name == "flock-key");
        Assert.False(flock.Resource.IsEmulated);
        Assert.Equal("Endpoint=https://proxy.example/v1;Key=sk-param-1", await flock.WithEndpoint("https://proxy.example/v1/").Resource.ConnectionStringExpression.GetValueAsync(default));
    }

    [Theory]
    [InlineData("api.flock.io/v1")]
    [InlineData("ftp://api.flock.io/v1")]
    public void WithEndpointRefusesAnAddressThatIsNotAbsoluteHttp(string endpoint)
    {
        var flock = DistributedApplicationTestingBuilder.Create().AddFlock("flock");

        var ex = Assert.Throws<ArgumentException>(() => flock.WithEndpoint(endpoint));

        Assert.Equal("endpoint", ex.ParamName);
        Assert.Contains("absolute http or https", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithApiKeyTakesOnlyASecretParameterAndDropsTheDefaultOne()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["Parameters:my-key"] = "sk-mine";
        builder.Configuration["Parameters:plain"] = "x";
        var flock = builder.AddFlock("flock");

        Assert.Throws<ArgumentException>(() => flock.WithApiKey(builder.AddParameter("plain")));
        flock.WithApiKey(builder.AddParameter("my-key", secret: true));

        Assert.DoesNotContain(builder.Resources, r => r.Name == "flock-key");
        Assert.Equal("Endpoint=https://api.flock.io/v1;Key=sk-mine", await flock.Resource.ConnectionStringExpression.GetValueAsync(default));
    }

    [Fact]
    public void RunAsEmulatorAddsAnExecutableChildAndMarksTheResourceEmulated()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var flock = builder.AddFlock("flock").RunAsEmulator();

        var emulator = Assert.Single(builder.Resources.OfType<FlockEmulatorResource>());
        Assert.Equal("flock-emulator", emulator.Name);
        Assert.Same(flock.Resource, emulator.Parent);
        Assert.Same(emulator, flock.Resource.Emulator);
        Assert.True(flock.Resource.IsEmulator());
        Assert.DoesNotContain(builder.Resources, r => r.Name == "flock-key");
        Assert.Throws<InvalidOperationException>(() => flock.RunAsEmulator());
    }

    [Fact]
    public async Task ARecordingEmulatorGetsTheKeyInItsEnvironmentOnly()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.Configuration["Parameters:flock-key"] = "sk-record-1";
        var flock = builder.AddFlock("flock").RunAsEmulator(e => e.WithRecording("recordings"));

        var emulator = Assert.Single(builder.Resources.OfType<FlockEmulatorResource>());
        var environment = await emulator.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);

        Assert.Equal("sk-record-1", environment["FLOCK_API_KEY"]);
        Assert.Contains(builder.Resources, r => r.Name == "flock-key");
        Assert.True(flock.Resource.IsEmulated);
    }

    [Fact]
    public void RecordReplayAndScriptDoNotGoTogether()
    {
        var script = Path.GetTempFileName();
        try
        {
            Assert.Throws<InvalidOperationException>(() =>
                DistributedApplicationTestingBuilder.Create().AddFlock("flock").RunAsEmulator(e => e.WithRecording("a").WithReplay("b")));
            Assert.Throws<InvalidOperationException>(() =>
                DistributedApplicationTestingBuilder.Create().AddFlock("flock").RunAsEmulator(e => e.WithReplay("b").WithScript(script)));
            Assert.Throws<FileNotFoundException>(() =>
                DistributedApplicationTestingBuilder.Create().AddFlock("flock").RunAsEmulator(e => e.WithScript("no-such-script.json")));
        }
        finally
        {
            File.Delete(script);
        }
    }
}
