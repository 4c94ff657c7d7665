namespace MusicRecipes.Testing.History;

/// <summary>
/// Checks a recorded work-queue history against exactly-one processing (docs/design.md §2, the work-queue claim of the placement service):
/// <list type="bullet">
/// <item><b>Completed twice</b>: at most one claim of an item has an acknowledged completion.</item>
/// <item><b>Claimed after done</b>: no discovery round that began after an acknowledged completion claims the item again.</item>
/// <item><b>Overlapping claims</b>: no claim is handed out while a claim with a smaller fencing token is still
/// known to be validly held.</item>
/// <item><b>Lost</b>: every acknowledged submission was processed — matched by its payload, not by the id the queue
/// returned (see <see cref="LostSubmissions"/>) — and every item with an acknowledged completion is done at the end.</item>
/// <item><b>Invented</b>: an item done at the end had a completion attempt (acknowledged or indeterminate).</item>
/// </list>
/// </summary>
/// <remarks>All time comparisons are conservative (invocation vs completion), so a reported violation is real.</remarks>
public static class WorkQueueChecker
{
    /// <summary>
    /// Checks a history whose submissions were recorded by id only: each is matched by its id, and an id acknowledged
    /// to several submissions loses all but one. Prefer the overload with <see cref="WorkSubmissionRecord"/>s.
    /// </summary>
    public static WorkQueueReport Check(
        IReadOnlyList<KeyValuePair<string, OperationOutcome>> submissions,
        IReadOnlyList<WorkClaimRecord> claims,
        IReadOnlyDictionary<string, bool> finalDone)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        return Check(submissions.Select(s => new WorkSubmissionRecord { Item = s.Key, Outcome = s.Value }).ToArray(), claims, finalDone);
    }

    /// <summary>
    /// Checks the history against <paramref name="finalDone"/>: for each item, whether it was done at the end.
    /// Record payloads on both sides (<see cref="WorkSubmissionRecord.Payload"/>, <see cref="WorkClaimRecord.Payload"/>).
    /// </summary>
    public static WorkQueueReport Check(
        IReadOnlyList<WorkSubmissionRecord> submissions,
        IReadOnlyList<WorkClaimRecord> claims,
        IReadOnlyDictionary<string, bool> finalDone)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        ArgumentNullException.ThrowIfNull(claims);
        ArgumentNullException.ThrowIfNull(finalDone);
        var violations = new List<string>();
        foreach (var item in claims.GroupBy(c => c.Item, StringComparer.Ordinal))
        {
            CheckCompletions(item.Key, item.ToList(), violations);
            CheckOverlaps(item.Key, item.OrderBy(c => c.Fencing).ToList(), violations);
        }

        LostSubmissions.Check(submissions, claims, finalDone, violations);
        var completedItems = claims.Where(c => c.Completion == OperationOutcome.Acknowledged).Select(c => c.Item).ToHashSet(StringComparer.Ordinal);
        foreach (var item in completedItems.Order(StringComparer.Ordinal))
        {
            if (!finalDone.GetValueOrDefault(item))
            {
                violations.Add($"{item}: lost completion: completed (acknowledged) but not done at the end");
            }
        }

        var attempted = claims.Where(c => c.Completion is OperationOutcome.Acknowledged or OperationOutcome.Indeterminate).Select(c => c.Item).ToHashSet(StringComparer.Ordinal);
        foreach (var (item, done) in finalDone.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (done && !attempted.Contains(item))
            {
                violations.Add($"{item}: invented completion: done at the end, but no worker tried to complete it");
            }
        }

        return new WorkQueueReport(violations, submissions.Count(s => s.Outcome == OperationOutcome.Acknowledged), claims.Count, claims.Count(c => c.Completion == OperationOutcome.Acknowledged), finalDone.Count(p => p.Value));
    }

    private static void CheckCompletions(string item, List<WorkClaimRecord> claims, List<string> violations)
    {
        var completions = claims.Where(c => c.Completion == OperationOutcome.Acknowledged).OrderBy(c => c.CompletedAt).ToList();
        if (completions.Count > 1)
        {
            violations.Add($"{item}: completed twice: by {string.Join(", ", completions.Select(c => $"{c.Worker}#{c.Fencing}"))}");
        }

        if (completions.Count == 0)
        {
            return;
        }

        var first = completions[0];
        foreach (var later in claims.Where(c => c.InvokedAt > first.CompletedAt))
        {
            violations.Add($"{item}: claimed after done: {later.Worker}#{later.Fencing} claimed it in a round begun at {later.InvokedAt}, after {first.Worker}#{first.Fencing} completed it at {first.CompletedAt}");
        }
    }

    private static void CheckOverlaps(string item, List<WorkClaimRecord> byFencing, List<string> violations)
    {
        for (var i = 0; i < byFencing.Count; i++)
        {
            if (byFencing[i].HeldUntil is not { } heldUntil)
            {
                continue;
            }

            for (var j = i + 1; j < byFencing.Count; j++)
            {
                if (byFencing[j].ClaimedAt < heldUntil)
                {
                    violations.Add($"{item}: overlapping claims: {byFencing[j].Worker}#{byFencing[j].Fencing} held it at {byFencing[j].ClaimedAt} while {byFencing[i].Worker}#{byFencing[i].Fencing} held it until {heldUntil}");
                }
            }
        }
    }
}
