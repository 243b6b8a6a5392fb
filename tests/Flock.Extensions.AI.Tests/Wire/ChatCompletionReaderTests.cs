using System.Collections;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using CsCheck;
using Flock.Extensions.AI.Wire;

namespace Flock.Extensions.AI.Tests.Wire;

/// <summary>
/// <see cref="ChatCompletionReader"/> must build what the source-generated metadata builds from the same bytes, and fail
/// (with a <see cref="JsonException"/>) where it fails.
/// </summary>
public sealed class ChatCompletionReaderTests
{
    private const string EveryField = """
        {"id":"c\u00e9","object":"chat.completion","created":1764000000,"model":"qwen3","system_fingerprint":"fp",
         "choices":[{"index":1,"message":{"role":"assistant","content":"Hi \"there\"\n","reasoning_content":"r","reasoning":"r2",
           "tool_calls":[{"index":0,"id":"t","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},
           "finish_reason":"tool_calls","logprobs":{"content":[{"token":"Hi","logprob":-0.5,"bytes":[72,105],"top_logprobs":[{"token":"Hi","logprob":-0.5}]}]}},
           null],
         "usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"completion_tokens_details":{"reasoning_tokens":2},"prompt_tokens_details":{"cached_tokens":1},"cost":0.0000234},
         "error":{"message":"m","type":"None","param":null,"code":429},
         "unknown":[{"id":"skipped"}]}
        """;

    [Fact]
    public void A_completion_with_every_field_reads_as_the_serializer_reads_it()
    {
        // Every field the wire records declare is in the document, so a field added later without a line in the reader fails here.
        foreach (var type in new[] { typeof(ChatCompletion), typeof(Choice), typeof(ResponseMessage), typeof(Usage), typeof(CompletionTokensDetails), typeof(PromptTokensDetails) })
        {
            foreach (var name in type.GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name).OfType<string>())
            {
                Assert.Contains($"\"{name}\":", EveryField);
            }
        }

