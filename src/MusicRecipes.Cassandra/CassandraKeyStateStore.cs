using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra;

/// <summary>
/// The key state in the queue partition's static columns: strong reads, and the record of an acquisition conditional
/// on the state read and on the ticket's own row, in one batch (rule 6). The version is the last acquired ordinal: the
/// only column a new holder's record is conditional on.
/// </summary>
internal sealed class CassandraKeyStateStore(CassandraLockTables tables, LwtRunner lwt, CassandraLockStoreOptions options)
{
    public async Task<VersionedKeyState> GetKeyStateAsync(string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        var rows = await lwt.ReadAsync(lwt.SerialRead(statements.ReadState, key), $"Read lock state of '{key}'", cancellationToken).ConfigureAwait(false);
        return Versioned(ToState(rows));
    }

    /// <summary>
    /// One Paxos round on the key's partition: a batch of <c>IF last_acquired = (what was read)</c> on the static state
    /// and <c>IF ticket_id = (ours)</c> on the ticket's own row. Guarding the state on the last acquisition is enough:
    /// the only other change a key's state can see while a ticket is at the head is a clean release of that same
    /// acquisition, which can only make a sync the caller decided on unnecessary. When the outcome is unknown, a SERIAL
    /// read (which also finishes a round left in flight) says whether it landed.
    /// </summary>
    public async Task<RecordResult> TryRecordAcquiredAsync(LockTicket ticket, TicketPosition position, VersionedKeyState expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(expected);
        var statements = await tables.StatementsAsync(cancellationToken).ConfigureAwait(false);
        var batch = new CqlBatch { Consistency = CqlConsistency.Quorum, SerialConsistency = lwt.Serial }
            .Add(statements.RecordAcquired.Bind(position.Ordinal, options.TimeProvider.GetUtcNow(), position.Key, expected.State.LastAcquired))
            .Add(statements.ConfirmEntry.Bind(ticket.Id, position.Key, position.Ordinal, ticket.Id));
        var result = await lwt.TryAsync(batch, $"Record acquisition of '{position.Key}'", cancellationToken).ConfigureAwait(false);
        if (result is { WasApplied: true })
        {
            return RecordResult.Recorded;
        }

        if (result is null && (await GetKeyStateAsync(position.Key, cancellationToken).ConfigureAwait(false)).State.IsAcquiredBy(position.Ordinal))
        {
            return RecordResult.Recorded; // the round whose answer was lost did commit
        }

        var entry = await lwt.ReadAsync(lwt.SerialRead(statements.ReadEntry, position.Key, position.Ordinal), $"Check ticket on '{position.Key}'", cancellationToken).ConfigureAwait(false);
        return entry.Rows.Count > 0 && entry.Rows[0].Get<string>("ticket_id") == ticket.Id ? RecordResult.StateChanged : RecordResult.TicketGone;
    }

    public static VersionedKeyState Versioned(KeyLockState state) => new(state, state.LastAcquired ?? 0);

    /// <summary>The key's state from the static columns (the same on every row of the partition).</summary>
    public static KeyLockState ToState(CqlRowSet rows)
    {
        if (rows.Rows.Count == 0)
        {
            return KeyLockState.Empty;
        }

        var row = rows.Rows[0];
        return new KeyLockState(row.Get<long?>("last_acquired"), row.Get<DateTimeOffset?>("last_acquired_at"), row.Get<long?>("last_clean_release"), row.Get<long?>("last_write"));
    }
}
