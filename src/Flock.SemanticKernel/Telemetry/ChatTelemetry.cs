using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Flock.SemanticKernel.Telemetry;

/// <summary>
/// One chat call's span and metrics, for the SK service's direct path (the MEAI path uses MEAI's OpenTelemetryChatClient
/// under the same source name). Names and attributes are those of the OpenTelemetry GenAI semantic conventions, as MEAI
/// emits them, so both adapters produce the same spans. Built from the wire records, so SK's rich content mapping is untouched.
/// </summary>
internal sealed class ChatTelemetry
{
    private static readonly ActivitySource Source = new(FlockTelemetry.SourceName);
    private static readonly Meter Meter = new(FlockTelemetry.SourceName);

    private static readonly double[] SecondsBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly int[] TokenBuckets = [1, 4, 16, 64, 256, 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216, 67_108_864];

    // Unit and description as MEAI registers them, so both emitters' instruments merge into one stream per name.
    private static readonly Histogram<int> TokenUsage = Meter.CreateHistogram<int>(
        "gen_ai.client.token.usage", "{token}", "Measures number of input and output tokens used", advice: new() { HistogramBucketBoundaries = TokenBuckets });

    private static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.duration", "s", "Measures the duration of a GenAI operation", advice: new() { HistogramBucketBoundaries = SecondsBuckets });

    private static readonly Histogram<double> TimeToFirstChunk = Meter.CreateHistogram<double>(
        "gen_ai.client.operation.time_to_first_chunk", "s", "Measures the time to receive the first chunk in a streaming operation", advice: new() { HistogramBucketBoundaries = SecondsBuckets });

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Activity? _activity;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly string _requestModel;
    private readonly string _serverAddress;
    private readonly int _serverPort;
    private readonly bool _sensitive;
    private double? _timeToFirstChunk;
    private bool _finished;

    // Streams: what the chunks said, gathered for the end of the span.
    private string? _id;
    private string? _model;
    private Usage? _usage;
    private SortedDictionary<int, (System.Text.StringBuilder Text, string? FinishReason)>? _choices;

    private ChatTelemetry(ChatRequest request, Uri endpoint, bool sensitive, bool streaming)
    {
        _requestModel = request.Model;
        _serverAddress = endpoint.Host;
        _serverPort = endpoint.Port;
        _sensitive = sensitive;
        if (Source.HasListeners())
        {
            _activity = Source.StartActivity(string.IsNullOrWhiteSpace(_requestModel) ? "chat" : $"chat {_requestModel}", ActivityKind.Client);
        }

        if (_activity is { IsAllDataRequested: true } activity)
        {
            activity.SetTag("gen_ai.operation.name", "chat")
                .SetTag("gen_ai.request.model", _requestModel)
                .SetTag("gen_ai.provider.name", FlockTelemetry.ProviderName)
                .SetTag("server.address", _serverAddress)
                .SetTag("server.port", _serverPort);
            if (streaming)
            {
                activity.SetTag("gen_ai.request.stream", true);
            }

            AddRequestTags(activity, request);
            if (sensitive)
            {
                activity.SetTag("gen_ai.input.messages", InputMessages(request.Messages));
            }
        }
    }

    /// <summary>Starts telemetry for a call, or returns null when nobody listens (the common, free case).</summary>
    public static ChatTelemetry? Start(ChatRequest request, Uri endpoint, bool sensitive, bool streaming) =>
        Source.HasListeners() || OperationDuration.Enabled || TokenUsage.Enabled || TimeToFirstChunk.Enabled
            ? new ChatTelemetry(request, endpoint, sensitive, streaming)
            : null;

    /// <summary>A non-streaming call answered.</summary>
    public void Completed(ChatCompletion completion)
    {
        var finishReasons = new List<string>();
        foreach (var choice in completion.Choices ?? [])
        {
            if (choice.FinishReason is { Length: > 0 } reason && !finishReasons.Contains(reason))
            {
                finishReasons.Add(reason);
            }
        }

        string? output = null;
        if (_sensitive && _activity is { IsAllDataRequested: true })
        {
            output = OutputMessages(completion.Choices?.Select(c => (c.Message?.Content, c.Message?.ReasoningText, c.Message?.ToolCalls, c.FinishReason)) ?? []);
        }

        Finish(completion.Id, completion.Model, completion.Usage, finishReasons, output, null);
    }

    /// <summary>A chunk of a stream arrived.</summary>
    public void Chunk(StreamChunk chunk)
    {
        _timeToFirstChunk ??= RecordFirstChunk();
        _id ??= chunk.Id;
        _model ??= chunk.Model;
        _usage = chunk.Usage ?? _usage;
        foreach (ref readonly var choice in chunk.Choices)
        {
            var text = _sensitive ? choice.Content : null;
            var reason = choice.FinishReason is { Length: > 0 } r ? r : null;
            if (text is null && reason is null)
            {
                continue;
            }

            _choices ??= [];
            var entry = _choices.TryGetValue(choice.Index, out var existing) ? existing : (new System.Text.StringBuilder(), null);
            entry.Text.Append(text);
            _choices[choice.Index] = (entry.Text, reason ?? entry.FinishReason);
        }

    }

