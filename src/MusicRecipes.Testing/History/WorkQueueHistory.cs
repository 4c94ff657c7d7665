using System.Collections.Concurrent;

namespace MusicRecipes.Testing.History;

/// <summary>A thread-safe log of a work queue's submissions and claims, for <see cref="WorkQueueChecker"/>.</summary>
/// <example>
/// <code>
/// var queueHistory = new WorkQueueHistory();
/// queueHistory.Submitted("p0/1", OperationOutcome.Acknowledged);
/// queueHistory.Add(new WorkClaimRecord { Item = "p0/1", Worker = "w1", Fencing = 3, InvokedAt = t0, ClaimedAt = t1, HeldUntil = t2, Completion = OperationOutcome.Acknowledged, CompletedAt = t3 });
/// var report = WorkQueueChecker.Check(queueHistory.Submissions, queueHistory.Claims, finalDone);
/// </code>
/// </example>
public sealed class WorkQueueHistory
{
    private readonly ConcurrentQueue<KeyValuePair<string, OperationOutcome>> _submissions = new();
    private readonly ConcurrentQueue<WorkClaimRecord> _claims = new();

    /// <summary>Every submission whose item id is known, with its outcome.</summary>
    public IReadOnlyList<KeyValuePair<string, OperationOutcome>> Submissions => _submissions.ToArray();

    /// <summary>Every recorded claim.</summary>
    public IReadOnlyList<WorkClaimRecord> Claims => _claims.ToArray();

    /// <summary>Every item id seen, submitted or claimed.</summary>
    public IReadOnlyCollection<string> Items =>
        _submissions.Select(s => s.Key).Concat(_claims.Select(c => c.Item)).ToHashSet(StringComparer.Ordinal);

    /// <summary>Records a submission of <paramref name="item"/>.</summary>
    public void Submitted(string item, OperationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(item);
        _submissions.Enqueue(new(item, outcome));
    }

    /// <summary>Records a claim.</summary>
    public void Add(WorkClaimRecord claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        _claims.Enqueue(claim);
    }
}
