using System.Globalization;
using System.Text.Json;

namespace Flock.Emulator;

/// <summary>
/// Reads a script file: the scripted replies of <see cref="ScriptedReply"/> written as JSON, so a standalone emulator (the
/// <c>flock-emulator</c> tool, an Aspire AppHost) can be driven without C#.
/// </summary>
/// <remarks>
/// The file is <c>{"replies": [ … ]}</c>, served in order, each reply once unless it says <c>"times"</c>; once they are
/// used up the emulator answers as it does without a script. Each reply names exactly one kind: <c>text</c>, <c>json</c>,
/// <c>toolCalls</c>, <c>error</c>, <c>raw</c> or <c>redirect</c>, plus the settings of <see cref="ScriptedReply"/> in
/// camelCase. Durations are strings with a unit (<c>"250ms"</c>, <c>"2s"</c>, <c>"1.5m"</c>). Comments and trailing commas
/// are allowed. Anything unknown, misspelt, out of range or not meaningful for the reply's kind is refused with a
/// <see cref="FlockEmulatorScriptException"/> naming its JSON path; nothing is ignored.
/// </remarks>
public static class FlockEmulatorScript
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    // What each kind of reply accepts besides its kind key: nothing a reply would ignore is accepted.
    private static readonly HashSet<string> Common = ["times", "delay", "headers", "retryAfter", "retryAfterDate"];

    private static readonly HashSet<string> CompletionOnly =
    [
        "reasoning", "reasoningStyle", "reasoningFields", "finishReason", "promptTokens", "completionTokens", "cost",
        "firstChunkDelay", "chunkInterval", "chunkSize", "keepAlives", "crlf", "sseQuirks", "vllmStyleChunks", "omitDone", "faults",
    ];

    private static readonly string[] Kinds = ["text", "json", "toolCalls", "error", "raw", "redirect"];

    /// <summary>Reads the script file at <paramref name="path"/>.</summary>
    /// <exception cref="FlockEmulatorScriptException">The file is not valid JSON or not a valid script; the message names the file and the JSON path.</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    public static IReadOnlyList<ScriptedReply> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"The script file '{full}' does not exist.", full);
        }

        return Parse(File.ReadAllText(full), full);
    }

    /// <summary>Reads a script from its JSON text.</summary>
    /// <param name="json">The script: <c>{"replies": [ … ]}</c>.</param>
    /// <param name="fileName">The file the text came from, named in error messages; null when it came from elsewhere.</param>
    /// <exception cref="FlockEmulatorScriptException">The text is not valid JSON or not a valid script.</exception>
    public static IReadOnlyList<ScriptedReply> Parse(string json, string? fileName = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            var where = ex.LineNumber is { } line ? $"line {line + 1}, position {ex.BytePositionInLine + 1}" : "the text";
            throw new FlockEmulatorScriptException(fileName, "$", $"not valid JSON at {where}: {ex.Message}", ex);
        }

        using (document)
        {
            var root = new Node(document.RootElement, "$", fileName);
            var properties = root.Object(["replies"]);
            if (!properties.TryGetValue("replies", out var replies))
            {
                throw root.Error("a script is {\"replies\": [ … ]}; \"replies\" is missing.");
            }

            return replies.Array().Select(ReadReply).ToArray();
        }
    }

    private static ScriptedReply ReadReply(Node node)
    {
        var properties = node.Object(null);
        var kinds = Kinds.Where(properties.ContainsKey).ToArray();
        if (kinds.Length != 1)
        {
            throw node.Error(kinds.Length == 0
                ? $"a reply names one kind: {string.Join(", ", Kinds)}."
                : $"a reply names one kind, not {string.Join(" and ", kinds)}.");
        }

        var kind = kinds[0];
        var isCompletion = kind is "text" or "json" or "toolCalls";
        foreach (var (name, value) in properties)
        {
            if (name == kind || Common.Contains(name))
            {
                continue;
            }

            if (CompletionOnly.Contains(name))
            {
                if (!isCompletion)
                {
                    throw value.Error($"applies only to text, json and toolCalls replies, not to {kind}.");
                }

                continue;
            }

            throw value.Error($"unknown setting. A reply takes {string.Join(", ", Kinds)}, {string.Join(", ", Common)}, {string.Join(", ", CompletionOnly)}.");
        }

        var kindNode = properties[kind];
        var reply = kindNode.Guard(() => kind switch
        {
            "text" => ScriptedReply.Text(kindNode.String()),
            "json" => JsonReply(kindNode),
            "toolCalls" => ScriptedReply.ToolCalls(kindNode.Array().Select(ReadToolCall).ToArray()),
            "error" => ReadError(kindNode),
            "raw" => ReadRaw(kindNode),
            _ => ReadRedirect(kindNode),
        });

        foreach (var (name, value) in properties.Where(p => p.Key != kind))
        {
            reply = Apply(reply, name, value);
        }

        return reply;
    }

    private static ScriptedReply Apply(ScriptedReply reply, string name, Node value) => value.Guard(() => name switch
    {
        "times" => reply with { Times = value.Int() },
        "delay" => reply with { Delay = value.Duration() },
        "headers" => value.Object(null).Aggregate(reply, (r, h) => r.WithHeader(h.Key, h.Value.String())),
        "retryAfter" => reply.WithRetryAfter(value.Duration()),
        "retryAfterDate" => reply.WithRetryAfterDate(value.Date()),
        "reasoning" => reply with { ReasoningText = value.String() },
        "reasoningStyle" => reply with { ReasoningStyle = value.Enum<ReasoningStyle>() },
        "reasoningFields" => reply with { ReasoningFields = value.Array().Select(f => f.String()).ToArray() },
        "finishReason" => reply with { FinishReason = value.String() },
        "promptTokens" => reply with { PromptTokens = value.Int() },
        "completionTokens" => reply with { CompletionTokens = value.Int() },
        "cost" => reply with { Cost = value.Decimal() },
        "firstChunkDelay" => reply with { FirstChunkDelay = value.Duration() },
        "chunkInterval" => reply with { ChunkInterval = value.Duration() },
        "chunkSize" => reply with { ChunkSize = value.Int() },
        "keepAlives" => reply with { KeepAlives = value.Bool() },
        "crlf" => reply with { CrLf = value.Bool() },
        "sseQuirks" => reply with { SseQuirks = value.Bool() },
        "vllmStyleChunks" => reply with { VllmStyleChunks = value.Bool() },
        "omitDone" => reply with { OmitDone = value.Bool() },
        _ => value.Array().Aggregate(reply, ApplyFault),
    });

    private static ScriptedReply ApplyFault(ScriptedReply reply, Node fault)
    {
        var properties = fault.Object(["type", "afterChunks", "message", "thenDone", "duration"]);
        if (!properties.TryGetValue("type", out var typeNode))
        {
            throw fault.Error("a fault names its \"type\": error, cut, invalidChunk or stall.");
        }

        var type = typeNode.String();
        string[] allowed = type switch
        {
            "error" => ["type", "afterChunks", "message", "thenDone"],
            "cut" or "invalidChunk" => ["type", "afterChunks"],
            "stall" => ["type", "afterChunks", "duration"],
            _ => throw typeNode.Error($"\"{type}\" is not a fault type: error, cut, invalidChunk or stall."),
        };

        foreach (var (name, value) in properties)
        {
            if (!allowed.Contains(name))
            {
                throw value.Error($"a {type} fault takes {string.Join(", ", allowed)}.");
            }
        }

        int? after = properties.TryGetValue("afterChunks", out var afterNode) ? afterNode.Int() : null;
        return fault.Guard(() => type switch
        {
            "error" => reply.FailMidStream(
                Required(fault, properties, "message").String(),
                after,
                properties.TryGetValue("thenDone", out var thenDone) && thenDone.Bool()),
            "cut" => reply.CutMidStream(after),
            "invalidChunk" => reply.WithInvalidChunk(after),
            _ => reply.StallMidStream(Required(fault, properties, "duration").Duration(), after),
        });
    }

    private static ScriptedReply JsonReply(Node node) => node.Guard(() => node.Element.ValueKind == JsonValueKind.String
        ? ScriptedReply.Json(node.Element.GetString()!)
        : ScriptedReply.Json(node.Element.GetRawText()));

    private static ScriptedToolCall ReadToolCall(Node node)
    {
        var properties = node.Object(["name", "arguments", "id"]);
        var name = Required(node, properties, "name").String();
        if (string.IsNullOrWhiteSpace(name))
        {
            throw properties["name"].Error("a tool call needs a function name.");
        }

        // An object is sent as its JSON text; a string verbatim (even if it is not valid JSON, to test a client's handling).
        var arguments = properties.TryGetValue("arguments", out var args)
            ? args.Element.ValueKind == JsonValueKind.String ? args.Element.GetString()! : args.Element.GetRawText()
            : "{}";
        var id = properties.TryGetValue("id", out var idNode) ? idNode.String() : null;
        return new ScriptedToolCall(name, arguments, id);
    }

    private static ScriptedReply ReadError(Node node)
    {
        var properties = node.Object(["status", "message", "type", "param"]);
        var status = Required(node, properties, "status");
        var message = Required(node, properties, "message").String();
        var type = properties.TryGetValue("type", out var t) ? t.String() : null;
        var param = properties.TryGetValue("param", out var p) ? p.String() : null;
        return status.Guard(() => ScriptedReply.Error(status.Int(), message, type, param));
    }

    private static ScriptedReply ReadRaw(Node node)
    {
        var properties = node.Object(["status", "contentType", "body"]);
        var status = Required(node, properties, "status");
        var contentType = Required(node, properties, "contentType").String();
        var body = Required(node, properties, "body").String();
        return status.Guard(() => ScriptedReply.RawBody(status.Int(), contentType, body));
    }

    private static ScriptedReply ReadRedirect(Node node)
    {
        var properties = node.Object(["status", "location"]);
        var status = Required(node, properties, "status");
        var locationNode = Required(node, properties, "location");
        if (!Uri.TryCreate(locationNode.String(), UriKind.Absolute, out var location))
        {
            throw locationNode.Error("an absolute URL, e.g. \"http://127.0.0.1:9/v1/chat/completions\".");
        }

        return status.Guard(() => ScriptedReply.Redirect(status.Int(), location));
    }

    private static Node Required(Node parent, Dictionary<string, Node> properties, string name) =>
        properties.TryGetValue(name, out var node) ? node : throw parent.Error($"\"{name}\" is missing.");

    /// <summary>A JSON value with its path, reading itself as the type a setting needs and failing with that path.</summary>
    private readonly record struct Node(JsonElement Element, string Path, string? File)
    {
        public FlockEmulatorScriptException Error(string message, Exception? inner = null) => new(File, Path, message, inner);

        /// <summary>Runs a factory or <c>with</c>, reporting its range checks at this node's path.</summary>
        public T Guard<T>(Func<T> build)
        {
            try
            {
                return build();
            }
            catch (ArgumentException ex)
            {
                // ArgumentException's message ends with " (Parameter 'x')" and the actual value; keep the sentence only.
                var message = ex.Message;
                var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
                throw Error(cut >= 0 ? message[..cut] : message, ex);
            }
        }

        public Dictionary<string, Node> Object(string[]? allowed)
        {
            if (Element.ValueKind != JsonValueKind.Object)
            {
                throw Error($"expected an object, got {Describe(Element)}.");
            }

            var properties = new Dictionary<string, Node>(StringComparer.Ordinal);
            foreach (var property in Element.EnumerateObject())
            {
                var child = new Node(property.Value, $"{Path}.{property.Name}", File);
                if (allowed is not null && !allowed.Contains(property.Name))
                {
                    throw child.Error($"unknown setting; this object takes {string.Join(", ", allowed)}.");
                }

                if (!properties.TryAdd(property.Name, child))
                {
                    throw child.Error("given twice.");
                }
            }

            return properties;
        }

        public IEnumerable<Node> Array()
        {
            if (Element.ValueKind != JsonValueKind.Array)
            {
                throw Error($"expected an array, got {Describe(Element)}.");
            }

            var path = Path;
            var file = File;
            return Element.EnumerateArray().Select((item, i) => new Node(item, $"{path}[{i}]", file)).ToArray();
        }

        public string String() =>
            Element.ValueKind == JsonValueKind.String ? Element.GetString()! : throw Error($"expected a string, got {Describe(Element)}.");

        public bool Bool() =>
            Element.ValueKind is JsonValueKind.True or JsonValueKind.False ? Element.GetBoolean() : throw Error($"expected true or false, got {Describe(Element)}.");

        public int Int() =>
            Element.ValueKind == JsonValueKind.Number && Element.TryGetInt32(out var value)
                ? value
                : throw Error($"expected a whole number, got {Describe(Element)}.");

        public decimal Decimal() =>
            Element.ValueKind == JsonValueKind.Number && Element.TryGetDecimal(out var value)
                ? value
                : throw Error($"expected a number, got {Describe(Element)}.");

        public TimeSpan Duration()
        {
            var text = String().Trim();
            var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
                : text.EndsWith('s') ? (text[..^1], 1000.0)
                : text.EndsWith('m') ? (text[..^1], 60_000.0)
                : (null, 0);
            if (number is not null
                && double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
                && value * scale <= TimeSpan.MaxValue.TotalMilliseconds)
            {
                return TimeSpan.FromMilliseconds(value * scale);
            }

            throw Error($"expected a duration such as \"250ms\", \"2s\" or \"1.5m\", got \"{text}\".");
        }

        public DateTimeOffset Date() =>
            DateTimeOffset.TryParse(String(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
                ? date
                : throw Error($"expected a date such as \"2030-01-01T00:00:00Z\" or \"Tue, 01 Jan 2030 00:00:00 GMT\", got {Describe(Element)}.");

        public T Enum<T>()
            where T : struct, Enum
        {
            var text = String();
            var names = System.Enum.GetNames<T>();
            var match = names.FirstOrDefault(n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            return match is not null
                ? System.Enum.Parse<T>(match)
                : throw Error($"\"{text}\" is not one of {string.Join(", ", names.Select(n => char.ToLowerInvariant(n[0]) + n[1..]))}.");
        }

        private static string Describe(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.String => $"the string \"{Shorten(element.GetString()!)}\"",
            JsonValueKind.Number => $"the number {Shorten(element.GetRawText())}",
            JsonValueKind.True or JsonValueKind.False => element.GetRawText(),
            JsonValueKind.Null => "null",
            JsonValueKind.Array => "an array",
            _ => "an object",
        };

        private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
    }
}

/// <summary>A script file that is not valid JSON or not a valid script; <see cref="JsonPath"/> says where.</summary>
public sealed class FlockEmulatorScriptException : FormatException
{
    internal FlockEmulatorScriptException(string? fileName, string jsonPath, string problem, Exception? inner)
        : base($"{(fileName is null ? "" : fileName + ": ")}{jsonPath}: {problem}", inner)
    {
        FileName = fileName;
        JsonPath = jsonPath;
    }

    /// <summary>The script file, or null when the script was parsed from text.</summary>
    public string? FileName { get; }

    /// <summary>The JSON path of the offending value, e.g. <c>$.replies[2].chunkSize</c>.</summary>
    public string JsonPath { get; }
}
