using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace MusicRecipes.Testing.History;

/// <summary>
/// A thread-safe log of every operation of a run, for the checkers and for the run's figures (operations by kind and
/// outcome).
/// </summary>
/// <example>
/// <code>
/// var operations = new OperationHistory();
/// operations.Add(new OperationRecord { Kind = OperationKinds.CriticalGet, Client = "s0c0", Key = "k", InvokedAt = t0, CompletedAt = t1, Outcome = OperationOutcome.Acknowledged, Value = 3 });
/// Console.WriteLine(operations.FormatSummary());
/// </code>
/// </example>
public sealed class OperationHistory
{
    private readonly ConcurrentQueue<OperationRecord> _records = new();

    /// <summary>Everything recorded so far.</summary>
    public IReadOnlyList<OperationRecord> Records => _records.ToArray();

    /// <summary>Records one operation.</summary>
    public void Add(OperationRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _records.Enqueue(record);
    }

    /// <summary>Operations of <paramref name="kind"/>, in the order they were recorded.</summary>
    public IReadOnlyList<OperationRecord> OfKind(string kind) => _records.Where(r => string.Equals(r.Kind, kind, StringComparison.Ordinal)).ToArray();

    /// <summary>How many operations of each kind ended with each outcome.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<OperationOutcome, int>> CountByKind()
    {
        var counts = new SortedDictionary<string, IReadOnlyDictionary<OperationOutcome, int>>(StringComparer.Ordinal);
        foreach (var group in _records.GroupBy(r => r.Kind, StringComparer.Ordinal))
        {
            counts[group.Key] = Enum.GetValues<OperationOutcome>().ToDictionary(o => o, o => group.Count(r => r.Outcome == o));
        }

        return counts;
    }

    /// <summary>A table of <see cref="CountByKind"/>, one line per kind.</summary>
    public string FormatSummary()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"operation",-22} {"acknowledged",12} {"indeterminate",13} {"failed",8}");
        foreach (var (kind, outcomes) in CountByKind())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{kind,-22} {outcomes[OperationOutcome.Acknowledged],12} {outcomes[OperationOutcome.Indeterminate],13} {outcomes[OperationOutcome.Failed],8}");
        }

        return text.ToString();
    }
}
