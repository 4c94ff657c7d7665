namespace MusicRecipes.Testing.History;

/// <summary>
/// Checks a recorded history of counter increments against the MUSIC guarantees:
/// <list type="bullet">
/// <item><b>Mutual exclusion</b>: two holds of a key that both completed cleanly never overlap in time, and a later
/// ordinal never held the key before an earlier one released it.</item>
/// <item><b>No stale critical read</b>: a hold never reads less than the number of acknowledged increments whose holds
/// had finished releasing before it acquired.</item>
/// <item><b>No lost or invented update</b>: each final counter lies between its acknowledged increments and its
/// acknowledged plus indeterminate increments.</item>
/// </list>
/// </summary>
public static class HistoryChecker
{
    /// <summary>Checks <paramref name="records"/> against the final counter values read after the run.</summary>
    public static HistoryReport Check(IReadOnlyList<HoldRecord> records, IReadOnlyDictionary<string, long> finalValues)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(finalValues);
        var violations = new List<string>();
        foreach (var group in records.GroupBy(r => r.Key, StringComparer.Ordinal))
        {
            CheckExclusion(group.Key, group.Where(r => r.CompletedCleanly).OrderBy(r => r.AcquiredAt).ToList(), violations);
            CheckStaleReads(group.Key, group.ToList(), violations);
            CheckFinalValue(group.Key, group.ToList(), finalValues.GetValueOrDefault(group.Key), violations);
        }

        return new HistoryReport(
            violations,
            records.Count(r => r.Outcome == HoldOutcome.Acknowledged),
            records.Count(r => r.Outcome == HoldOutcome.Indeterminate),
            records.Count(r => r.CompletedCleanly));
    }

    private static void CheckExclusion(string key, List<HoldRecord> clean, List<string> violations)
    {
        for (var i = 1; i < clean.Count; i++)
        {
            var earlier = clean[i - 1];
            var later = clean[i];
            if (earlier.ReleaseStartedAt is { } released && later.AcquiredAt < released)
            {
                violations.Add($"{key}: overlapping holds: {earlier.Client}#{earlier.Ordinal} held until {released}, {later.Client}#{later.Ordinal} acquired at {later.AcquiredAt}");
            }

            if (later.Ordinal < earlier.Ordinal)
            {
                violations.Add($"{key}: fencing order broken: #{later.Ordinal} acquired after #{earlier.Ordinal}");
            }
        }
    }

    private static void CheckStaleReads(string key, List<HoldRecord> holds, List<string> violations)
    {
        var finished = holds
            .Where(r => r.Outcome == HoldOutcome.Acknowledged && r.CompletedCleanly && r.ReleaseStartedAt is not null)
            .Select(r => r.ReleaseStartedAt!.Value)
            .OrderBy(t => t)
            .ToArray();
        foreach (var hold in holds.Where(r => r.ValueRead is not null))
        {
            var mustSee = CountBefore(finished, hold.AcquiredAt);
            if (hold.ValueRead < mustSee)
            {
                violations.Add($"{key}: stale critical read by {hold.Client}#{hold.Ordinal}: read {hold.ValueRead}, but {mustSee} acknowledged increments had completed before it acquired");
            }
        }
    }

    private static void CheckFinalValue(string key, List<HoldRecord> holds, long final, List<string> violations)
    {
        var acknowledged = holds.Count(r => r.Outcome == HoldOutcome.Acknowledged);
        var indeterminate = holds.Count(r => r.Outcome == HoldOutcome.Indeterminate);
        if (final < acknowledged)
        {
            violations.Add($"{key}: lost update: final value {final} < {acknowledged} acknowledged increments");
        }

        if (final > acknowledged + indeterminate)
        {
            violations.Add($"{key}: invented update: final value {final} > {acknowledged} acknowledged + {indeterminate} indeterminate increments");
        }
    }

    private static int CountBefore(long[] sortedTimes, long time)
    {
        var index = Array.BinarySearch(sortedTimes, time);
        return index >= 0 ? index : ~index;
    }
}
