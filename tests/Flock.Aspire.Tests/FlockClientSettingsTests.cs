using Flock.Aspire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Flock.Aspire.Tests;

/// <summary>Where the client integration's settings come from, in which order, and how a bad connection string is refused.</summary>
public sealed class FlockClientSettingsTests
{
    private const string Secret = "sk-very-secret-1234";

    [Fact]
    public void SectionsThenConnectionStringThenDelegateEachOverrideTheOneBefore()
    {
        var builder = Builder(new()
        {
            ["Aspire:Flock:Endpoint"] = "https://section.example/v1",
            ["Aspire:Flock:Key"] = "sk-from-section",
            ["Aspire:Flock:Model"] = "model-from-section",
            ["Aspire:Flock:DisableTracing"] = "true",
            ["Aspire:Flock:chat:Model"] = "model-from-named-section",
            ["Aspire:Flock:chat:Key"] = "sk-from-named-section",
            ["Aspire:Flock:other:Model"] = "not-this-one",
            ["ConnectionStrings:chat"] = "Key=sk-from-connection-string;Endpoint=https://connection.example/v1",
        });
        FlockClientSettings? seen = null;

        var options = builder.AddFlockConnection("chat", s =>
        {
            seen = s;
            Assert.Equal("model-from-named-section", s.Model);
            s.Model = "model-from-delegate";
        });

        Assert.Equal(new Uri("https://connection.example/v1"), options.Endpoint);
        Assert.Equal("sk-from-connection-string", options.ApiKey);
        Assert.Equal("model-from-delegate", options.ModelId);
        Assert.True(seen!.DisableTracing);
        Assert.False(seen.DisableMetrics);
    }

    [Fact]
    public void TheEndpointDefaultsToFlocksAndConfigureOptionsRunsLast()
    {
        var options = Builder(new() { ["ConnectionStrings:chat"] = $"Key={Secret};Model=m" })
            .AddFlockConnection("chat", configureOptions: o => o.MaxRetries = 1);

        Assert.Equal(new Uri("https://api.flock.io/v1"), options.Endpoint);
        Assert.Equal(1, options.MaxRetries);
    }

    [Theory]
    [InlineData("Endpoint=http://127.0.0.1:5000/v1;Key=sk-a;Model=m", "http://127.0.0.1:5000/v1", "sk-a", "m")]
    [InlineData("model=m ; KEY=sk-a ; endpoint = http://127.0.0.1:5000/v1", "http://127.0.0.1:5000/v1", "sk-a", "m")]
    [InlineData("Endpoint=https://a.example/v1;Key=\"sk-with;semicolon=and-equals\";Model=m", "https://a.example/v1", "sk-with;semicolon=and-equals", "m")]
    [InlineData("Endpoint=https://a.example/v1;Key='sk-quoted';Model=qwen3-30b-a3b-instruct-2507;", "https://a.example/v1", "sk-quoted", "qwen3-30b-a3b-instruct-2507")]
    public void TheConnectionStringIsReadAsAspireReadsIt(string connectionString, string endpoint, string key, string model)
    {
        var settings = new FlockClientSettings();
        settings.ParseConnectionString(connectionString, "ConnectionStrings:chat");

        Assert.Equal(new Uri(endpoint), settings.Endpoint);
        Assert.Equal(key, settings.Key);
        Assert.Equal(model, settings.Model);
    }

    [Theory]
    [InlineData(Secret, "is malformed")]
    [InlineData($"Endpoint=https://a.example/v1;={Secret};Model=m", "is malformed")]
    [InlineData($"Key=\"{Secret};Model=m", "is malformed")]
    [InlineData($"Endpoint=https://a.example/v1;Key=sk-very;secret-1234=x;Model=m", "1 part(s) other than Endpoint, Key and Model")]
    [InlineData($"Endpoint=not a url;Key={Secret};Model=m", "Endpoint in the connection string 'ConnectionStrings:chat' is not an absolute http or https address")]
    [InlineData($"Endpoint=ftp://a.example/;Key={Secret};Model=m", "not an absolute http or https address")]
    public void AMalformedConnectionStringIsRefusedByPathWithoutEchoingTheKey(string connectionString, string fragment)
    {
        var builder = Builder(new() { ["ConnectionStrings:chat"] = connectionString });

        var ex = Assert.Throws<InvalidOperationException>(() => builder.AddFlockConnection("chat"));

        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        Assert.Contains("'ConnectionStrings:chat'", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingKeyOrModelNamesWhereToSetIt()
    {
        var noKey = Assert.Throws<InvalidOperationException>(() => Builder(new() { ["ConnectionStrings:chat"] = "Model=m" }).AddFlockConnection("chat"));
        var noModel = Assert.Throws<InvalidOperationException>(() => Builder(new() { ["Aspire:Flock:Key"] = Secret }).AddFlockConnection("chat"));

        Assert.Equal(
            "Flock's API key for 'chat' is missing: set Key in the connection string 'ConnectionStrings:chat' (an AppHost does it with WithReference), or 'Aspire:Flock:chat:Key'.",
            noKey.Message);
        Assert.Equal("The model for 'chat' is missing: set Model in the connection string 'ConnectionStrings:chat', or 'Aspire:Flock:chat:Model'.", noModel.Message);
        Assert.DoesNotContain(Secret, noModel.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("false", false)]
    [InlineData("1", false)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    public void SensitiveTelemetryIsOffUnlessTheGenAiCaptureVariableIsTrue(string? value, bool expected)
    {
        var configuration = new Dictionary<string, string?> { ["ConnectionStrings:chat"] = $"Key={Secret};Model=m" };
        if (value is not null)
        {
            configuration[FlockClientHostingExtensions.CaptureMessageContentVariable] = value;
        }

        Assert.Equal(expected, Builder(configuration).AddFlockConnection("chat").EnableSensitiveTelemetryData);
    }

    [Fact]
    public void SettingsOverrideTheCaptureVariableAndNeverShowTheKey()
    {
        var builder = Builder(new()
        {
            [FlockClientHostingExtensions.CaptureMessageContentVariable] = "true",
            ["Aspire:Flock:EnableSensitiveTelemetryData"] = "false",
            ["ConnectionStrings:chat"] = $"Key={Secret};Model=m",
        });
        FlockClientSettings? settings = null;

        var options = builder.AddFlockConnection("chat", s => settings = s);

        Assert.False(options.EnableSensitiveTelemetryData);
        Assert.DoesNotContain(Secret, settings!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Key = (set)", settings.ToString(), StringComparison.Ordinal);
    }

    internal static HostApplicationBuilder Builder(Dictionary<string, string?> configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(configuration);
        return builder;
    }
}
