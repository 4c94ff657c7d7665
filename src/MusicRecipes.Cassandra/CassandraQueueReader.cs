using Microsoft.Extensions.Logging;
using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Reading the queues: SERIAL head checks that return the key states in the same read (rule 1), polling waits with
/// backoff (rule 5: Cassandra has no watches), and the removal of a ticket's own leftover rows ahead of its place.
/// </summary>
internal sealed class CassandraQueueReader(
    CassandraLockTables tables,
    LwtRunner lwt,
    LockSession session,
    CassandraTicketRemover remover,
    CassandraBlockerEviction eviction,
    CassandraLockStoreOptions options,
    ILogger logger)
{
    /// <summary>
    /// One SERIAL read per key (rule 1) of the queue up to the ticket, which also returns the key's state (static
    /// columns of the same partition, read in the same linearizable read).
    /// </summary>
    public async Task<HeadCheck> CheckHeadAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        for (var round = 0; ; round++)
        {
            if (ticket.LossReason is not null || remover.RemovedBySelf(ticket.Id))
            {
                return HeadCheck.Gone;
            }

            if (!session.IsCurrent(ticket.SessionId))
            {
                ticket.SignalLost(LockLossReason.SessionExpired);
                return HeadCheck.Gone;
            }

            var look = await ReadQueuesAsync(ticket, serial: true, cancellationToken).ConfigureAwait(false);
            if (look.Blockers is not { } blockers)
            {
                if (!remover.RemovedBySelf(ticket.Id))
                {
                    ticket.SignalLost(LockLossReason.ForciblyReleased);
                }

                return HeadCheck.Gone;
            }

            if (blockers.Count == 0)
            {
                return new HeadCheck(HeadStatus.Head, look.States);
            }

            if (round > 0 || !await eviction.RemoveDeadBlockersAsync(blockers, cancellationToken).ConfigureAwait(false))
            {
                return HeadCheck.Waiting;
            }
        }
    }

    /// <summary>Polls the ticket's blockers at QUORUM with a growing delay until one of them changes (see <see cref="ILockStore.WaitForChangeAsync"/>).</summary>
    public async Task WaitForChangeAsync(LockTicket ticket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        using var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, ticket.LostToken);
        IReadOnlyList<QueueEntry>? before;
        try
        {
            before = await ReadBlockersAsync(ticket, serial: false, wake.Token).ConfigureAwait(false);
        }
        catch (MusicException)
        {
            return;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return;
        }

        var delay = options.PollMinDelay;
        var sessionCheckEvery = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 200, options.SessionTimeout.Ticks / 4));
        var sinceSessionCheck = System.Diagnostics.Stopwatch.StartNew();
        while (before is { Count: > 0 })
        {
            try
            {
                await Task.Delay(delay, wake.Token).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.PollMaxDelay.Ticks));
                var now = await ReadBlockersAsync(ticket, serial: false, wake.Token).ConfigureAwait(false);
                if (now is null || !now.Select(e => e.TicketId).SequenceEqual(before.Select(e => e.TicketId)))
                {
                    return;
                }

                if (sinceSessionCheck.Elapsed >= sessionCheckEvery)
                {
                    sinceSessionCheck.Restart();
                    if (await eviction.RemoveDeadBlockersAsync(now, wake.Token).ConfigureAwait(false))
                    {
                        return;
                    }
                }
            }
            catch (MusicException)
            {
                // Let the caller's strong re-check surface the error.
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async Task<IReadOnlyList<QueueEntry>> ReadQueueAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        var rows = await lwt.ReadAsync(lwt.SerialRead(statements.ReadQueue, key), $"Read lock queue of '{key}'", cancellationToken).ConfigureAwait(false);
        return ToEntries(key, rows);
    }

    /// <summary>
    /// The first entry of each of the ticket's queues that is ahead of it (empty when the ticket is head
    /// everywhere), or null when the ticket is missing from one of its queues.
    /// </summary>
    private async Task<IReadOnlyList<QueueEntry>?> ReadBlockersAsync(LockTicket ticket, bool serial, CancellationToken cancellationToken) =>
        (await ReadQueuesAsync(ticket, serial, cancellationToken).ConfigureAwait(false)).Blockers;

    /// <summary>The blockers (see <see cref="ReadBlockersAsync"/>) and each key's state, from one read per key.</summary>
    private async Task<QueueLook> ReadQueuesAsync(LockTicket ticket, bool serial, CancellationToken cancellationToken)
    {
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        var prefixes = await Task.WhenAll(ticket.Positions.Select(async p =>
        {
            var statement = serial
                ? lwt.SerialRead(statements.ReadPrefix, p.Key, p.Ordinal)
                : LwtRunner.QuorumRead(statements.ReadPrefix, p.Key, p.Ordinal);
            var rows = await lwt.ReadAsync(statement, $"Read lock queue of '{p.Key}'", cancellationToken).ConfigureAwait(false);
            return (Position: p, Entries: ToEntries(p.Key, rows), State: CassandraKeyStateStore.ToState(rows));
        })).ConfigureAwait(false);

        var states = prefixes.Select(p => CassandraKeyStateStore.Versioned(p.State)).ToArray();
        var blockers = new List<QueueEntry>();
        foreach (var (position, entries, _) in prefixes)
        {
            if (!entries.Any(e => e.Position.Ordinal == position.Ordinal && e.TicketId == ticket.Id))
            {
                return new QueueLook(null, states);
            }

            // The tickets ahead that keep ours from holding, by its hold rule over their modes (the mode is in the id).
            var ahead = entries.TakeWhile(e => e.Position.Ordinal < position.Ordinal).ToArray();
            if (ahead.Any(e => e.TicketId == ticket.Id))
            {
                ahead = await RemoveLeftoversAsync(statements, ticket, ahead, cancellationToken).ConfigureAwait(false);
            }

            var blocking = ticket.HoldRule.BlockersAmong(ahead.Select(e => e.TicketId).ToArray());
            blockers.AddRange(ahead.Where(e => blocking.Contains(e.TicketId)));
        }

        return new QueueLook(blockers, states);
    }

    /// <summary>
    /// Removes rows of this very ticket ahead of its position and returns the others. They are leftovers of an earlier
    /// enqueue attempt at a lower ordinal (retries always go higher) that looked like a miss: a Paxos round whose
    /// outcome was unknown, which a SERIAL read did not see, and which a later round completed — Cassandra finishes an
    /// accepted proposal when a later prepare meets a replica that accepted it. Left there, the ticket would wait for
    /// itself for as long as its session lives and block everyone behind it (rule 5: every wait must end). The delete is
    /// conditional on the ticket's id, so it can remove nothing else.
    /// </summary>
    private async Task<QueueEntry[]> RemoveLeftoversAsync(LockStatements statements, LockTicket ticket, QueueEntry[] ahead, CancellationToken cancellationToken)
    {
        foreach (var leftover in ahead.Where(e => e.TicketId == ticket.Id))
        {
            logger.LogWarning("Removing a leftover row of ticket {Ticket} at {Key}#{Ordinal}, ahead of its place", ticket, leftover.Position.Key, leftover.Position.Ordinal);
            await remover.RemoveEntryAsync(statements, leftover.Position.Key, leftover.Position.Ordinal, ticket.Id, cancellationToken).ConfigureAwait(false);
        }

        return ahead.Where(e => e.TicketId != ticket.Id).ToArray();
    }

    private static List<QueueEntry> ToEntries(string key, CqlRowSet rows)
    {
        var entries = new List<QueueEntry>(rows.Rows.Count);
        foreach (var row in rows.Rows)
        {
            // A partition with only static columns comes back as one row with a null ordinal.
            if (row.Get<long?>("ordinal") is not { } ordinal)
            {
                continue;
            }

            entries.Add(new QueueEntry(
                row.Get<string>("ticket_id") ?? string.Empty,
                row.Get<string>("session_id") ?? string.Empty,
                new TicketPosition(key, ordinal),
                row.GetList<string>("keys")));
        }

        return entries;
    }

    private readonly record struct QueueLook(IReadOnlyList<QueueEntry>? Blockers, IReadOnlyList<VersionedKeyState> States);
}