    /// <summary>After a yield: the caller's code ran in between, so the span becomes current again (dotnet/runtime#47802).</summary>
    public void Resume()
    {
        if (_activity is not null)
        {
            Activity.Current = _activity;
        }
    }

    /// <summary>A stream ended with <c>[DONE]</c>.</summary>
    public void StreamCompleted()
    {
        var finishReasons = new List<string>();
        string? output = null;
        if (_choices is not null)
        {
            foreach (var (_, choice) in _choices)
            {
                if (choice.FinishReason is { } reason && !finishReasons.Contains(reason))
                {
                    finishReasons.Add(reason);
                }
            }

            if (_sensitive && _activity is { IsAllDataRequested: true })
            {
                output = OutputMessages(_choices.Values.Select(c => ((string?)c.Text.ToString(), (string?)null, (List<ToolCall>?)null, c.FinishReason)));
            }
        }

        Finish(_id, _model, _usage, finishReasons, output, null);
    }

    /// <summary>The call failed, before or during a stream.</summary>
    public void Failed(Exception error) => Finish(_id, _model, _usage, [], null, error);

    /// <summary>Ends the span if nothing else did (a stream the caller abandoned).</summary>
    public void Dispose() => _activity?.Dispose();

    private double RecordFirstChunk()
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        if (TimeToFirstChunk.Enabled)
        {
            var tags = MetricTags(_model);
            TimeToFirstChunk.Record(seconds, tags);
        }

