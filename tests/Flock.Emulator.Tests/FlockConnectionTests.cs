namespace Flock.Emulator.Tests;

/// <summary>
/// FlockConnection reads the environment as documented: an in-process emulator only on an explicit opt-in, a key for any
/// endpoint (a standalone emulator's too), and a clear error naming the variable otherwise; the key never reaches the log.
/// </summary>
public sealed class FlockConnectionTests
{
    private const string Secret = "sk-real-key-never-logged";

    private static async Task<(FlockConnection Connection, string Log)> ConnectAsync(Dictionary<string, string?> environment, bool allowEmulator = false)
    {
        using var log = new StringWriter();
        var connection = await FlockConnection.FromEnvironmentAsync(name => environment.GetValueOrDefault(name), allowEmulator, log, CancellationToken.None);
        return (connection, log.ToString());
    }

    private static async Task<int> ListModelsStatusAsync(Uri endpoint, string key)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint + "/models");
        request.Headers.TryAddWithoutValidation("x-litellm-api-key", key);
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task AMissingKeyIsAnErrorUnlessTheEmulatorIsAllowed()
    {
        using var log = new StringWriter();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => FlockConnection.FromEnvironmentAsync(_ => null, allowEmulator: false, log, CancellationToken.None));

        Assert.Contains("FLOCK_API_KEY is not set", error.Message, StringComparison.Ordinal);
        Assert.Contains("FLOCK_EMULATOR=1", error.Message, StringComparison.Ordinal);
        Assert.Equal("", log.ToString());
    }

    [Fact]
    public async Task WithNoKeyAnAllowedEmulatorStartsInProcessAndAnswersWithItsOwnKey()
    {
        var (connection, log) = await ConnectAsync([], allowEmulator: true);
        await using (connection)
        {
            Assert.True(connection.IsEmulator);
            Assert.Equal(connection.Emulator!.Endpoint, connection.Endpoint);
            Assert.Equal(connection.Emulator.ApiKey, connection.ApiKey);
            Assert.Equal(FlockConnection.DefaultModelId, connection.ModelId);
            Assert.Equal($"No FLOCK_API_KEY set: using the offline Flock emulator at {connection.Endpoint} with model {FlockConnection.DefaultModelId}." + Environment.NewLine, log);
            Assert.Equal(200, await ListModelsStatusAsync(connection.Endpoint, connection.ApiKey));
        }
    }

    [Theory]
    [InlineData("1", false)]
    [InlineData("true", false)]
    [InlineData(" TRUE ", true)]
    public async Task FlockEmulatorVariableStartsAnEmulatorEvenWithAKeyAndSaysWhatItLeavesUnused(string value, bool allowEmulator)
    {
        var (connection, log) = await ConnectAsync(
            new() { ["FLOCK_EMULATOR"] = value, ["FLOCK_API_KEY"] = Secret, ["FLOCK_ENDPOINT"] = "https://proxy.example/v1", ["FLOCK_MODEL"] = "qwen3-235b-a22b-thinking-2507" },
            allowEmulator);
        await using (connection)
        {
            Assert.True(connection.IsEmulator);
            Assert.Equal(connection.Emulator!.ApiKey, connection.ApiKey);
            Assert.Equal("qwen3-235b-a22b-thinking-2507", connection.ModelId);
            Assert.StartsWith("FLOCK_EMULATOR=1: using the offline Flock emulator at ", log, StringComparison.Ordinal);
            Assert.Contains("(FLOCK_API_KEY and FLOCK_ENDPOINT not used)", log, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
            Assert.DoesNotContain(Secret, connection.ToString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("false")]
    [InlineData("")]
    public async Task FlockEmulatorVariableOffStartsNothing(string value)
    {
        await Assert.ThrowsAsync<InvalidOperationException>(() => ConnectAsync(new() { ["FLOCK_EMULATOR"] = value }));

        var (connection, _) = await ConnectAsync(new() { ["FLOCK_EMULATOR"] = value, ["FLOCK_API_KEY"] = Secret });
        await using (connection)
        {
            Assert.False(connection.IsEmulator);
        }
    }

    [Fact]
    public async Task AKeyAloneMeansTheFlockApiAndTheLogNamesNoKey()
    {
        var (connection, log) = await ConnectAsync(new() { ["FLOCK_API_KEY"] = Secret, ["FLOCK_MODEL"] = "deepseek-v3" }, allowEmulator: true);
        await using (connection)
        {
            Assert.False(connection.IsEmulator);
            Assert.Null(connection.Emulator);
            Assert.Equal(new Uri("https://api.flock.io/v1"), connection.Endpoint);
            Assert.Equal(Secret, connection.ApiKey);
            Assert.Equal("deepseek-v3", connection.ModelId);
            Assert.Equal("Using Flock at https://api.flock.io/v1 with model deepseek-v3." + Environment.NewLine, log);
            Assert.DoesNotContain(Secret, connection.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EndpointAndTheEmulatorsKeyReachAStandaloneEmulator()
    {
        // The standalone emulator (flock-emulator) stands for itself here: a server this process did not start through FlockConnection.
        await using var standalone = await FlockEmulator.StartAsync();

        var (connection, log) = await ConnectAsync(
            new() { ["FLOCK_ENDPOINT"] = standalone.Endpoint.ToString(), ["FLOCK_API_KEY"] = "sk-flock-emulator" },
            allowEmulator: true);
        await using (connection)
        {
            Assert.False(connection.IsEmulator);
            Assert.Equal(standalone.Endpoint, connection.Endpoint);
            Assert.Equal("sk-flock-emulator", connection.ApiKey);
            Assert.Equal($"Using Flock at {standalone.Endpoint} with model {FlockConnection.DefaultModelId}." + Environment.NewLine, log);
            Assert.Equal(200, await ListModelsStatusAsync(connection.Endpoint, connection.ApiKey));
            Assert.Single(standalone.Requests);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EndpointWithoutAKeyIsRefusedEvenWhenTheEmulatorIsAllowed(bool allowEmulator)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ConnectAsync(new() { ["FLOCK_ENDPOINT"] = "http://127.0.0.1:8787/v1" }, allowEmulator));

        Assert.Contains("FLOCK_ENDPOINT is set but FLOCK_API_KEY is not", error.Message, StringComparison.Ordinal);
        Assert.Contains("sk-flock-emulator", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("FLOCK_ENDPOINT", "not a url", "FLOCK_ENDPOINT must be an absolute http or https URL")]
    [InlineData("FLOCK_ENDPOINT", "/v1", "FLOCK_ENDPOINT must be an absolute http or https URL")]
    [InlineData("FLOCK_ENDPOINT", "ftp://127.0.0.1/v1", "FLOCK_ENDPOINT must be an absolute http or https URL")]
    [InlineData("FLOCK_EMULATOR", "yes", "FLOCK_EMULATOR must be 1 or true")]
    public async Task ABadValueIsRefusedByName(string name, string value, string expected)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => ConnectAsync(new() { ["FLOCK_API_KEY"] = Secret, [name] = value }, allowEmulator: true));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
    }
}
