using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Dead sessions: tickets of a session whose lease row is gone are removed (forced removal) by whoever waits behind
/// them, so every wait ends (rule 5 of docs/design.md); the keys stay unsynced.
/// </summary>
internal sealed class CassandraBlockerEviction(LockSession session, CassandraTicketRemover remover, CassandraLockStoreOptions options, ILogger logger)
{
    private readonly ConcurrentDictionary<string, long> _aliveUntil = new(StringComparer.Ordinal);

    /// <summary>Force-removes blockers whose session is dead. True when something was removed.</summary>
    public async Task<bool> RemoveDeadBlockersAsync(IReadOnlyList<QueueEntry> blockers, CancellationToken cancellationToken)
    {
        var removed = false;
        foreach (var blocker in blockers.DistinctBy(b => b.TicketId))
        {
            if (await IsSessionAliveAsync(blocker.SessionId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            logger.LogInformation("Removing ticket {Ticket} of dead session {Session} from {Keys}", blocker.TicketId, blocker.SessionId, string.Join(",", blocker.Keys));
            removed |= await remover.ForceRemoveAsync(blocker, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private async Task<bool> IsSessionAliveAsync(string sessionId, CancellationToken cancellationToken)
    {
        // A session seen alive is not re-read for a short while: a dead holder is noticed a little later, never
        // wrongly.
        var now = Environment.TickCount64;
        if (_aliveUntil.TryGetValue(sessionId, out var until) && until > now)
        {
            return true;
        }

        var alive = await session.IsAliveAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (alive)
        {
            _aliveUntil[sessionId] = now + Math.Min(1000, (long)options.SessionTimeout.TotalMilliseconds / 4);
        }
        else
        {
            _aliveUntil.TryRemove(sessionId, out _);
        }

        return alive;
    }
}
