using System.Text;
using Flock.Extensions.AI;

namespace Flock.Emulator;

/// <summary>The test kit: clients set up for tests, and assertions on what the emulator received.</summary>
public sealed partial class FlockEmulator
{
    /// <summary>The request timeout of clients made for tests: long enough for a loaded CI machine, short enough to fail a hung test.</summary>
    public static TimeSpan TestRequestTimeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>The stream idle timeout of clients made for tests.</summary>
    public static TimeSpan TestStreamIdleTimeout { get; } = TimeSpan.FromSeconds(10);

    /// <summary>The model clients made here ask by default: the first served model.</summary>
    public string DefaultModelId => Models[0];

    /// <summary>
    /// Points <paramref name="options"/> at this emulator for a test: endpoint and key, the model when none is set, no retries
    /// (so a scripted 429 reaches the test) and <see cref="TestRequestTimeout"/> / <see cref="TestStreamIdleTimeout"/>.
    /// Fits <c>services.AddFlockChatClient(emulator.ConfigureClient)</c>.
    /// </summary>
    public void ConfigureClient(FlockOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Endpoint = Endpoint;
        options.ApiKey = ApiKey;
        options.ModelId ??= DefaultModelId;
        options.MaxRetries = 0;
        options.RequestTimeout = TestRequestTimeout;
        options.StreamIdleTimeout = TestStreamIdleTimeout;
    }

    /// <summary>New <see cref="FlockOptions"/> set up by <see cref="ConfigureClient"/>, for <paramref name="modelId"/> (default <see cref="DefaultModelId"/>).</summary>
    public FlockOptions ClientOptions(string? modelId = null)
    {
        var options = new FlockOptions { ModelId = modelId };
        ConfigureClient(options);
        return options;
    }

    /// <summary>A transport set up for tests; Semantic Kernel users wrap it: <c>new FlockChatCompletionService(emulator.CreateFlockClient())</c>.</summary>
    public FlockClient CreateFlockClient(string? modelId = null) => new(ClientOptions(modelId));

    /// <summary>An <c>IChatClient</c> set up for tests, asking <paramref name="modelId"/> (default <see cref="DefaultModelId"/>).</summary>
    public FlockChatClient CreateChatClient(string? modelId = null) => new(CreateFlockClient(modelId), modelId ?? DefaultModelId);

    /// <summary>The chat completion requests received so far (<c>POST …/chat/completions</c>), in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests =>
        Requests.Where(r => r.Method == "POST" && EmulatorHandlerRoute(r.Path) == "/chat/completions").ToArray();

    /// <summary>Asserts that exactly one chat completion request arrived and returns it.</summary>
    /// <exception cref="FlockEmulatorAssertionException">None or several arrived; the message lists every request received.</exception>
    public RecordedRequest AssertSingleChat()
    {
        var chats = ChatRequests;
        return chats.Count == 1
            ? chats[0]
            : throw new FlockEmulatorAssertionException($"Expected exactly one chat completion request, but the emulator received {chats.Count}. {Describe(Requests)}");
    }

    /// <summary>Asserts that every scripted reply was served (a test that scripted more than it used is usually wrong).</summary>
    /// <exception cref="FlockEmulatorAssertionException">Scripted replies are left.</exception>
    public void AssertAllRepliesServed()
    {
        var left = PendingReplyCount;
        if (left > 0)
        {
            throw new FlockEmulatorAssertionException($"{left} scripted repl{(left == 1 ? "y was" : "ies were")} never served. {Describe(Requests)}");
        }
    }

    private static string EmulatorHandlerRoute(string path) => Hosting.EmulatorHandler.Route(path.TrimEnd('/'));

    private static string Describe(IReadOnlyList<RecordedRequest> requests)
    {
        if (requests.Count == 0)
        {
            return "No request was received at all.";
        }

        var sb = new StringBuilder("Received:");
        foreach (var request in requests)
        {
            sb.Append("\n  ").Append(request.Method).Append(' ').Append(request.Path);
            if (request.Body.Length > 0)
            {
                sb.Append(' ').Append(RecordedRequest.Excerpt(request.Body, 200));
            }
        }

        return sb.ToString();
    }
}
