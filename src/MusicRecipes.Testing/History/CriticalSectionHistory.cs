using System.Collections.Concurrent;

namespace MusicRecipes.Testing.History;

/// <summary>
/// A thread-safe log of critical sections recorded by many concurrent clients, for <see cref="HistoryChecker"/>.
/// </summary>
/// <example>
/// <code>
/// var history = new CriticalSectionHistory();
/// // in each client: history.Add(new HoldRecord { ... });
/// var report = HistoryChecker.Check(history.Records, finalValues);
/// Assert.Empty(report.Violations);
/// </code>
/// </example>
public sealed class CriticalSectionHistory
{
    private readonly ConcurrentQueue<HoldRecord> _records = new();

    /// <summary>Everything recorded so far.</summary>
    public IReadOnlyList<HoldRecord> Records => _records.ToArray();

    /// <summary>Records one critical section.</summary>
    public void Add(HoldRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records.Enqueue(record);
    }
}
