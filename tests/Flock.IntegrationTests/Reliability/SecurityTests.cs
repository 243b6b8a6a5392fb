using System.Net;
using Flock.Extensions.AI;
using Flock.Emulator;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel.ChatCompletion;

namespace Flock.IntegrationTests.Reliability;

/// <summary>Where the key goes (only to the endpoint, only in its header), plain HTTP, and what logs may hold.</summary>
public sealed class SecurityTests : EmulatorTest
{
    public static TheoryData<string, string, bool> RedirectCases()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var path in new[] { "owned", "di" })
        {
            foreach (var adapter in new[] { "sk", "meai" })
            {
                data.Add(path, adapter, false);
                data.Add(path, adapter, true);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RedirectCases))]
    public async Task A_redirect_to_another_origin_never_carries_the_key(string path, string adapter, bool streaming)
    {
        await using var elsewhere = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = Emulator.ApiKey });
        Emulator.Enqueue(ScriptedReply.Redirect(307, new Uri(elsewhere.Endpoint + "/chat/completions")));

        var outcome = path == "owned"
            ? await Calls.RunAsync(adapter, streaming, new FlockClient(Options()))
            : await ViaDependencyInjectionAsync(adapter, streaming);

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.Contains("another origin", ex.Message);
        Assert.Empty(elsewhere.Requests);
        Assert.Single(Emulator.Requests);
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task A_same_origin_redirect_is_followed_with_the_key(string adapter, bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Redirect(308, new Uri(Emulator.Endpoint + "/chat/completions"))).Enqueue(ScriptedReply.Text("Moved here."));

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options()));

        Assert.Null(outcome.Error);
        Assert.Equal("Moved here.", outcome.Text);
        Assert.Equal(2, Emulator.Requests.Count);
        Assert.All(Emulator.Requests, r => Assert.Equal(Emulator.ApiKey, r.Header("x-litellm-api-key")));
    }

    [Theory]
    [MemberData(nameof(Calls.AdaptersAndModes), MemberType = typeof(Calls))]
    public async Task A_user_http_client_that_follows_a_cross_origin_redirect_is_refused(string adapter, bool streaming)
    {
        // HttpClientHandler follows redirects and forwards custom headers, so the key has already left: the library cannot
        // stop that (docs/reliability-and-security.md says to turn AllowAutoRedirect off), but it must say so loudly and not use the foreign answer.
        await using var elsewhere = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = Emulator.ApiKey });
        Emulator.Enqueue(ScriptedReply.Redirect(307, new Uri(elsewhere.Endpoint + "/chat/completions")));
        using var http = new HttpClient(new HttpClientHandler());

        var outcome = await Calls.RunAsync(adapter, streaming, new FlockClient(Options(), http));

        var ex = HostileServerTests.Flock<FlockException>(outcome.Error);
        Assert.Contains("AllowAutoRedirect", ex.Message);
        Assert.Empty(outcome.Texts);
    }

    [Theory]
    [InlineData("http://api.example.com/v1", false, false)]
    [InlineData("http://10.0.0.5:8000/v1", false, false)]
    [InlineData("http://api.example.com/v1", true, true)]
    [InlineData("http://localhost:8000/v1", false, true)]
    [InlineData("http://127.0.0.1:8000/v1", false, true)]
    [InlineData("http://[::1]:8000/v1", false, true)]
    [InlineData("https://api.example.com/v1", false, true)]
    public void Plain_http_off_loopback_is_refused_unless_opted_in(string endpoint, bool optIn, bool allowed)
    {
        var options = new FlockOptions { ApiKey = "sk-test-key-0000", Endpoint = new Uri(endpoint), AllowInsecureEndpoint = optIn, ModelId = Model };

        var direct = Record.Exception(() => new FlockClient(options));
        var services = new ServiceCollection().AddLogging();
        services.AddFlockChatClient(options);
        using var provider = services.BuildServiceProvider();
        var viaDi = Record.Exception(() => provider.GetRequiredService<IChatClient>());

        if (allowed)
        {
            Assert.Null(direct);
            Assert.Null(viaDi);
        }
        else
        {
            Assert.Contains("AllowInsecureEndpoint", Assert.IsType<ArgumentException>(direct).Message);
            Assert.NotNull(viaDi);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_key_appears_nowhere_in_a_failing_run(bool logBodies)
    {
        const string Key = "sk-flock-LEAKCHECK-0123456789abcdef";
        const string WrongKey = "sk-flock-WRONGKEY-fedcba9876543210";
        // One fake clock for the emulator and every client: time moves only when the timeout step below moves it.
        var clock = new WatchedClock();
        await using var flock = await FlockEmulator.StartAsync(new FlockEmulatorOptions { ApiKey = Key, TimeProvider = clock });
        var logs = new CapturingLoggerFactory(LogLevel.Trace);
        var texts = new List<string>();

        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace));
        services.AddSingleton<ILoggerFactory>(logs);
        services.AddSingleton<TimeProvider>(clock);
        // Retries at once: every retry is still made (and logged), with no backoff to wait out on the stopped clock.
        var options = new FlockOptions { ApiKey = Key, Endpoint = flock.Endpoint, ModelId = Model, LogBodies = logBodies, RetryBaseDelay = TimeSpan.Zero, RequestTimeout = TimeSpan.FromMilliseconds(500) };
        services.AddFlockChatCompletion(options);
        services.AddFlockChatClient(options);
        await using var provider = services.BuildServiceProvider();
        var sk = provider.GetRequiredService<IChatCompletionService>();
        var meai = provider.GetRequiredService<IChatClient>();
        var direct = new FlockClient(options.Clone(), null, logs, clock);
        var wrong = new FlockClient(new FlockOptions { ApiKey = WrongKey, Endpoint = flock.Endpoint, ModelId = Model, LogBodies = logBodies }, null, logs, clock);

        // The proxy echoes a masked key on 401; a 500 body and a 502 page quote the full key; a stream error does too.
        flock.Enqueue(ScriptedReply.Error(500, $"upstream rejected key {Key} (full echo)") with { Times = 3 });
        flock.Enqueue(ScriptedReply.RawBody(502, "text/html", $"<html><body>bad gateway for {Key}</body></html>") with { Times = 3 });
        flock.Enqueue(ScriptedReply.Text("Some text before the failure.").FailMidStream($"Traceback: key={Key} rejected", afterChunks: 2) with { ChunkSize = 5 });
        flock.Enqueue(ScriptedReply.Text("Some text before the failure.").FailMidStream($"Traceback: key={Key} rejected", afterChunks: 2) with { ChunkSize = 5 });

        texts.Add((await Calls.CompleteAsync("sk", wrong)).Error!.ToString());
        texts.Add((await Calls.StreamAsync("meai", wrong)).Error!.ToString());
        texts.Add(Describe(await Record.ExceptionAsync(() => sk.GetChatMessageContentAsync("Hi"))));
        texts.Add(Describe(await Record.ExceptionAsync(async () => await meai.GetStreamingResponseAsync("Hi").ToListAsync())));
        texts.Add(Describe(await Record.ExceptionAsync(async () => await sk.GetStreamingChatMessageContentsAsync("Hi").ToListAsync())));

        // And a timeout: the emulator holds its answer for 3 s of the clock; once it waits, 500 ms pass and the client gives up.
        flock.Enqueue(ScriptedReply.Text("slow") with { Delay = TimeSpan.FromSeconds(3) });
        var slow = Record.ExceptionAsync(async () => await meai.GetStreamingResponseAsync("Hi").ToListAsync());
        await clock.WaitForTimerAsync(TimeSpan.FromSeconds(3));
        clock.Advance(options.RequestTimeout);
        var timedOut = Assert.IsType<FlockTimeoutException>(await slow);
        texts.Add(Describe(timedOut));
        clock.Advance(TimeSpan.FromSeconds(3)); // the emulator's held answer ends too

        flock.Enqueue(ScriptedReply.Text("A fine answer."));
        texts.Add(Describe(await Record.ExceptionAsync(() => meai.GetResponseAsync("Hi"))));
        texts.Add((await Calls.CompleteAsync("sk", direct)).Text);
        texts.Add(Describe(await Record.ExceptionAsync(() => new FlockClient(options.Clone(), null, logs, clock).ListModelsAsync())) ?? "");

        texts.AddRange([options.ToString(), direct.ToString(), wrong.ToString(), sk.ToString()!, meai.ToString()!,
            new FlockChatClient(direct).ToString(), new FlockChatCompletionService(direct).ToString(), new FlockPromptExecutionSettings { Temperature = 0.5 }.ToString()!]);

        Assert.Equal(FlockTimeoutKind.Request, timedOut.Kind);
        Assert.Contains(logs.Lines, l => l.Contains("rejected", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("***", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("sk-...3210", StringComparison.Ordinal)); // the proxy's own mask is fine
        foreach (var text in texts.Concat(logs.Lines))
        {
            Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(WrongKey, text, StringComparison.Ordinal);
            Assert.DoesNotContain("LEAKCHECK", text, StringComparison.Ordinal);
            Assert.DoesNotContain("WRONGKEY", text, StringComparison.Ordinal);
        }

        static string Describe(Exception? ex) => ex is FlockException f ? $"{f} | {f.ResponseContent} | {f.ErrorType} {f.ErrorParam} {f.ErrorCode}" : ex?.ToString() ?? "";
    }

    [Theory]
    [InlineData(LogLevel.Trace, true, true)]
    [InlineData(LogLevel.Trace, false, false)]
    [InlineData(LogLevel.Debug, true, false)]
    [InlineData(LogLevel.Information, true, false)]
    public async Task Bodies_are_logged_only_at_trace_and_only_when_opted_in(LogLevel level, bool logBodies, bool expectBodies)
    {
        Emulator.Enqueue(ScriptedReply.Text("RESPONSE-MARKER one two three.")).Enqueue(ScriptedReply.Text("RESPONSE-MARKER streamed."));
        var logs = new CapturingLoggerFactory(level);
        var client = new FlockClient(Options(o => o.LogBodies = logBodies), null, logs);
        var chat = new FlockChatClient(client);

        await chat.GetResponseAsync("REQUEST-MARKER please");
        await chat.GetStreamingResponseAsync("REQUEST-MARKER streaming").ToListAsync();

        Assert.Contains(logs.Lines, l => !l.StartsWith("Trace", StringComparison.Ordinal));
        var withRequest = logs.Lines.Where(l => l.Contains("REQUEST-MARKER", StringComparison.Ordinal)).ToList();
        var withResponse = logs.Lines.Where(l => l.Contains("RESPONSE-MARKER", StringComparison.Ordinal)).ToList();
        if (expectBodies)
        {
            Assert.Equal(2, withRequest.Count);
            Assert.Single(withResponse); // the non-streaming body; stream chunks are not logged one by one
            Assert.All(withRequest.Concat(withResponse), l => Assert.StartsWith("Trace", l, StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(withRequest);
            Assert.Empty(withResponse);
        }
    }

    private async Task<Calls.Outcome> ViaDependencyInjectionAsync(string adapter, bool streaming)
    {
        var services = new ServiceCollection();
        if (adapter == "sk")
        {
            services.AddFlockChatCompletion(Options());
        }
        else
        {
            services.AddFlockChatClient(Options());
        }

        await using var provider = services.BuildServiceProvider();
        var client = adapter == "sk"
            ? (FlockClient)typeof(FlockChatCompletionService).GetField("_client", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(provider.GetRequiredService<IChatCompletionService>())!
            : provider.GetRequiredService<IChatClient>().GetService<FlockClient>()!;
        return await Calls.RunAsync(adapter, streaming, client);
    }
}
