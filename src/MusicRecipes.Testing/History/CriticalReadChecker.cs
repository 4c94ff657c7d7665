namespace MusicRecipes.Testing.History;

/// <summary>
/// Finds stale critical reads of counters, operation by operation: a critical get that was invoked after an
/// acknowledged critical put of the same key had completed must return at least the value that put wrote.
/// </summary>
/// <remarks>
/// <para>Sound for keys whose value only grows (counters incremented in critical sections): entry consistency
/// (docs/design.md §2) means every holder after an acknowledged write reads that write or a later one (sync on acquire,
/// rule 3; fencing timestamps, rule 2), and every later write is a read plus one. Only acknowledged operations are
/// judged — a get or put that completed after its hold or session was lost promises nothing.</para>
/// <para>It complements <see cref="HistoryChecker"/>'s hold-level check, which counts cleanly released holds: this
/// one also catches a stale read after a hold whose put was acknowledged but whose release failed.</para>
/// </remarks>
public static class CriticalReadChecker
{
    /// <summary>Checks the <see cref="OperationKinds.CriticalGet"/> and <see cref="OperationKinds.CriticalPut"/> records among <paramref name="operations"/>.</summary>
    public static IReadOnlyList<string> Check(IEnumerable<OperationRecord> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        var judged = operations
            .Where(r => r.Outcome == OperationOutcome.Acknowledged && r.Key is not null && r.Value is not null)
            .ToList();
        var violations = new List<string>();
        foreach (var key in judged.GroupBy(r => r.Key!, StringComparer.Ordinal))
        {
            var puts = key.Where(r => r.Kind == OperationKinds.CriticalPut).OrderBy(r => r.CompletedAt).ToArray();
            var completedAt = puts.Select(p => p.CompletedAt).ToArray();

            // highest[i]: the put with the largest value among the first i+1 puts to complete.
            var highest = new OperationRecord[puts.Length];
            for (var i = 0; i < puts.Length; i++)
            {
                highest[i] = i > 0 && highest[i - 1].Value >= puts[i].Value ? highest[i - 1] : puts[i];
            }

            foreach (var get in key.Where(r => r.Kind == OperationKinds.CriticalGet))
            {
                var before = CountBefore(completedAt, get.InvokedAt);
                if (before > 0 && get.Value < highest[before - 1].Value)
                {
                    var put = highest[before - 1];
                    violations.Add($"{key.Key}: stale critical read by {get.Client}#{get.Ordinal} (invoked at {get.InvokedAt}): read {get.Value}, but {put.Client}#{put.Ordinal} had written {put.Value} (acknowledged at {put.CompletedAt})");
                }
            }
        }

        return violations;
    }

    /// <summary>How many of <paramref name="sortedTimes"/> are strictly before <paramref name="time"/>.</summary>
    private static int CountBefore(long[] sortedTimes, long time)
    {
        int low = 0, high = sortedTimes.Length;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (sortedTimes[mid] < time)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
