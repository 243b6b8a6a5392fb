using System.Text.RegularExpressions;
using Flock.Emulator.Tool;

namespace Flock.Emulator.Tests;

/// <summary>flock-emulator's command line: each option reaches the emulator's options, and a bad one is refused by name.</summary>
public sealed partial class ToolCommandLineTests
{
    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Fact]
    public void DefaultsAreTheDocumentedOnes()
    {
        var command = Parse();

        Assert.Equal(8787, command.Options.Port);
        Assert.Equal("127.0.0.1", command.Options.Host);
        Assert.Equal("sk-flock-emulator", command.Options.ApiKey);
        Assert.True(command.Options.AcceptAuthorizationHeader);
        Assert.False(command.Options.AllowNonLoopback);
        Assert.Equal(FlockEmulatorOptions.DefaultModels, command.Options.Models);
        Assert.Null(command.Options.ModelInfoStatus);
        Assert.Null(command.Options.Record);
        Assert.Null(command.Options.Replay);
        Assert.Null(command.ScriptPath);
        Assert.False(command.ShowHelp);
    }

    [Fact]
    public void EveryOptionReachesTheEmulatorOptions()
    {
        var command = Parse(
            "--port", "0", "--host=::1", "--allow-non-loopback", "--api-key", "sk-test", "--no-bearer",
            "--model", "m1", "--model=m2", "--add-model", "extra", "--model-info-status", "404", "--script", "s.json");

        Assert.Equal(0, command.Options.Port);
        Assert.Equal("::1", command.Options.Host);
        Assert.True(command.Options.AllowNonLoopback);
        Assert.Equal("sk-test", command.Options.ApiKey);
        Assert.False(command.Options.AcceptAuthorizationHeader);
        Assert.Equal(["m1", "m2", "extra"], command.Options.Models);
        Assert.Equal(404, command.Options.ModelInfoStatus);
        Assert.Equal(Path.GetFullPath("s.json"), command.ScriptPath);
        Assert.Equal(Path.GetFullPath("recordings"), Parse("--replay", "recordings").Options.Replay?.Directory);
    }

    [Theory]
    [InlineData("1s", 1000)]
    [InlineData("500ms", 500)]
    [InlineData("1.5m", 90_000)]
    [InlineData("2h", 7_200_000)]
    public void RateLimitOptionsReachTheEmulatorOptions(string window, int milliseconds)
    {
        var command = Parse("--rate-limit-requests", "200", "--rate-limit-tokens=5000", "--rate-limit-window", window, "--upstream-rate-limit-headers");

        Assert.Equal((200, 5000), (command.Options.RateLimitRequests, command.Options.RateLimitTokens));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), command.Options.RateLimitWindow);
        Assert.True(command.Options.UpstreamRateLimitHeaders);
        Assert.Null(Parse().Options.RateLimitRequests);
    }

    [Theory]
    [InlineData("--rate-limit-window", "fast")]
    [InlineData("--rate-limit-window", "0s")]
    [InlineData("--rate-limit-requests", "0")]
    [InlineData("--rate-limit-tokens", "-5")]
    public void RateLimitOptionsRefuseWhatCannotBeALimit(string option, string value)
    {
        var ex = Assert.Throws<CommandLineException>(() => Parse(option, value));

        Assert.Contains(option, ex.Message);
    }

    [Fact]
    public void AddModelKeepsTheDefaults()
    {
        var command = Parse("--add-model", "my-model", "--add-model", FlockEmulatorOptions.DefaultModels[0]);

        Assert.Equal([.. FlockEmulatorOptions.DefaultModels, "my-model"], command.Options.Models);
    }

    [Fact]
    public void RecordTakesTheKeyFromTheEnvironmentAndTheUpstreamFromTheOptionOrFlockEndpoint()
    {
        var environment = new Dictionary<string, string?> { ["FLOCK_API_KEY"] = "sk-real", ["FLOCK_ENDPOINT"] = "https://proxy.example/v1" };

        var fromEnvironment = CommandLine.Parse(["--record", "out"], name => environment.GetValueOrDefault(name)).Options.Record!;
        var fromOption = CommandLine.Parse(["--record", "out", "--upstream", "http://127.0.0.1:9/v1"], name => environment.GetValueOrDefault(name)).Options.Record!;
        environment.Remove("FLOCK_ENDPOINT");
        var byDefault = CommandLine.Parse(["--record", "out"], name => environment.GetValueOrDefault(name)).Options.Record!;

        Assert.Equal("sk-real", fromEnvironment.UpstreamApiKey);
        Assert.Equal(Path.GetFullPath("out"), fromEnvironment.Directory);
        Assert.Equal(new Uri("https://proxy.example/v1"), fromEnvironment.Upstream);
        Assert.Equal(new Uri("http://127.0.0.1:9/v1"), fromOption.Upstream);
        Assert.Equal(new Uri("https://api.flock.io/v1"), byDefault.Upstream);
    }

    [Theory]
    [InlineData("Unknown option '--prot'", "--prot", "1")]
    [InlineData("--port needs a value", "--port")]
    [InlineData("--port needs a value", "--port", "--no-bearer")]
    [InlineData("--port takes a whole number from 0 to 65535, got 'abc'", "--port", "abc")]
    [InlineData("--port takes a whole number from 0 to 65535, got '70000'", "--port=70000")]
    [InlineData("--port takes a whole number from 0 to 65535, got '-1'", "--port=-1")]
    [InlineData("--model-info-status takes a whole number from 400 to 599, got '200'", "--model-info-status", "200")]
    [InlineData("--no-bearer takes no value", "--no-bearer=true")]
    [InlineData("--api-key needs a non-empty value", "--api-key=")]
    [InlineData("--script is given twice", "--script", "a.json", "--script", "b.json")]
    [InlineData("--record and --replay cannot be used together", "--record", "a", "--replay", "b")]
    [InlineData("--upstream is the address --record forwards to", "--upstream", "http://127.0.0.1:9/v1")]
    [InlineData("--record needs FLOCK_API_KEY", "--record", "a")]
    [InlineData("--script does not apply with --replay", "--script", "s.json", "--replay", "b")]
    public void ABadCommandLineIsRefusedByName(string message, params string[] args)
    {
        var ex = Assert.Throws<CommandLineException>(() => CommandLine.Parse(args, name => NoEnvironment.GetValueOrDefault(name)));

        Assert.StartsWith(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUpstreamThatIsNotHttpIsRefusedWithoutEchoingTheKey()
    {
        var ex = Assert.Throws<CommandLineException>(() =>
            CommandLine.Parse(["--record", "a", "--upstream", "ftp://x/"], name => name == "FLOCK_API_KEY" ? "sk-secret-value" : null));

        Assert.Contains("--upstream must be an absolute http or https address", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-secret-value", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpListsEveryOptionTheParserKnowsAndNoOther()
    {
        var listed = OptionPattern().Matches(CommandLine.Usage).Select(m => m.Value).ToHashSet();
        string[] known = [.. CommandLine.ValueOptions, .. CommandLine.Flags];

        Assert.Empty(known.Except(listed));
        Assert.Empty(listed.Except(known));
        foreach (var option in CommandLine.Flags)
        {
            // Each one parses (the parser's switch and the lists agree).
            CommandLine.Parse([option], _ => null);
        }

        foreach (var option in CommandLine.ValueOptions.Where(o => o is not ("--record" or "--upstream" or "--replay")))
        {
            CommandLine.Parse([option, option switch { "--port" => "0", "--model-info-status" => "404", "--rate-limit-requests" or "--rate-limit-tokens" => "5", "--rate-limit-window" => "1s", _ => "x" }], _ => null);
        }

        Assert.True(Parse("--help").ShowHelp);
        Assert.True(Parse("-h").ShowHelp);
    }

    private static CommandLine Parse(params string[] args) => CommandLine.Parse(args, name => NoEnvironment.GetValueOrDefault(name));

    [GeneratedRegex(@"(?<![\w-])--?[a-z][a-z-]*(?=[\s,=]|$)", RegexOptions.Multiline)]
    private static partial Regex OptionPattern();
}
