using System.Collections.Concurrent;

namespace MusicRecipes.Testing.History;

/// <summary>A thread-safe log of a work queue's submissions and claims, for <see cref="WorkQueueChecker"/>.</summary>
/// <example>
/// <code>
/// var queueHistory = new WorkQueueHistory();
/// queueHistory.Add(new WorkSubmissionRecord { Payload = Convert.ToHexString(payload), Item = "p0/1", Outcome = OperationOutcome.Acknowledged });
/// queueHistory.Add(new WorkClaimRecord { Item = "p0/1", Payload = Convert.ToHexString(claim.Item.Payload), Worker = "w1", Fencing = 3, InvokedAt = t0, ClaimedAt = t1, HeldUntil = t2, Completion = OperationOutcome.Acknowledged, CompletedAt = t3 });
/// var report = WorkQueueChecker.Check(queueHistory.SubmissionRecords, queueHistory.Claims, finalDone);
/// </code>
/// </example>
public sealed class WorkQueueHistory
{
    private readonly ConcurrentQueue<WorkSubmissionRecord> _submissions = new();
    private readonly ConcurrentQueue<WorkClaimRecord> _claims = new();

    /// <summary>Every recorded submission, with its payload where the recorder kept it.</summary>
    public IReadOnlyList<WorkSubmissionRecord> SubmissionRecords => _submissions.ToArray();

    /// <summary>Every submission whose item id is known, with its outcome (one entry per submission, so an id given twice appears twice).</summary>
    public IReadOnlyList<KeyValuePair<string, OperationOutcome>> Submissions =>
        _submissions.Where(s => s.Item is not null).Select(s => new KeyValuePair<string, OperationOutcome>(s.Item!, s.Outcome)).ToArray();

    /// <summary>Every recorded claim.</summary>
    public IReadOnlyList<WorkClaimRecord> Claims => _claims.ToArray();

    /// <summary>Every item id seen, submitted or claimed.</summary>
    public IReadOnlyCollection<string> Items =>
        _submissions.Where(s => s.Item is not null).Select(s => s.Item!).Concat(_claims.Select(c => c.Item)).ToHashSet(StringComparer.Ordinal);

    /// <summary>
    /// Records a submission of <paramref name="item"/> without its payload: the checker can then match it only by id.
    /// Prefer <see cref="Add(WorkSubmissionRecord)"/> with the payload.
    /// </summary>
    public void Submitted(string item, OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(item);
        _submissions.Enqueue(new WorkSubmissionRecord { Item = item, Outcome = outcome });
    }

    /// <summary>Records a submission.</summary>
    public void Add(WorkSubmissionRecord submission)
    {
        ArgumentNullException.ThrowIfNull(submission);
        _submissions.Enqueue(submission);
    }

    /// <summary>Records a claim.</summary>
    public void Add(WorkClaimRecord claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        _claims.Enqueue(claim);
    }
}
