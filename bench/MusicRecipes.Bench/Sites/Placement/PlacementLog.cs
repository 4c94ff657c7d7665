using System.Collections.Concurrent;
using System.Diagnostics;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Bench;

/// <summary>
/// Everything one placement run did: the submissions, and every claim with what came of its completion, in the
/// test kit's work-queue history (so <see cref="WorkQueueChecker"/> can judge exactly-once), plus when each payload
/// was first completed (for the placement latency and for knowing when the workers have caught up).
/// </summary>
internal sealed class PlacementLog
{
    private readonly ConcurrentQueue<PlacementSubmission> _submissions = new();
    private readonly ConcurrentDictionary<string, long> _firstCompletion = new(StringComparer.Ordinal);
    private readonly WorkQueueHistory _history = new();

    public IReadOnlyList<PlacementSubmission> Submissions => _submissions.ToArray();

    public WorkQueueHistory History => _history;

    public int CompletedCount => _firstCompletion.Count;

    public void Add(PlacementSubmission submission)
    {
        _submissions.Enqueue(submission);
        _history.Add(new WorkSubmissionRecord { Payload = submission.Payload, Item = submission.Item, Outcome = submission.Outcome });
    }

    public void Add(WorkClaimRecord claim)
    {
        _history.Add(claim);
        if (claim.Completion == OperationOutcome.Acknowledged && claim.Payload is { } payload)
        {
            _firstCompletion.TryAdd(payload, claim.CompletedAt!.Value);
        }
    }

    /// <summary>When <paramref name="payload"/> was first completed (acknowledged), if it was.</summary>
    public long? CompletedAt(string payload) => _firstCompletion.TryGetValue(payload, out var at) ? at : null;

    /// <summary>Acknowledged submissions not completed yet.</summary>
    public int Outstanding() => _submissions.Count(s => s.Outcome == OperationOutcome.Acknowledged && !_firstCompletion.ContainsKey(s.Payload));

    /// <summary>Waits until every acknowledged submission has been completed, at most <paramref name="timeout"/>; returns whether it was.</summary>
    public async Task<bool> WaitUntilCaughtUpAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (Outstanding() > 0)
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }
}
