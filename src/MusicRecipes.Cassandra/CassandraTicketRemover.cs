using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Leaving the queues: a clean release recorded only by the last acquirer (rule 3), removal of rows conditional on
/// the ticket's id, forced removal of someone else's ticket; and the ids of the tickets this store removed itself, so
/// that finding one of them missing is not taken for a forced removal.
/// </summary>
internal sealed class CassandraTicketRemover(CassandraLockTables tables, LwtRunner lwt, LockSession session, ILogger logger)
{
    private readonly ConcurrentDictionary<string, byte> _removedBySelf = new(StringComparer.Ordinal);

    /// <summary>Whether this store released (or is releasing) the ticket itself.</summary>
    public bool RemovedBySelf(string ticketId) => _removedBySelf.ContainsKey(ticketId);

    /// <summary>
    /// Per key, one Paxos round on the key's partition: clean, a batch of the clean-release record "<c>IF last_acquired
    /// = (ours)</c>" (only the last acquirer records, rule 3) and the deletion of our row "<c>IF ticket_id = (ours)</c>";
    /// if that batch does not apply (someone acquired after us) or its outcome is unknown, the row is removed on its
    /// own. Unclean, only the removal. Keys of a multi-key ticket are separate partitions, so each has its own round.
    /// </summary>
    public async Task ReleaseAsync(LockTicket ticket, CleanRelease? clean, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        _removedBySelf[ticket.Id] = 0;
        var cleanly = clean is not null && !ticket.LossReason.HasValue;
        await Task.WhenAll(ticket.Positions.Select(async (position, i) =>
        {
            if (cleanly && await TryReleaseCleanlyAsync(statements, ticket, position, clean!.LastWriteAt(i), cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            await RemoveEntryAsync(statements, position.Key, position.Ordinal, ticket.Id, cancellationToken).ConfigureAwait(false);
        })).ConfigureAwait(false);
        session.Untrack(ticket);
    }

    /// <summary>Removes another session's ticket from every one of its queues; false when it was already gone.</summary>
    public async Task<bool> ForceRemoveAsync(QueueEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);

        // Every queue of the ticket holds it at the same ordinal (see the remarks of CassandraLockStore).
        var removed = await Task.WhenAll(entry.Keys.Select(k => RemoveEntryAsync(statements, k, entry.Position.Ordinal, entry.TicketId, cancellationToken))).ConfigureAwait(false);
        session.Find(entry.TicketId)?.SignalLost(LockLossReason.ForciblyReleased);
        return removed.Any(r => r);
    }

    /// <summary>Removes a queue row of ours that must go (see <see cref="OrphanRowSweeper"/>).</summary>
    public async Task RemoveOrphanAsync(OrphanRow row, CancellationToken cancellationToken)
    {
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        await RemoveEntryAsync(statements, row.Key, row.Ordinal, row.TicketId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes one queue row if it still belongs to the ticket. True when this call removed it.</summary>
    /// <remarks>
    /// A removal whose outcome is unknown (a Paxos round that timed out, typically under contention on the key) is
    /// settled by a SERIAL read and tried again while the row is still there: the delete is conditional on the ticket's
    /// id, so repeating it can never remove anything else.
    /// </remarks>
    public async Task<bool> RemoveEntryAsync(LockStatements statements, string key, long ordinal, string ticketId, CancellationToken cancellationToken)
    {
        const int attempts = 4;
        for (var attempt = 1; ; attempt++)
        {
            var result = await lwt.TryAsync(lwt.Conditional(statements.RemoveEntry, key, ordinal, ticketId), $"Dequeue from '{key}'", cancellationToken).ConfigureAwait(false);
            if (result is not null)
            {
                return result.WasApplied;
            }

            var entry = await lwt.ReadAsync(lwt.SerialRead(statements.ReadEntry, key, ordinal), $"Check dequeue from '{key}'", cancellationToken).ConfigureAwait(false);
            if (entry.Rows.Count == 0 || entry.Rows[0].Get<string>("ticket_id") != ticketId)
            {
                return true;
            }

            if (attempt == attempts)
            {
                throw new MusicTimeoutException($"Removing ticket {ticketId} from '{key}' timed out {attempts} times; it is still queued.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 50 * attempt)), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The clean record and the row's removal in one round; false when it did not apply or its outcome is unknown.</summary>
    private async Task<bool> TryReleaseCleanlyAsync(LockStatements statements, LockTicket ticket, TicketPosition position, long? lastWrite, CancellationToken cancellationToken)
    {
        var batch = new CqlBatch { Consistency = CqlConsistency.Quorum, SerialConsistency = lwt.Serial }
            .Add(statements.RecordClean.Bind(position.Ordinal, lastWrite, position.Key, position.Ordinal))
            .Add(statements.RemoveEntry.Bind(position.Key, position.Ordinal, ticket.Id));
        try
        {
            var result = await lwt.TryAsync(batch, $"Release '{position.Key}'", cancellationToken).ConfigureAwait(false);
            return result is { WasApplied: true };
        }
        catch (MusicException e) when (e is not MusicUnavailableException)
        {
            // Not recorded means unclean: the next holder syncs. Safe, only slower; the removal follows on its own.
            logger.LogDebug(e, "Could not record a clean release of {Key} by {Ticket}", position.Key, ticket);
            return false;
        }
    }
}
