using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Flock.Extensions.AI.Tests.Http;

/// <summary>Builds clients over a <see cref="RecordingHandler"/> on a fake clock, and runs calls to their end.</summary>
internal static class Transport
{
    public static FlockOptions Options(Action<FlockOptions>? configure = null)
    {
        var options = new FlockOptions { ApiKey = TestFlock.ApiKey, Endpoint = TestFlock.Endpoint, ModelId = TestFlock.Model, MaxRetries = 0 };
        configure?.Invoke(options);
        return options;
    }

    public static FlockClient Client(RecordingHandler handler, TimeProvider clock, Action<FlockOptions>? configure = null, ILoggerFactory? logs = null) =>
        new(Options(configure), new HttpClient(handler), logs, clock);

    public static IChatClient Chat(RecordingHandler handler, TimeProvider clock, Action<FlockOptions>? configure = null, ILoggerFactory? logs = null) =>
        new FlockChatClient(Client(handler, clock, configure, logs));

    /// <summary>Streams to the end, collecting the text; the error (if any) instead of throwing.</summary>
    public static async Task<(string Text, Exception? Error)> StreamAsync(IChatClient chat, CancellationToken cancellationToken = default)
    {
        var text = "";
        try
        {
            // ConfigureAwait(false) throughout: on a fake clock the whole call then moves inline with each step of time.
            await foreach (var update in chat.GetStreamingResponseAsync(Calls.Messages(), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                text += update.Text;
            }

            return (text, null);
        }
        catch (Exception ex)
        {
            return (text, ex);
        }
    }

    /// <summary>A non-streaming call; the error (if any) instead of throwing.</summary>
    public static async Task<(ChatResponse? Response, Exception? Error)> CompleteAsync(IChatClient chat, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await chat.GetResponseAsync(Calls.Messages(), cancellationToken: cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }

    /// <summary>One SSE data event for a text delta.</summary>
    public static string Event(string text, string? finish = null) =>
        $"data: {{\"id\":\"c1\",\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}}{(finish is null ? "" : $",\"finish_reason\":\"{finish}\"")}}}]}}\n\n";

    public const string Done = "data: [DONE]\n\n";

    /// <summary>Virtual time since <paramref name="start"/>.</summary>
    public static TimeSpan Since(this FakeTimeProvider clock, DateTimeOffset start) => clock.GetUtcNow() - start;

    /// <summary>The delays, in milliseconds, of the client's "retrying in …ms" log lines.</summary>
    public static IReadOnlyList<int> RetryDelays(this CapturingLoggerFactory logs) => logs.Entries
        .Select(e => System.Text.RegularExpressions.Regex.Match(e.Message, @"retrying in (\d+)ms"))
        .Where(m => m.Success)
        .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))
        .ToList();
}
