using System.Diagnostics;
using System.Text.Json.Nodes;
using Flock.Emulator;
using Flock.Tests.Support;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Flock.IntegrationTests;

/// <summary>
/// OpenTelemetry through both adapters, captured with the in-memory exporter: the SK service (whose pipeline puts MEAI's
/// OpenTelemetryChatClient right over FlockChatClient) and a MEAI user's own OpenTelemetryChatClient over FlockChatClient
/// produce the same chat spans and the same <c>gen_ai.client.*</c> instruments, compared both ways.
/// Spans and metric points are filtered by this test's emulator port, since other tests may run at the same time.
/// </summary>
public sealed class TelemetryTests : EmulatorTest
{
    /// <summary>Attributes both adapters must set to the same value.</summary>
    private static readonly string[] SharedKeys =
    [
        "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model", "gen_ai.response.model",
        "gen_ai.response.finish_reasons", "gen_ai.usage.input_tokens", "gen_ai.usage.output_tokens",
        "gen_ai.request.max_tokens", "server.address", "server.port",
    ];

    private readonly List<Activity> _spans = [];
    private readonly List<MetricSnapshot> _metrics = [];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_and_meai_spans_carry_the_same_attributes(bool streaming)
    {
        using (Listen())
        {
            await SkCallAsync(SkService(), streaming, "Hello telemetry");
            await MeaiCallAsync(MeaiWithTelemetry(ChatClient()), streaming, "Hello telemetry");
        }

        var spans = Spans();
        Assert.Equal(2, spans.Count);
        var (sk, meai) = (spans[0], spans[1]);
        Assert.Equal($"chat {Model}", sk.DisplayName);
        Assert.Equal(meai.DisplayName, sk.DisplayName);
        Assert.Equal(ActivityKind.Client, sk.Kind);
        Assert.Equal(meai.Kind, sk.Kind);
        foreach (var key in SharedKeys)
        {
            Assert.True(Tag(meai, key) is not null, $"MEAI span lacks {key}");
            Assert.True(Tag(meai, key) == Tag(sk, key), $"{key}: SK {Tag(sk, key)}, MEAI {Tag(meai, key)}");
        }

        Assert.Equal("flock", Tag(sk, "gen_ai.provider.name"));
        Assert.Equal("chat", Tag(sk, "gen_ai.operation.name"));
        Assert.Equal("[\"stop\"]", Tag(sk, "gen_ai.response.finish_reasons"));
        Assert.Equal(0.2, Convert.ToDouble(sk.GetTagItem("gen_ai.request.temperature"), System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.Equal(0.2, Convert.ToDouble(meai.GetTagItem("gen_ai.request.temperature"), System.Globalization.CultureInfo.InvariantCulture), 3);
        Assert.StartsWith("chatcmpl-", Tag(sk, "gen_ai.response.id"));
        Assert.StartsWith("chatcmpl-", Tag(meai, "gen_ai.response.id"));
        Assert.Equal(streaming ? "True" : null, Tag(sk, "gen_ai.request.stream"));
        Assert.Equal(Tag(meai, "gen_ai.request.stream"), Tag(sk, "gen_ai.request.stream"));
        Assert.Equal(streaming, sk.GetTagItem("gen_ai.response.time_to_first_chunk") is double);
        Assert.Equal(streaming, meai.GetTagItem("gen_ai.response.time_to_first_chunk") is double);

        // The same attributes both ways, with the same values apart from the response id and the timing; no content without opting in.
        AssertSameSpan(sk, meai);
        Assert.All(spans, s => Assert.Null(s.GetTagItem("gen_ai.input.messages")));
        Assert.All(spans, s => Assert.Null(s.GetTagItem("gen_ai.output.messages")));
        AssertNoKey(spans);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Both_adapters_record_token_usage_and_duration_metrics(bool streaming)
    {
        using (Listen())
        {
            await SkCallAsync(SkService(), streaming, "Count my tokens");
            await MeaiCallAsync(MeaiWithTelemetry(ChatClient()), streaming, "Count my tokens");
        }

        var usage = Points("gen_ai.client.token.usage");
        var duration = Points("gen_ai.client.operation.duration");

        // Both adapters' instruments merge into one stream per name; each call contributes an input and an output count.
        Assert.Equal(2, usage.Where(p => PointTag(p, "gen_ai.token.type") == "input").Sum(p => p.GetHistogramCount()));
        Assert.Equal(2, usage.Where(p => PointTag(p, "gen_ai.token.type") == "output").Sum(p => p.GetHistogramCount()));
        Assert.Equal(2, duration.Sum(p => p.GetHistogramCount()));
        Assert.All(usage.Concat(duration), p =>
        {
            Assert.Equal("flock", PointTag(p, "gen_ai.provider.name"));
            Assert.Equal("chat", PointTag(p, "gen_ai.operation.name"));
            Assert.Equal(Model, PointTag(p, "gen_ai.request.model"));
            Assert.Equal(Model, PointTag(p, "gen_ai.response.model"));
        });
        Assert.True(usage.Where(p => PointTag(p, "gen_ai.token.type") == "input").All(p => p.GetHistogramSum() > 0));
        if (streaming)
        {
            Assert.Equal(2, Points("gen_ai.client.operation.time_to_first_chunk").Sum(p => p.GetHistogramCount()));
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_500_ends_both_spans_in_error(bool streaming)
    {
        Emulator.Enqueue(ScriptedReply.Error(500, "Internal failure upstream") with { Times = 2 });
        using (Listen())
        {
            // SK's convention outside (HttpOperationException), the core's exception inside and on the span.
            var sk = await Assert.ThrowsAsync<FlockHttpOperationException>(() => SkCallAsync(SkService(), streaming, "Fail please"));
            Assert.IsType<FlockException>(sk.InnerException);
            await Assert.ThrowsAsync<FlockException>(() => MeaiCallAsync(MeaiWithTelemetry(ChatClient()), streaming, "Fail please"));
        }

        var spans = Spans();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal(ActivityStatusCode.Error, span.Status);
            Assert.Equal(typeof(FlockException).FullName, Tag(span, "error.type"));
            Assert.Contains("Internal failure upstream", span.StatusDescription);
        });
        var failed = Points("gen_ai.client.operation.duration").Where(p => PointTag(p, "error.type") == typeof(FlockException).FullName);
        Assert.Equal(2, failed.Sum(p => p.GetHistogramCount()));
        AssertNoKey(spans);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Message_content_only_when_opted_in(bool streaming)
    {
        using (Listen())
        {
            await SkCallAsync(SkService(o => o.EnableSensitiveTelemetryData = true), streaming, "Secret question");
            await MeaiCallAsync(MeaiWithTelemetry(ChatClient(), sensitive: true), streaming, "Secret question");
            await SkCallAsync(SkService(), streaming, "Secret question");
        }

        var spans = Spans();
        Assert.Equal(3, spans.Count);
        var (sk, meai) = (spans[0], spans[1]);
        var input = JsonNode.Parse(Tag(sk, "gen_ai.input.messages")!)!;
        var output = JsonNode.Parse(Tag(sk, "gen_ai.output.messages")!)!;
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""[{"role":"system","parts":[{"type":"text","content":"Be brief."}]},{"role":"user","parts":[{"type":"text","content":"Secret question"}]}]"""),
            input), input.ToJsonString());
        Assert.Equal("assistant", output[0]!["role"]!.GetValue<string>());
        Assert.StartsWith("You", output[0]!["parts"]![0]!["content"]!.GetValue<string>());
        Assert.Contains("Secret question", output[0]!["parts"]![0]!["content"]!.GetValue<string>());
        Assert.Equal("stop", output[0]!["finish_reason"]!.GetValue<string>());

        // The same JSON on both paths, attribute for attribute.
        Assert.Equal(Tag(meai, "gen_ai.input.messages"), Tag(sk, "gen_ai.input.messages"));
        Assert.Equal(Tag(meai, "gen_ai.output.messages"), Tag(sk, "gen_ai.output.messages"));
        AssertSameSpan(sk, meai);

        Assert.Null(spans[2].GetTagItem("gen_ai.input.messages"));
        Assert.Null(spans[2].GetTagItem("gen_ai.output.messages"));
        AssertNoKey(spans);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_settings_give_the_same_request_attributes_as_meai_options(bool streaming)
    {
        var history = new ChatHistory("Be brief.");
        history.AddUserMessage("Answer in JSON");
        ChatMessage[] messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, "Answer in JSON")];
        var settings = new FlockPromptExecutionSettings
        {
            Temperature = 0.2, TopP = 0.9, MaxTokens = 50, Seed = 7, StopSequences = ["END"], FrequencyPenalty = 0.5, PresencePenalty = -0.5,
            ResponseFormat = "json_object",
        };
        var options = new ChatOptions
        {
            Temperature = 0.2f, TopP = 0.9f, MaxOutputTokens = 50, Seed = 7, StopSequences = ["END"], FrequencyPenalty = 0.5f, PresencePenalty = -0.5f,
            ResponseFormat = ChatResponseFormat.Json,
        };

        using (Listen())
        {
            var service = SkService();
            IChatClient client = MeaiWithTelemetry(ChatClient());
            if (streaming)
            {
                await service.GetStreamingChatMessageContentsAsync(history, settings).ToListAsync();
                await client.GetStreamingResponseAsync(messages, options).ToListAsync();
            }
            else
            {
                await service.GetChatMessageContentsAsync(history, settings);
                await client.GetResponseAsync(messages, options);
            }
        }

        var spans = Spans();
        Assert.Equal(2, spans.Count);
        AssertSameSpan(spans[0], spans[1]);
        Assert.Equal("json", Tag(spans[0], "gen_ai.output.type"));
        Assert.Equal("7", Tag(spans[0], "gen_ai.request.seed"));
        Assert.Equal("[\"END\"]", Tag(spans[0], "gen_ai.request.stop_sequences"));
        Assert.Equal(2, Emulator.Requests.Count(r => r.Json?["response_format"]?["type"]?.GetValue<string>() == "json_object"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sk_and_meai_record_the_same_instruments_both_ways(bool streaming)
    {
        // Separate captures, so each path's metric points can be compared with the other's.
        List<MetricSnapshot> skMetrics = [], meaiMetrics = [];
        using (Listen(skMetrics))
        {
            await SkCallAsync(SkService(), streaming, "Count my tokens and chunks");
        }

        using (Listen(meaiMetrics))
        {
            await MeaiCallAsync(MeaiWithTelemetry(ChatClient()), streaming, "Count my tokens and chunks");
        }

        var sk = Instruments(skMetrics);
        var meai = Instruments(meaiMetrics);
        Assert.Equal(meai.Keys.Order(), sk.Keys.Order());
        foreach (var (name, points) in meai)
        {
            Assert.True(points.SequenceEqual(sk[name]), $"{name}: SK {string.Join(" | ", sk[name])}, MEAI {string.Join(" | ", points)}");
        }

        Assert.Contains("gen_ai.client.operation.duration", sk.Keys);
        Assert.Contains("gen_ai.client.token.usage", sk.Keys);
        Assert.Equal(streaming, sk.ContainsKey("gen_ai.client.operation.time_to_first_chunk"));
        Assert.Equal(streaming, sk.ContainsKey("gen_ai.client.operation.time_per_output_chunk"));
    }

    [Fact]
    public async Task Sk_function_invocation_emits_one_chat_span_per_model_call()
    {
        Emulator.Enqueue(ScriptedReply.ToolCalls(new ScriptedToolCall("Clock_now", "{}")));
        Emulator.Enqueue(ScriptedReply.Text("It is noon."));
        var kernel = new Kernel();
        kernel.Plugins.AddFromFunctions("Clock", [KernelFunctionFactory.CreateFromMethod(() => "12:00", "now", "The time.")]);
        using (Listen())
        {
            var history = new ChatHistory("Be brief.");
            history.AddUserMessage("What time is it?");
            var settings = new FlockPromptExecutionSettings { FunctionChoiceBehavior = FunctionChoiceBehavior.Auto(), MaxTokens = 50 };
            var answer = await SkService().GetChatMessageContentAsync(history, settings, kernel);
            Assert.Equal("It is noon.", answer.Content);
        }

        var spans = Spans();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, span =>
        {
            Assert.Equal($"chat {Model}", span.DisplayName);
            Assert.Equal("flock", Tag(span, "gen_ai.provider.name"));
            Assert.Equal(Model, Tag(span, "gen_ai.response.model"));
            Assert.Equal("50", Tag(span, "gen_ai.request.max_tokens"));
            Assert.NotNull(Tag(span, "gen_ai.usage.output_tokens"));
        });
        Assert.Equal("[\"tool_calls\"]", Tag(spans[0], "gen_ai.response.finish_reasons"));
        Assert.Equal("[\"stop\"]", Tag(spans[1], "gen_ai.response.finish_reasons"));

        // Under the loop's span, as MEAI's function invocation emits it, and beside the tool's own span.
        List<Activity> all;
        lock (_spans)
        {
            all = [.. _spans];
        }

        var loop = Assert.Single(all, s => s.DisplayName == "orchestrate_tools" && spans.All(c => c.ParentSpanId == s.SpanId));
        Assert.Contains(all, s => s.DisplayName == "execute_tool Clock_now" && s.ParentSpanId == loop.SpanId);
    }

    [Fact]
    public async Task Di_registered_sk_service_emits_spans_when_a_listener_is_attached()
    {
        var services = new ServiceCollection();
        services.AddFlockChatCompletion(Options());
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatCompletionService>();

        using (Listen())
        {
            await chat.GetChatMessageContentAsync("Through DI");
        }

        Assert.Equal("flock", Tag(Assert.Single(Spans()), "gen_ai.provider.name"));
    }

    [Fact]
    public void Chat_client_metadata_names_provider_endpoint_and_model()
    {
        var metadata = ChatClient().GetService<ChatClientMetadata>()!;

        Assert.Equal(FlockTelemetry.ProviderName, metadata.ProviderName);
        Assert.Equal(Emulator.Endpoint, metadata.ProviderUri);
        Assert.Equal(Model, metadata.DefaultModelId);
    }

    [Fact]
    public async Task Logs_start_at_debug_and_completion_with_model_duration_and_tokens_at_information()
    {
        var logs = new CapturingLoggerFactory();
        using var factory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        var service = new FlockChatCompletionService(new FlockClient(Options(), loggerFactory: factory), Model);

        await service.GetChatMessageContentAsync("Log me");
        await foreach (var _ in service.GetStreamingChatMessageContentsAsync("Log me streaming"))
        {
        }

        var starts = logs.Entries.Where(e => e.Id == 1001).ToList();
        Assert.Equal(2, starts.Count);
        Assert.All(starts, e => Assert.Equal(LogLevel.Debug, e.Level));
        var completed = Assert.Single(logs.Entries, e => e.Id == 1002);
        var streamed = Assert.Single(logs.Entries, e => e.Id == 1007);
        foreach (var entry in new[] { completed, streamed })
        {
            Assert.Equal(LogLevel.Information, entry.Level);
            Assert.Contains($"model={Model}", entry.Message);
            Assert.Matches(@"duration=\d+ms", entry.Message);
            Assert.Matches(@"promptTokens=\d+ completionTokens=\d+", entry.Message);
        }

        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(Emulator.ApiKey, StringComparison.Ordinal));
    }

    private static async Task SkCallAsync(FlockChatCompletionService service, bool streaming, string question)
    {
        var history = new ChatHistory("Be brief.");
        history.AddUserMessage(question);
        var settings = new FlockPromptExecutionSettings { Temperature = 0.2, MaxTokens = 50 };
        if (streaming)
        {
            await foreach (var _ in service.GetStreamingChatMessageContentsAsync(history, settings))
            {
            }
        }
        else
        {
            await service.GetChatMessageContentsAsync(history, settings);
        }
    }

    private static async Task MeaiCallAsync(IChatClient client, bool streaming, string question)
    {
        ChatMessage[] messages = [new(ChatRole.System, "Be brief."), new(ChatRole.User, question)];
        var options = new ChatOptions { Temperature = 0.2f, MaxOutputTokens = 50 };
        if (streaming)
        {
            await foreach (var _ in client.GetStreamingResponseAsync(messages, options))
            {
            }
        }
        else
        {
            await client.GetResponseAsync(messages, options);
        }
    }

    private static IChatClient MeaiWithTelemetry(IChatClient client, bool sensitive = false) =>
        client.AsBuilder().UseOpenTelemetry(sourceName: FlockTelemetry.SourceName, configure: c => c.EnableSensitiveData = sensitive).Build();

    private Listening Listen(List<MetricSnapshot>? metrics = null) => new(
        Sdk.CreateTracerProviderBuilder().AddSource(FlockTelemetry.SourceName).AddInMemoryExporter(_spans).Build(),
        Sdk.CreateMeterProviderBuilder().AddMeter(FlockTelemetry.SourceName).AddInMemoryExporter(metrics ?? _metrics).Build());

    /// <summary>Two chat spans agree: name, kind, status and every attribute both ways, values equal but for the call's own id and timing.</summary>
    private static void AssertSameSpan(Activity sk, Activity meai)
    {
        string[] ownValues = ["gen_ai.response.id", "gen_ai.response.time_to_first_chunk", FlockPropertyNames.ResponseInfo, FlockTelemetry.CallIdAttribute];
        Assert.Equal((meai.DisplayName, meai.Kind, meai.Status), (sk.DisplayName, sk.Kind, sk.Status));
        Assert.Equal(meai.TagObjects.Select(t => t.Key).Order(), sk.TagObjects.Select(t => t.Key).Order());
        foreach (var (key, _) in meai.TagObjects.Where(t => !ownValues.Contains(t.Key)))
        {
            Assert.True(Tag(meai, key) == Tag(sk, key), $"{key}: SK {Tag(sk, key)}, MEAI {Tag(meai, key)}");
        }
    }

    /// <summary>This test's <c>gen_ai.client.*</c> instruments: per name, each point's tags (sorted) and count, in a stable order.</summary>
    private Dictionary<string, List<string>> Instruments(List<MetricSnapshot> metrics)
    {
        var port = Emulator.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var result = new Dictionary<string, List<string>>();
        foreach (var name in metrics.Select(m => m.Name).Where(n => n.StartsWith("gen_ai.client.", StringComparison.Ordinal)).Distinct())
        {
            var points = metrics.Last(m => m.Name == name).MetricPoints
                .Where(p => PointTag(p, "server.port") == port)
                .Select(p => string.Join(",", Tags(p).Order()) + " x" + p.GetHistogramCount().ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Order()
                .ToList();
            if (points.Count > 0)
            {
                result[name] = points;
            }
        }

        return result;

        static IEnumerable<string> Tags(MetricPoint point)
        {
            foreach (var tag in point.Tags)
            {
                yield return $"{tag.Key}={Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture)}";
            }
        }
    }

    /// <summary>This test's spans (by emulator port), in the order they ended.</summary>
    private List<Activity> Spans()
    {
        lock (_spans)
        {
            return _spans.Where(s => Tag(s, "server.port") == Emulator.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        }
    }

    private List<MetricPoint> Points(string name)
    {
        // Temporality is cumulative and every flush exports a snapshot: the last one holds everything.
        var port = Emulator.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var metric = _metrics.LastOrDefault(m => m.Name == name);
        return metric?.MetricPoints.Where(p => PointTag(p, "server.port") == port).ToList() ?? [];
    }

    private static string? PointTag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return Convert.ToString(tag.Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static string? Tag(Activity span, string key) =>
        span.GetTagItem(key) is { } value ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    private void AssertNoKey(IEnumerable<Activity> spans)
    {
        foreach (var span in spans)
        {
            Assert.DoesNotContain(span.TagObjects, t => Convert.ToString(t.Value, System.Globalization.CultureInfo.InvariantCulture)?.Contains(Emulator.ApiKey, StringComparison.Ordinal) == true);
            Assert.DoesNotContain(Emulator.ApiKey, span.DisplayName, StringComparison.Ordinal);
        }
    }

    private sealed record Listening(TracerProvider Tracer, MeterProvider Meters) : IDisposable
    {
        public void Dispose()
        {
            Tracer.ForceFlush();
            Tracer.Dispose();
            Meters.Dispose();
        }
    }
}
