using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Forced removals of our own tickets: every heartbeat checks that the session's tickets are still queued, so a holder
/// learns of a forced removal within one heartbeat even if it never reads its queue again (rule 6 of docs/design.md).
/// </summary>
internal sealed class CassandraTicketVerifier(
    CassandraLockTables tables,
    LwtRunner lwt,
    LockSession session,
    CassandraTicketRemover remover,
    OrphanRowSweeper orphans,
    ILogger logger)
{
    /// <summary>Signals lost every ticket of ours that someone else removed from one of its queues.</summary>
    public async Task VerifyTicketsAsync(IReadOnlyCollection<LockTicket> tickets, CancellationToken cancellationToken)
    {
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        await orphans.SweepAsync(cancellationToken).ConfigureAwait(false);
        foreach (var ticket in tickets)
        {
            if (ticket.LossReason is not null || remover.RemovedBySelf(ticket.Id))
            {
                session.Untrack(ticket);
                continue;
            }

            foreach (var position in ticket.Positions)
            {
                // QUORUM is enough: removals are Paxos commits, written at QUORUM before they are acknowledged.
                var rows = await lwt.ReadAsync(LwtRunner.QuorumRead(statements.ReadEntry, position.Key, position.Ordinal), "Verify ticket", cancellationToken).ConfigureAwait(false);
                if ((rows.Rows.Count == 0 || rows.Rows[0].Get<string>("ticket_id") != ticket.Id) && !remover.RemovedBySelf(ticket.Id))
                {
                    logger.LogWarning("Ticket {Ticket} was removed by someone else", ticket);
                    ticket.SignalLost(LockLossReason.ForciblyReleased);
                    session.Untrack(ticket);
                    break;
                }
            }
        }
    }
}
