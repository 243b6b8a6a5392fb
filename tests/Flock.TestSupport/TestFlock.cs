using Microsoft.Extensions.Logging;

namespace Flock.Tests.Support;

/// <summary>Builds the MEAI chat client over a <see cref="RecordingHandler"/> (SK tests add the SK service beside it).</summary>
public static class TestFlock
{
    public const string ApiKey = "sk-test-0123456789abcdef";
    public const string Model = "qwen3-30b-a3b-instruct-2507";
    public static readonly Uri Endpoint = new("https://flock.test/v1");

    public static FlockChatClient ChatClient(RecordingHandler handler, ILoggerFactory? loggerFactory = null) =>
        new(Model, ApiKey, Endpoint, new HttpClient(handler), loggerFactory);

    /// <summary>Options for error tests: no retries unless asked, tiny backoff.</summary>
    public static FlockOptions Options(int maxRetries = 0) => new()
    {
        ApiKey = ApiKey,
        Endpoint = Endpoint,
        ModelId = Model,
        MaxRetries = maxRetries,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
    };

    public static FlockChatClient ChatClient(RecordingHandler handler, FlockOptions options) =>
        new(new FlockClient(options, new HttpClient(handler)));
}