        Assert.Equal(ViaSerializer(EveryField), ViaReader(EveryField));
        Assert.Equal("Hi \"there\"\n", ChatCompletionReader.Read(Encoding.UTF8.GetBytes(EveryField))!.Choices![0].Message!.Content);
    }

    [Fact]
    public void Every_document_reads_or_fails_as_the_serializer_reads_or_fails_it()
    {
        var failures = 0;
        Gen.Int.Sample(seed =>
        {
            var random = new Random(seed);
            var json = Encoding.UTF8.GetBytes(RandomDocument(random));
            if (json.Length > 0 && random.Next(20) == 0)
            {
                // A byte that is never valid UTF-8, anywhere (inside a string it is a failure to transcode).
                json[random.Next(json.Length)] = (byte)(random.Next(2) == 0 ? 0xFF : 0xC0);
            }

            var expected = ViaSerializer(json);
            Assert.True(expected == ViaReader(json), $"seed {seed}: {Encoding.UTF8.GetString(json)}\n expected {expected}\n actual   {ViaReader(json)}");
            failures += expected.StartsWith("fail", StringComparison.Ordinal) ? 1 : 0;
        }, seed: "0N0XIzNsQ0O2", iter: 4000);

        // Both kinds of document are common enough to be compared.
        Assert.InRange(failures, 400, 3600);
    }

    private static string ViaSerializer(string json) => ViaSerializer(Encoding.UTF8.GetBytes(json));

    private static string ViaReader(string json) => ViaReader(Encoding.UTF8.GetBytes(json));

    private static string ViaSerializer(byte[] json) => Outcome(() => JsonSerializer.Deserialize(json, FlockJsonContext.Default.ChatCompletion));

    private static string ViaReader(byte[] json) => Outcome(() => ChatCompletionReader.Read(json));

    private static string Outcome(Func<ChatCompletion?> read)
    {
        try
        {
            return Describe(read());
        }
        catch (JsonException)
        {
            return "fail";
        }
    }

    /// <summary>Every public property, all the way down.</summary>
    private static string Describe(object? value) => value switch
    {
        null => "null",
        string text => JsonSerializer.Serialize(text),
        IFormattable number => number.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Describe)) + "]",
        _ => "{" + string.Join(",", value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => p.Name + "=" + Describe(p.GetValue(value)))) + "}",
    };

    /// <summary>
    /// A completion with fields in any order, repeated or unknown, nulls, escapes, and now and then a value of the wrong
    /// type, a wrong root or trailing text.
    /// </summary>
    private static string RandomDocument(Random random)
    {
        string Pick(params string[] options) => options[random.Next(options.Length)];
        bool Sometimes() => random.Next(3) == 0;
        string Rarely(string wrong, string right) => random.Next(30) == 0 ? wrong : right;

        string Fields(params (string Name, Func<string> Value)[] fields)
        {
            var chosen = fields.Where(_ => random.Next(4) > 0).ToList();
            if (Sometimes())
            {
                chosen.Add(fields[random.Next(fields.Length)]);
            }

            if (Sometimes())
            {
                chosen.Add(("extra", () => Pick("1", "null", "{\"content\":5}", "[\"x\",{}]")));
            }

            return "{" + string.Join(",", chosen.OrderBy(_ => random.Next()).Select(f => $"\"{f.Name}\":{f.Value()}")) + "}";
        }

        string Count() => Pick("0", "42", "null", Rarely(Pick("1.5", "\"7\"", "2147483648", "-2147483649", "true", "{}"), "2147483647"));

        string Text() => Pick("null", "\"\"", "\"plain\"", "\"caf\\u00e9 \\\"q\\\"\\n\"", "\"\u4e2d\u6587\"", Rarely("5", "\"x\""), Rarely("{}", "\"y\""));

        string Message() => Rarely(Pick("\"text\"", "[]"), Pick("null", Fields(
            ("role", Text), ("content", Text), ("reasoning_content", Text), ("reasoning", Text),
            ("tool_calls", () => Pick("null", "[]", "[null]", "[{\"index\":0,\"id\":\"t\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]", Rarely("[{\"index\":\"0\"}]", "[{}]"))))));

        string Choice() => Rarely(Pick("\"c\"", "1"), Pick("null", Fields(
            ("index", () => Pick("0", "1", "-1", Rarely(Pick("null", "1.5", "\"1\"", "2147483648"), "2"))),
            ("message", Message),
            ("finish_reason", Text),
            ("logprobs", () => Pick("null", "{\"content\":[{\"token\":\"a\",\"logprob\":-1}]}", "{\"content\":null}", "\"odd\"", "[1]")))));

        var document = Fields(
            ("id", Text), ("object", Text), ("model", Text), ("system_fingerprint", Text),
            ("created", () => Pick("1764000000", "1764000000123", "-5", "1.5", "\"soon\"", "null", "{\"a\":[1]}", "99999999999999999999")),
            ("choices", () => Rarely(Pick("{}", "\"c\""), Pick("null", "[]", "[" + string.Join(",", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Choice())) + "]"))),
            ("usage", () => Rarely(Pick("[]", "5"), Pick("null", Fields(
                ("prompt_tokens", Count), ("completion_tokens", Count), ("total_tokens", Count),
                ("cost", () => Pick("0.0000234", "0", "null", "1e-7", Rarely(Pick("-1", "\"0.1\"", "1e30", "{\"usd\":1}", "[2]", "true"), "0.5"))),
                ("completion_tokens_details", () => Rarely("[1]", Pick("null", Fields(("reasoning_tokens", Count), ("cached_tokens", Count))))),
                ("prompt_tokens_details", () => Rarely("\"x\"", Pick("null", Fields(("cached_tokens", Count), ("reasoning_tokens", Count))))))))),
            ("error", () => Pick("null", "{\"message\":\"m\",\"type\":\"None\",\"code\":\"500\"}", Rarely("\"boom\"", "{\"code\":429}"))));

        return random.Next(60) switch
        {
            0 => "null",
            1 => Pick("", "[]", "\"text\"", "{"),
            2 => document + Pick(" x", "{}", " ", "\n"),
            _ => Pick("", " ", "\n") + document,
        };
    }
}
