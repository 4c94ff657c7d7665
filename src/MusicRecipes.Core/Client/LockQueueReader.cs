using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>
/// Reads a key's lock queue for <see cref="IMusicClient.GetLockQueueAsync"/> and finds who blocks a waiter for
/// <see cref="LockTimeoutException"/>: the queue and the key's lock state, both read strongly (rule 1 of
/// docs/design.md); the head holds when the state records its acquisition.
/// </summary>
internal sealed class LockQueueReader(ILockStore locks, MusicClientOptions options, string site, Func<string, bool> isOwnTicket)
{
    /// <summary>How long a timed-out waiter spends finding out who blocked it before it reports "unknown".</summary>
    private static readonly TimeSpan HolderLookupBound = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<LockQueueEntry>> ReadAsync(string key, CancellationToken cancellationToken)
    {
        var queue = await options.Resilience.ExecuteAsync(
            static (s, ct) => new ValueTask<IReadOnlyList<QueueEntry>>(s.locks.ReadQueueAsync(s.key, ct)),
            (locks, key), cancellationToken).ConfigureAwait(false);
        if (queue.Count == 0)
        {
            return [];
        }

        var state = (await options.Resilience.ExecuteAsync(
            static (s, ct) => new ValueTask<VersionedKeyState>(s.locks.GetKeyStateAsync(s.key, ct)),
            (locks, key), cancellationToken).ConfigureAwait(false)).State;
        var entries = new LockQueueEntry[queue.Count];
        for (var i = 0; i < queue.Count; i++)
        {
            var entry = queue[i];
            var heldSince = i == 0 && state.IsAcquiredBy(entry.Position.Ordinal) ? state.LastAcquiredAt : null;
            entries[i] = new LockQueueEntry(entry.TicketId, entry.SessionId, entry.Position.Ordinal, entry.Keys, heldSince, isOwnTicket(entry.TicketId) ? site : null);
        }

        return entries;
    }

    /// <summary>
    /// The ticket at the head of the first of <paramref name="lockRef"/>'s queues it is not first in, or <c>null</c> when
    /// none can be read within a short bound (the caller is reporting a timeout; it must not hang on a cut-off service).
    /// </summary>
    public async Task<LockQueueEntry?> FindBlockerAsync(LockRef lockRef, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(HolderLookupBound);
        try
        {
            foreach (var key in lockRef.Keys)
            {
                var queue = await ReadAsync(key, bound.Token).ConfigureAwait(false);
                if (queue.Count > 0 && queue[0].TicketId != lockRef.Id)
                {
                    return queue[0];
                }
            }
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex) || ex is OperationCanceledException)
        {
            // Best effort: the timeout is reported either way.
        }

        return null;
    }
}