        return seconds;
    }

    private void Finish(string? id, string? responseModel, Usage? usage, List<string> finishReasons, string? output, Exception? error)
    {
        if (_finished)
        {
            return;
        }

        _finished = true;
        if (OperationDuration.Enabled)
        {
            var tags = MetricTags(responseModel);
            if (error is not null)
            {
                tags.Add("error.type", error.GetType().FullName);
            }

            OperationDuration.Record(Stopwatch.GetElapsedTime(_started).TotalSeconds, tags);
        }

        if (TokenUsage.Enabled && usage is not null)
        {
            RecordTokens("input", usage.PromptTokens, responseModel);
            RecordTokens("output", usage.CompletionTokens, responseModel);
        }

        if (_activity is null)
        {
            return;
        }

        if (error is not null)
        {
            _activity.SetTag("error.type", error.GetType().FullName).SetStatus(ActivityStatusCode.Error, error.Message);
        }

        if (_activity.IsAllDataRequested)
        {
            if (finishReasons.Count > 0)
            {
                _activity.SetTag("gen_ai.response.finish_reasons", JsonArray(finishReasons));
            }

            if (!string.IsNullOrWhiteSpace(id))
            {
                _activity.SetTag("gen_ai.response.id", id);
            }

            if (responseModel is not null)
            {
                _activity.SetTag("gen_ai.response.model", responseModel);
            }

            if (_timeToFirstChunk is { } ttfc)
            {
                _activity.SetTag("gen_ai.response.time_to_first_chunk", ttfc);
            }

            if (usage?.PromptTokens is { } input)
            {
                _activity.SetTag("gen_ai.usage.input_tokens", input);
            }

            if (usage?.CompletionTokens is { } outputTokens)
            {
                _activity.SetTag("gen_ai.usage.output_tokens", outputTokens);
            }

            if (usage?.PromptTokensDetails?.CachedTokens is { } cached)
            {
                _activity.SetTag("gen_ai.usage.cache_read.input_tokens", cached);
            }

            if (usage?.CompletionTokensDetails?.ReasoningTokens is { } reasoning)
            {
                _activity.SetTag("gen_ai.usage.reasoning.output_tokens", reasoning);
            }

            if (output is not null)
            {
                _activity.SetTag("gen_ai.output.messages", output);
            }
        }

        _activity.Dispose();
    }

    private void RecordTokens(string type, int? count, string? responseModel)
    {
        if (count is { } value)
        {
            var tags = MetricTags(responseModel);
            tags.Add("gen_ai.token.type", type);
            TokenUsage.Record(value, tags);
        }
    }

    private TagList MetricTags(string? responseModel)
    {
        var tags = new TagList
        {
            { "gen_ai.operation.name", "chat" },
            { "gen_ai.request.model", _requestModel },
            { "gen_ai.provider.name", FlockTelemetry.ProviderName },
            { "server.address", _serverAddress },
            { "server.port", _serverPort },
        };

        if (responseModel is not null)
        {
            tags.Add("gen_ai.response.model", responseModel);
        }

        return tags;
    }

    private static void AddRequestTags(Activity activity, ChatRequest request)
    {
        if (request.FrequencyPenalty is { } frequencyPenalty)
        {
            activity.SetTag("gen_ai.request.frequency_penalty", frequencyPenalty);
        }

        if (request.MaxTokens is { } maxTokens)
        {
            activity.SetTag("gen_ai.request.max_tokens", maxTokens);
        }

        if (request.PresencePenalty is { } presencePenalty)
        {
            activity.SetTag("gen_ai.request.presence_penalty", presencePenalty);
        }

        if (request.Seed is { } seed)
        {
            activity.SetTag("gen_ai.request.seed", seed);
        }

        if (request.Stop is { Count: > 0 } stop)
        {
            activity.SetTag("gen_ai.request.stop_sequences", JsonArray(stop));
        }

        if (request.Temperature is { } temperature)
        {
            activity.SetTag("gen_ai.request.temperature", temperature);
        }

        if (request.TopP is { } topP)
        {
            activity.SetTag("gen_ai.request.top_p", topP);
        }

        if (request.N is { } n && n != 1)
        {
            activity.SetTag("gen_ai.request.choice.count", n);
        }

        if (request.ResponseFormat is { ValueKind: JsonValueKind.Object } format
            && format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String)
        {
            activity.SetTag("gen_ai.output.type", type.GetString() == "text" ? "text" : "json");
        }
    }

    private static string JsonArray(IEnumerable<string> values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary><c>gen_ai.input.messages</c>: <c>[{"role":…,"parts":[{"type":"text","content":…}]}]</c>.</summary>
    private static string InputMessages(List<RequestMessage>? messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var message in messages ?? [])
            {
                writer.WriteStartObject();
                writer.WriteString("role", message.Role switch { "system" or "developer" => "system", "assistant" => "assistant", "tool" => "tool", _ => "user" });
                if (message.Name is not null)
                {
                    writer.WriteString("name", message.Name);
                }

                writer.WriteStartArray("parts");
                if (message.ReasoningContent is { Length: > 0 } reasoning)
                {
                    WritePart(writer, "reasoning", reasoning);
                }

                if (message.Role == "tool")
                {
                    writer.WriteStartObject();
                    writer.WriteString("type", "tool_call_response");
                    writer.WriteString("id", message.ToolCallId);
                    writer.WriteString("response", message.Content?.Text ?? string.Concat(message.Content?.Parts?.Select(p => p.Text) ?? []));
                    writer.WriteEndObject();
                }
                else if (message.Content?.Text is { } text)
                {
                    WritePart(writer, "text", text);
                }
                else
                {
                    foreach (var part in message.Content?.Parts ?? [])
                    {
                        if (part.ImageUrl is { } image)
                        {
                            writer.WriteStartObject();
                            writer.WriteString("type", "uri");
                            writer.WriteString("uri", image.Url);
                            writer.WriteString("modality", "image");
                            writer.WriteEndObject();
                        }
                        else if (part.Text is { } partText)
                        {
                            WritePart(writer, "text", partText);
                        }
                    }
                }

                WriteToolCalls(writer, message.ToolCalls);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary><c>gen_ai.output.messages</c>: one assistant message per choice, with its finish reason.</summary>
    private static string OutputMessages(IEnumerable<(string? Text, string? Reasoning, List<ToolCall>? ToolCalls, string? FinishReason)> choices)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartArray();
            foreach (var (text, reasoning, toolCalls, finishReason) in choices)
            {
                writer.WriteStartObject();
                writer.WriteString("role", "assistant");
                writer.WriteStartArray("parts");
                if (reasoning is { Length: > 0 })
                {
                    WritePart(writer, "reasoning", reasoning);
                }

                if (text is { Length: > 0 })
                {
                    WritePart(writer, "text", text);
                }

                WriteToolCalls(writer, toolCalls);
                writer.WriteEndArray();
                if (finishReason is not null)
                {
                    writer.WriteString("finish_reason", finishReason switch { "tool_calls" => "tool_call", "length" or "content_filter" => finishReason, _ => "stop" });
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WritePart(Utf8JsonWriter writer, string type, string content)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteString("content", content);
        writer.WriteEndObject();
    }

    private static void WriteToolCalls(Utf8JsonWriter writer, List<ToolCall>? calls)
    {
        foreach (var call in calls ?? [])
        {
            writer.WriteStartObject();
            writer.WriteString("type", "tool_call");
            writer.WriteString("id", call.Id);
            writer.WriteString("name", call.Function?.Name);
            if (call.Function?.Arguments is { Length: > 0 } arguments)
            {
                writer.WritePropertyName("arguments");
                try
                {
                    using var parsed = JsonDocument.Parse(arguments);
                    parsed.RootElement.WriteTo(writer);
                }
                catch (JsonException)
                {
                    writer.WriteStringValue(arguments);
                }
            }

            writer.WriteEndObject();
        }
    }
}
