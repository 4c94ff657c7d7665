using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Entering the queues (rules 2 and 4): one ordinal for all the ticket's keys, above every key's mark, and per key one
/// conditional batch that raises the mark and inserts the row; an unknown outcome is settled by a SERIAL read, and the
/// rows of an attempt that failed half-way are handed to the <see cref="OrphanRowSweeper"/>.
/// </summary>
internal sealed class CassandraTicketEnqueuer(CassandraLockTables tables, LwtRunner lwt, LockSession session, CassandraTicketRemover remover, OrphanRowSweeper orphans)
{
    private const int MaxEnqueueAttempts = 64;

    public async Task<LockTicket> EnqueueAsync(IReadOnlyList<string> keys, TicketMode mode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            throw new ArgumentException("A ticket needs at least one key.", nameof(keys));
        }

        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        var sessionId = await session.EnsureOpenAsync(cancellationToken).ConfigureAwait(false);
        var ticketId = mode.IdPrefix + Guid.NewGuid().ToString("N");
        var keyList = keys.ToList();
        long floor = 0;
        for (var attempt = 0; attempt < MaxEnqueueAttempts; attempt++)
        {
            // The high-water marks at SERIAL: includes any Paxos round still in flight on those partitions.
            var marks = await Task.WhenAll(keys.Select(k => ReadMaxAsync(statements, k, cancellationToken))).ConfigureAwait(false);
            var ordinal = Math.Max(floor, marks.Max(m => m ?? 0)) + 1;
            if (ordinal > FencingTimestamp.MaxOrdinal)
            {
                throw new InvalidOperationException($"The lock queues of {string.Join(", ", keys)} ran out of ordinals.");
            }

            EnterOutcome[] outcomes;
            try
            {
                outcomes = await Task.WhenAll(keys.Select((k, i) => EnterAsync(statements, k, ordinal, marks[i], ticketId, sessionId, keyList, cancellationToken))).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MusicException or OperationCanceledException)
            {
                // Some queues may hold the half-entered ticket of a session that stays alive: it would block them
                // for good. Take it out now, or leave it to the heartbeat.
                foreach (var key in keys)
                {
                    orphans.Add(key, ordinal, ticketId);
                }

                await orphans.SweepAsync(CancellationToken.None).ConfigureAwait(false);
                orphans.SweepInBackground();
                throw;
            }

            if (outcomes.All(o => o.Entered))
            {
                var ticket = new LockTicket(ticketId, sessionId, keys.Select(k => new TicketPosition(k, ordinal)).ToList(), session.LeaseOf(sessionId));
                session.Track(ticket);
                return ticket;
            }

            // Some queue moved past our ordinal: leave the queues we entered and retry above its new mark.
            floor = Math.Max(ordinal, outcomes.Max(o => o.CurrentMax ?? 0));
            await Task.WhenAll(keys.Where((_, i) => outcomes[i].Entered)
                .Select(k => remover.RemoveEntryAsync(statements, k, ordinal, ticketId, cancellationToken))).ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, 10 + Math.Min(attempt, 10) * 10)), cancellationToken).ConfigureAwait(false);
        }

        throw new MusicTimeoutException($"Could not enqueue on {string.Join(", ", keys)}: too much contention.");
    }

    private async Task<long?> ReadMaxAsync(LockStatements statements, string key, CancellationToken cancellationToken)
    {
        var rows = await lwt.ReadAsync(lwt.SerialRead(statements.ReadMax, key), $"Read lock queue mark of '{key}'", cancellationToken).ConfigureAwait(false);
        return rows.Rows.Count == 0 ? null : rows.Rows[0].Get<long?>("max_ordinal");
    }

    private async Task<EnterOutcome> EnterAsync(LockStatements statements, string key, long ordinal, long? observedMax, string ticketId, string sessionId, List<string> keys, CancellationToken cancellationToken)
    {
        if (observedMax is null)
        {
            // Cassandra 2.1 never applies "IF max_ordinal = null" on a partition that does not exist yet, so a new
            // queue first gets its mark 0 (whoever wins this race, the mark is 0 or already higher).
            await lwt.TryAsync(lwt.Conditional(statements.InitQueue, key), $"Create lock queue of '{key}'", cancellationToken).ConfigureAwait(false);
            observedMax = 0;
        }

        // One partition, one Paxos round: raise the mark and insert the row only if nobody raised it meanwhile.
        var batch = new CqlBatch { Consistency = CqlConsistency.Quorum, SerialConsistency = lwt.Serial }
            .Add(statements.AdvanceMax.Bind(ordinal, key, observedMax))
            .Add(statements.InsertEntry.Bind(key, ordinal, ticketId, sessionId, keys));
        var result = await lwt.TryAsync(batch, $"Enqueue on '{key}'", cancellationToken).ConfigureAwait(false);
        if (result is { WasApplied: true })
        {
            return new EnterOutcome(true, ordinal);
        }

        if (result is null)
        {
            // Outcome unknown: a SERIAL read settles it (and completes the round if it is still in flight).
            var entry = await lwt.ReadAsync(lwt.SerialRead(statements.ReadEntry, key, ordinal), $"Check enqueue on '{key}'", cancellationToken).ConfigureAwait(false);
            if (entry.Rows.Count > 0 && entry.Rows[0].Get<string>("ticket_id") == ticketId)
            {
                return new EnterOutcome(true, ordinal);
            }

            // Not there now, but a later Paxos round may still complete it: the heartbeat removes it if it shows up
            // (and the ticket's own head checks do, see CassandraQueueReader's RemoveLeftoversAsync).
            orphans.Add(key, ordinal, ticketId);
        }

        return new EnterOutcome(false, await ReadMaxAsync(statements, key, cancellationToken).ConfigureAwait(false));
    }

    private readonly record struct EnterOutcome(bool Entered, long? CurrentMax);
}
