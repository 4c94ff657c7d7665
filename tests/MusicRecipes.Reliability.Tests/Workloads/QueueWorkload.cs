using Microsoft.Extensions.Logging;
using System.Text;
using MusicRecipes.Recipes.Queue;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Worker.Workloads;
using MusicRecipes.Testing.History;

namespace MusicRecipes.Reliability.Tests.Workloads;

/// <summary>
/// The work-queue workload: at every site a producer submits items (eventual puts at its local Cassandra node) and a
/// worker claims and completes them (critical sections on each item's state key). Submissions and claims go to a
/// <see cref="WorkQueueHistory"/> for <see cref="WorkQueueChecker"/> — with their payloads (unique per submission, hex
/// in the records), so a submission is matched to the work done by what was submitted, not by the id the queue
/// returned; each step is an operation as well. Producers
/// wait while <see cref="MaxBacklog"/> acknowledged items are not finished yet (backpressure, as a bounded queue
/// would apply): faster than the workers they would only pile up a backlog the drain cannot clear — which is not a
/// lost item, though the checker would have to call it one.
/// </summary>
internal sealed class QueueWorkload(string queueName, WorkQueueHistory history, OperationHistory operations)
{
    public const string SubmitKind = "queue-submit";
    public const string ClaimKind = "queue-claim";
    public const string CompleteKind = "queue-complete";
    /// <summary>How many acknowledged submissions may wait for a completion before the producers wait.</summary>
    public const int MaxBacklog = 100;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _finished = new(StringComparer.Ordinal);
    private long _lastClaimAt = RunClock.Now;
    private long _submitted;

    /// <summary>Acknowledged submissions whose completion has not been attempted to the end yet.</summary>
    public long Backlog => Interlocked.Read(ref _submitted) - _finished.Count;

    /// <summary>When a worker last got a claim (to tell when the queue has gone quiet).</summary>
    public long LastClaimAt => Interlocked.Read(ref _lastClaimAt);

    public MusicWorkQueue Open(SiteClient client) => new(client.Music, queueName, new MusicWorkQueueOptions
    {
        ProducerId = $"p{client.Site}",
        WorkerId = $"w{client.Site}",
        PollInterval = TimeSpan.FromMilliseconds(20),
        MaxPollInterval = TimeSpan.FromMilliseconds(500),
        LockTimeout = TimeSpan.FromSeconds(5),
    }, client.Logs.CreateLogger<MusicWorkQueue>());

    public async Task ProduceAsync(SiteClient client, MusicWorkQueue queue, Random random, TimeSpan pace, CancellationToken stop)
    {
        var sequence = 0L;
        while (!stop.IsCancellationRequested)
        {
            if (Backlog >= MaxBacklog)
            {
                await Task.Delay(100);
                continue;
            }

            // Every payload is unique (producer, its own count, and random bits), so the checker can match each
            // acknowledged submission to the claim that found it, whatever id the queue gave it.
            var payload = Encoding.ASCII.GetBytes($"p{client.Site}#{++sequence}:{random.NextInt64():x16}");
            var recorded = Convert.ToHexString(payload);
            var invoked = RunClock.Now;
            try
            {
                var id = await queue.SubmitAsync(payload, CancellationToken.None);
                Interlocked.Increment(ref _submitted);
                history.Add(new WorkSubmissionRecord { Payload = recorded, Item = id.ToString(), Outcome = OperationOutcome.Acknowledged });
                Record(client, SubmitKind, id.ToString(), invoked, OperationOutcome.Acknowledged);
            }
            catch (Exception ex) when (Outcomes.IsExpected(ex))
            {
                // The id of a failed submission is not returned (the queue burns its sequence number; the payload may
                // still be processed). Kept for the record: the checker holds only acknowledged submissions to account.
                var outcome = Outcomes.OfFailedWrite(ex);
                history.Add(new WorkSubmissionRecord { Payload = recorded, Item = null, Outcome = outcome });
                Record(client, SubmitKind, null, invoked, outcome, error: ex);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(pace.TotalMilliseconds * (0.5 + random.NextDouble())));
        }
    }

