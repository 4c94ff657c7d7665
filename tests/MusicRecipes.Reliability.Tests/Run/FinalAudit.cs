using MusicRecipes.Conformance;
using MusicRecipes.Recipes.Queue;
using MusicRecipes.Reliability.Tests.Harness;
using MusicRecipes.Reliability.Worker.Workloads;

namespace MusicRecipes.Reliability.Tests.Run;

/// <summary>
/// Reads the final state after every fault was repaired, through critical sections (so the reads are the latest
/// values, docs/design.md §2): each counter's value and each work item's status. An audit read that keeps failing is an
/// infrastructure failure and throws — it must never be mistaken for a lost item.
/// </summary>
internal static class FinalAudit
{
    private const int Attempts = 8;

    /// <summary>Each counter's final value; <paramref name="owners"/> names the clients by ZooKeeper session, for the error if a key stays taken.</summary>
    public static async Task<Dictionary<string, long>> CountersAsync(SiteClient auditor, IReadOnlyDictionary<string, string> owners, IEnumerable<string> counters, CancellationToken cancellationToken)
    {
        var finals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var counter in counters)
        {
            try
            {
                finals[counter] = await ReadCounterAsync(auditor, counter, cancellationToken);
            }
            catch (TimeoutException ex)
            {
                // A key that stays taken after every fault was repaired is a liveness failure: say who holds it.
                throw new InvalidOperationException($"The audit could not lock {counter}: {await DescribeQueueAsync(auditor, owners, counter)}", ex);
            }
        }

        return finals;
    }

    private static Task<long> ReadCounterAsync(SiteClient auditor, string counter, CancellationToken cancellationToken) =>
        RetryAsync(async () =>
        {
            var hold = await RawCounterHold.AcquireAsync(auditor.Music, counter, TimeSpan.FromSeconds(10), cancellationToken);
            try
            {
                return CounterCodec.Decode(await hold.GetAsync(cancellationToken));
            }
            finally
            {
                await Releaser.ReleaseAsync(() => hold.ReleaseAsync(CancellationToken.None));
            }
        }, cancellationToken);

    /// <summary>The lock queue of <paramref name="key"/>: each ticket with its session and, by <paramref name="owners"/>, the client that owns it.</summary>
    public static async Task<string> DescribeQueueAsync(SiteClient auditor, IReadOnlyDictionary<string, string> owners, string key)
    {
        var queue = await auditor.Locks.ReadQueueAsync(key, CancellationToken.None);
        return "queue [" + string.Join(", ", queue.Select(e => $"{e.Position.Ordinal} ticket {e.TicketId} of session {e.SessionId} ({owners.GetValueOrDefault(e.SessionId, "no live client")})")) + "]";
    }

    public static async Task<Dictionary<string, bool>> ItemsDoneAsync(MusicWorkQueue queue, IEnumerable<string> items, CancellationToken cancellationToken)
    {
        var done = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var id = WorkItemId.Parse(item);
            var status = await RetryAsync(() => queue.GetStatusAsync(id, ct), ct);
            done[item] = status.State == WorkItemState.Done;
        });
        return new Dictionary<string, bool>(done, StringComparer.Ordinal);
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await read();
            }
            catch (Exception ex) when (Outcomes.IsExpected(ex) && attempt < Attempts && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(500 * attempt, cancellationToken);
            }
        }
    }
}
