using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Flock.Tests.Support;

/// <summary>One log call as a <see cref="CapturingLoggerFactory"/> kept it.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, string Values, Exception? Exception)
{
    /// <summary>The entry's id, the number the library's log definitions give it.</summary>
    public int Id => EventId.Id;

    /// <summary>Level, category, id, message, state values and exception on one line.</summary>
    public override string ToString() => $"{Level} {Category} [{EventId.Id}] {Message} {{{Values}}} {Exception}";
}

/// <summary>
/// Keeps every log entry at or above <see cref="MinimumLevel"/> (and every scope opened), for asserting what was logged and
/// what never was (the key). Use it as the logger factory, or add it to a real one as a provider.
/// </summary>
public sealed class CapturingLoggerFactory(LogLevel minimumLevel = LogLevel.Trace) : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private readonly ConcurrentQueue<string> _scopes = new();

    public LogLevel MinimumLevel { get; } = minimumLevel;

    /// <summary>The entries logged so far, in order.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>Every entry as one line (see <see cref="LogEntry.ToString"/>), then every scope.</summary>
    public IReadOnlyList<string> Lines => [.. _entries.Select(e => e.ToString()), .. _scopes];

    /// <summary>The messages of the entries at <paramref name="level"/>.</summary>
    public IReadOnlyList<string> Messages(LogLevel level) => [.. _entries.Where(e => e.Level == level).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
        {
            owner._scopes.Enqueue($"{category} scope: {state}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(", ", pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            owner._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), values, exception));
        }
    }
}
