namespace MusicRecipes.Testing.History;

/// <summary>
/// The "lost" rule of <see cref="WorkQueueChecker"/> for submissions: every acknowledged submission was processed.
/// A submission is matched to the work done by its payload — done when some claim found that payload in its item and
/// completed it (acknowledged, or indeterminate and the item is done at the end) — never by the id the queue returned,
/// because a queue that hands one id to two submissions overwrites one payload with the other and completes only one.
/// A submission recorded without a payload can only be matched by id, and then one done item accounts for one
/// submission: an id acknowledged to n submissions loses n - 1 of them.
/// </summary>
internal static class LostSubmissions
{
    public static void Check(IReadOnlyList<WorkSubmissionRecord> submissions, IReadOnlyList<WorkClaimRecord> claims, IReadOnlyDictionary<string, bool> finalDone, List<string> violations)
    {
        var acknowledged = submissions.Where(s => s.Outcome == OperationOutcome.Acknowledged).ToList();
        var processed = claims
            .Where(c => c.Payload is not null
                && (c.Completion == OperationOutcome.Acknowledged || (c.Completion == OperationOutcome.Indeterminate && finalDone.GetValueOrDefault(c.Item))))
            .Select(c => c.Payload!)
            .ToHashSet(StringComparer.Ordinal);
        foreach (var submission in acknowledged.Where(s => s.Payload is not null && !processed.Contains(s.Payload)))
        {
            var sharers = acknowledged.Where(s => s.Item is not null && s.Item == submission.Item && s.Payload != submission.Payload).Select(s => Show(s.Payload)).ToList();
            violations.Add($"{submission.Item ?? "(no id)"}: lost: submitted (acknowledged) but not done at the end: payload {Show(submission.Payload)} was never completed"
                + (sharers.Count == 0 ? string.Empty : $"; its id was also given to payload {string.Join(", ", sharers)}"));
        }

        foreach (var byId in acknowledged.Where(s => s.Payload is null && s.Item is not null).GroupBy(s => s.Item!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var count = byId.Count();
            if (!finalDone.GetValueOrDefault(byId.Key))
            {
                violations.Add($"{byId.Key}: lost: submitted (acknowledged) but not done at the end" + (count > 1 ? $" ({count} submissions)" : string.Empty));
            }
            else if (count > 1)
            {
                violations.Add($"{byId.Key}: lost: submitted (acknowledged) {count} times under one id, and one item was done: {count - 1} submission(s) never processed");
            }
        }
    }

    private static string Show(string? payload) => payload is null ? "(not recorded)" : payload.Length <= 32 ? payload : payload[..32] + "…";
}
