using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

// Dead sessions and forced removals: tickets of a session whose lease row is gone are removed by whoever waits behind
// them, and every heartbeat checks that our own tickets are still queued (rule 6: a holder learns of a forced removal).
public sealed partial class CassandraLockStore
{
    /// <summary>Force-removes blockers whose session is dead. True when something was removed.</summary>
    private async Task<bool> RemoveDeadBlockersAsync(IReadOnlyList<QueueEntry> blockers, CancellationToken cancellationToken)
    {
        var removed = false;
        foreach (var blocker in blockers.DistinctBy(b => b.TicketId))
        {
            if (await IsSessionAliveAsync(blocker.SessionId, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            _logger.LogInformation("Removing ticket {Ticket} of dead session {Session} from {Keys}", blocker.TicketId, blocker.SessionId, string.Join(",", blocker.Keys));
            removed |= await ForceRemoveAsync(blocker, cancellationToken).ConfigureAwait(false);
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

        var alive = await _session.IsAliveAsync(sessionId, cancellationToken).ConfigureAwait(false);
        if (alive)
        {
            _aliveUntil[sessionId] = now + Math.Min(1000, (long)_options.SessionTimeout.TotalMilliseconds / 4);
        }
        else
        {
            _aliveUntil.TryRemove(sessionId, out _);
        }

        return alive;
    }

    /// <summary>Signals lost every ticket of ours that someone else removed from one of its queues.</summary>
    private async Task VerifyTicketsAsync(IReadOnlyCollection<LockTicket> tickets, CancellationToken cancellationToken)
    {
        var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
        await _orphans.SweepAsync(cancellationToken).ConfigureAwait(false);
        foreach (var ticket in tickets)
        {
            if (ticket.LossReason is not null || _removedBySelf.ContainsKey(ticket.Id))
            {
                _session.Untrack(ticket);
                continue;
            }

            foreach (var position in ticket.Positions)
            {
                // QUORUM is enough: removals are Paxos commits, written at QUORUM before they are acknowledged.
                var rows = await _lwt.ReadAsync(LwtRunner.QuorumRead(statements.ReadEntry, position.Key, position.Ordinal), "Verify ticket", cancellationToken).ConfigureAwait(false);
                if ((rows.Rows.Count == 0 || rows.Rows[0].Get<string>("ticket_id") != ticket.Id) && !_removedBySelf.ContainsKey(ticket.Id))
                {
                    _logger.LogWarning("Ticket {Ticket} was removed by someone else", ticket);
                    ticket.SignalLost(LockLossReason.ForciblyReleased);
                    _session.Untrack(ticket);
                    break;
                }
            }
        }
    }
}