    /// <summary>Claims and completes items until <paramref name="stop"/>.</summary>
    public async Task WorkAsync(SiteClient client, MusicWorkQueue queue, Random random, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!await ClaimAndCompleteAsync(client, queue, random))
            {
                await Task.Delay(random.Next(50, 150));
            }
        }
    }

    /// <summary>One discovery round; returns whether an item was claimed.</summary>
    private async Task<bool> ClaimAndCompleteAsync(SiteClient client, MusicWorkQueue queue, Random random)
    {
        var mark = client.Session.Mark();
        var invoked = RunClock.Now;
        WorkItemClaim? claim;
        try
        {
            claim = await queue.TryClaimNextAsync(CancellationToken.None);
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex))
        {
            Record(client, ClaimKind, null, invoked, OperationOutcome.Failed, error: ex);
            return false;
        }

        if (claim is null)
        {
            return false;
        }

        var claimedAt = RunClock.Now;
        Interlocked.Exchange(ref _lastClaimAt, claimedAt);
        var item = claim.Item.Id.ToString();
        Record(client, ClaimKind, item, invoked, OperationOutcome.Acknowledged, claim.FencingToken.Value);
        bool Valid() => claim.IsHeld && client.Session.UndisturbedSince(mark);

        // "Processing": long enough that session faults sometimes land mid-item, so recovery by another worker runs.
        await Task.Delay(random.Next(0, 150));

        // A careful worker does not finish an item while its session is suspended (ZooKeeperConnectionState: "pause
        // work that must not run twice"): it waits to hear Reconnected (the claim survived) or Lost (another worker
        // will recover the item). Without this wait a cut site still completes its items through Cassandra, and the
        // queue's recovery path would never run.
        for (var waited = 0; waited < 120 && client.Locks.Client.ConnectionState == MusicRecipes.ZooKeeper.ZooKeeperConnectionState.Suspended; waited++)
        {
            await Task.Delay(50);
        }

        var completeInvoked = RunClock.Now;
        var validAtStart = Valid();
        OperationOutcome completion;
        Exception? error = null;
        try
        {
            await claim.CompleteAsync(CancellationToken.None);
            completion = validAtStart && client.Session.UndisturbedSince(mark) ? OperationOutcome.Acknowledged : OperationOutcome.Indeterminate;
        }
        catch (LockLostException ex)
        {
            // Thrown before the put (nothing written) or after it (the put may stand): the queue cannot tell us which.
            completion = OperationOutcome.Indeterminate;
            error = ex;
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex))
        {
            completion = Outcomes.OfFailedWrite(ex);
            error = ex;
        }

        var completedAt = RunClock.Now;
        if (completion != OperationOutcome.Failed)
        {
            _finished.TryAdd(item, true);
        }

        Record(client, CompleteKind, item, completeInvoked, completion, claim.FencingToken.Value, error);
        history.Add(new WorkClaimRecord
        {
            Item = item,
            Payload = Convert.ToHexString(claim.Item.Payload),
            Worker = client.Name,
            Fencing = claim.FencingToken.Value,
            InvokedAt = invoked,
            ClaimedAt = claimedAt,
            HeldUntil = completion == OperationOutcome.Acknowledged ? completeInvoked : null,
            Completion = completion,
            CompletedAt = completedAt,
        });
        try
        {
            await claim.DisposeAsync();
        }
        catch (Exception ex) when (Outcomes.IsExpected(ex))
        {
            // The queue keeps the claim as an orphan and retries its clean-up in its next discovery round.
        }

        return true;
    }

    private void Record(SiteClient client, string kind, string? item, long invoked, OperationOutcome outcome, long? ordinal = null, Exception? error = null) =>
        operations.Add(new OperationRecord
        {
            Kind = kind,
            Client = client.Name,
            Key = item,
            InvokedAt = invoked,
            CompletedAt = RunClock.Now,
            Outcome = outcome,
            Ordinal = ordinal,
            Error = error is null ? null : Outcomes.Describe(error),
        });
}
