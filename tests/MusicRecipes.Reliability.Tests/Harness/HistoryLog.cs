using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// The log of this process's clients, kept with the run's history: what the library says besides the operations
/// (sessions opened, resumed and lost; a queue worker whose lock attempt lost its session; forced releases). A null
/// discovery round or a "busy" lock attempt is not an operation, so without this a worker that stops claiming leaves
/// no trace of why (docs/reliability.md, the run of seed 75436689).
/// </summary>
internal sealed class HistoryLog
{
    private readonly ConcurrentQueue<(long At, string Client, string Text)> _entries = new();

    /// <summary>Every entry so far, in the order written.</summary>
    public IReadOnlyList<(long At, string Client, string Text)> Entries => _entries.ToArray();

    /// <summary>Loggers for <paramref name="client"/>: categories starting with a prefix of <paramref name="minimumByCategory"/> log from its level on, the rest from <see cref="LogLevel.Information"/>.</summary>
    public ILoggerFactory For(string client, IReadOnlyDictionary<string, LogLevel> minimumByCategory) => new Factory(this, client, minimumByCategory);

    private void Add(string client, string text) => _entries.Enqueue((RunClock.Now, client, text));

    private sealed class Factory(HistoryLog log, string client, IReadOnlyDictionary<string, LogLevel> minimumByCategory) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName)
        {
            var minimum = minimumByCategory.Where(p => categoryName.StartsWith(p.Key, StringComparison.Ordinal)).Select(p => p.Value).DefaultIfEmpty(LogLevel.Information).Min();
            return new Logger(log, client, categoryName[(categoryName.LastIndexOf('.') + 1)..], minimum);
        }

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("The history log has no providers.");

        public void Dispose()
        {
        }
    }

    private sealed class Logger(HistoryLog log, string client, string category, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var error = exception is null ? string.Empty : $" [{exception.GetType().Name}: {exception.Message}]";
            log.Add(client, $"{logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
