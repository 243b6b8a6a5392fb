using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Flock.Emulator.Tool;

namespace Flock.Emulator.Tests;

/// <summary>flock-emulator's entry point run in-process on port 0: it says where it listens and serves its script there.</summary>
public sealed class ToolRunTests
{
    // A hang guard only: each step completes as soon as the tool has done it.
    private static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task StartsOnAFreePortPrintsTheEnvironmentLinesAndServesTheScriptUntilStopped()
    {
        var script = Path.Combine(Path.GetTempPath(), $"flock-tool-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(script, """{"replies": [{"text": "From the script file."}]}""");
        var output = new LineWriter();
        var error = new LineWriter();
        using var stop = new CancellationTokenSource();
        try
        {
            var run = EmulatorTool.RunAsync(["--port", "0", "--api-key", "sk-tool-test", "--script", script], _ => null, output, error, stop.Token);

            var lines = await output.ReadUntilAsync(l => l.StartsWith("Press Ctrl+C", StringComparison.Ordinal)).WaitAsync(HangGuard);
            var endpoint = Value(lines, "FLOCK_ENDPOINT=");
            Assert.Matches(@"^http://127\.0\.0\.1:\d+/v1$", endpoint);
            Assert.DoesNotContain(":8787/", endpoint, StringComparison.Ordinal);
            Assert.Equal($"Flock emulator listening on {endpoint}", lines[0]);
            Assert.Equal("sk-tool-test", Value(lines, "FLOCK_API_KEY="));
            Assert.Equal("qwen3-30b-a3b-instruct-2507", Value(lines, "FLOCK_MODEL="));
            Assert.Equal($"Endpoint={endpoint};Key=sk-tool-test;Model=qwen3-30b-a3b-instruct-2507", Value(lines, "ConnectionStrings__chat="));

            using var http = new HttpClient { Timeout = HangGuard };
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint + "/chat/completions")
            {
                Content = new StringContent("""{"model":"qwen3-30b-a3b-instruct-2507","messages":[{"role":"user","content":"Hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-litellm-api-key", "sk-tool-test");
            using var response = await http.SendAsync(request);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("From the script file.", (string?)answer["choices"]![0]!["message"]!["content"]);

            stop.Cancel();
            Assert.Equal(0, await run.WaitAsync(HangGuard));
            Assert.Contains("Stopping.", await output.ReadUntilAsync(l => l == "Stopping.").WaitAsync(HangGuard));
            Assert.Empty(error.Text);
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(endpoint + "/models"));
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task AnInvalidScriptStopsTheStartWithItsPathAndExitCodeOne()
    {
        var script = Path.Combine(Path.GetTempPath(), $"flock-tool-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(script, """{"replies": [{"text": "a", "chunkSize": "two"}]}""");
        var output = new LineWriter();
        var error = new LineWriter();
        try
        {
            var code = await EmulatorTool.RunAsync(["--port", "0", "--script", script], _ => null, output, error, CancellationToken.None).WaitAsync(HangGuard);

            Assert.Equal(EmulatorTool.StartError, code);
            Assert.Equal($"error: {script}: $.replies[0].chunkSize: expected a whole number, got the string \"two\".", error.Text.Trim());
            Assert.Empty(output.Text);
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task ABadOptionExitsWithCodeTwoAndHelpExitsWithZero()
    {
        var error = new LineWriter();
        Assert.Equal(EmulatorTool.UsageError, await EmulatorTool.RunAsync(["--colour"], _ => null, new LineWriter(), error, CancellationToken.None));
        Assert.StartsWith("error: Unknown option '--colour'.", error.Text, StringComparison.Ordinal);

        var help = new LineWriter();
        Assert.Equal(0, await EmulatorTool.RunAsync(["--help"], _ => null, help, new LineWriter(), CancellationToken.None));
        Assert.Equal(CommandLine.Usage.Trim(), help.Text.Trim());
    }

    private static string Value(IReadOnlyList<string> lines, string prefix) =>
        lines.Single(l => l.StartsWith(prefix, StringComparison.Ordinal))[prefix.Length..];

    /// <summary>A writer that hands each finished line to a reader as it is written.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly StringBuilder _all = new();
        private readonly StringBuilder _line = new();
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly List<string> _read = [];

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_all)
                {
                    return _all.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_all)
            {
                _all.Append(value);
                if (value == '\n')
                {
                    _lines.Writer.TryWrite(_line.ToString().TrimEnd('\r'));
                    _line.Clear();
                }
                else
                {
                    _line.Append(value);
                }
            }
        }

        /// <summary>Every line read so far, once one matches <paramref name="last"/>.</summary>
        public async Task<IReadOnlyList<string>> ReadUntilAsync(Func<string, bool> last)
        {
            while (true)
            {
                var line = await _lines.Reader.ReadAsync();
                _read.Add(line);
                if (last(line))
                {
                    return _read.ToArray();
                }
            }
        }
    }
}
