using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra;

/// <summary>
/// The lock tables and their prepared statements. The queue of a key is ONE partition of <c>{prefix}_queue</c>:
/// static columns hold the key's state (the highest ordinal ever handed out, the last acquisition, the last
/// clean release) and one clustering row per ticket, ordered by ordinal. Keeping both in one partition lets a
/// single lightweight transaction check the high-water mark and insert the ticket atomically.
/// </summary>
internal sealed class LockStatements
{
    private LockStatements()
    {
    }

    public required CqlPreparedStatement ReadMax { get; init; }

    public required CqlPreparedStatement InitQueue { get; init; }

    public required CqlPreparedStatement AdvanceMax { get; init; }

    public required CqlPreparedStatement InsertEntry { get; init; }

    public required CqlPreparedStatement ReadPrefix { get; init; }

    public required CqlPreparedStatement ReadQueue { get; init; }

    public required CqlPreparedStatement ReadEntry { get; init; }

    public required CqlPreparedStatement ReadState { get; init; }

    public required CqlPreparedStatement RecordAcquired { get; init; }

    /// <summary>Paired with <see cref="RecordAcquired"/> in one conditional batch: true only while the ticket's row is there.</summary>
    public required CqlPreparedStatement ConfirmEntry { get; init; }

    public required CqlPreparedStatement RecordClean { get; init; }

    public required CqlPreparedStatement RemoveEntry { get; init; }

    public required CqlPreparedStatement CreateSession { get; init; }

    public required CqlPreparedStatement RenewSession { get; init; }

    public required CqlPreparedStatement ReadSession { get; init; }

    public required CqlPreparedStatement DeleteSession { get; init; }

    public static IEnumerable<string> CreateTables(string queue, string sessions) => new[]
    {
        $"CREATE TABLE IF NOT EXISTS {queue} (key text, ordinal bigint, ticket_id text, session_id text, keys list<text>, " +
        "max_ordinal bigint static, last_acquired bigint static, last_acquired_at timestamp static, last_clean_release bigint static, last_write bigint static, " +
        "PRIMARY KEY (key, ordinal)) WITH CLUSTERING ORDER BY (ordinal ASC)",
        $"CREATE TABLE IF NOT EXISTS {sessions} (session_id text PRIMARY KEY, alive boolean)",
    };

    /// <summary>Columns added after the first release of the table, for a table created before them.</summary>
    public static IEnumerable<string> Upgrades(string queue) => new[]
    {
        $"ALTER TABLE {queue} ADD last_write bigint static",
    };

    public static async Task<LockStatements> PrepareAsync(CqlSession session, string queue, string sessions, CancellationToken cancellationToken)
    {
        Task<CqlPreparedStatement> P(string cql) => session.PrepareAsync(cql, cancellationToken);
        return new LockStatements
        {
            ReadMax = await P($"SELECT max_ordinal FROM {queue} WHERE key = ? LIMIT 1").ConfigureAwait(false),
            InitQueue = await P($"INSERT INTO {queue} (key, max_ordinal) VALUES (?, 0) IF NOT EXISTS").ConfigureAwait(false),
            AdvanceMax = await P($"UPDATE {queue} SET max_ordinal = ? WHERE key = ? IF max_ordinal = ?").ConfigureAwait(false),
            InsertEntry = await P($"INSERT INTO {queue} (key, ordinal, ticket_id, session_id, keys) VALUES (?, ?, ?, ?, ?)").ConfigureAwait(false),
            ReadPrefix = await P($"SELECT ordinal, ticket_id, session_id, keys, last_acquired, last_acquired_at, last_clean_release, last_write FROM {queue} WHERE key = ? AND ordinal <= ?").ConfigureAwait(false),
            ReadQueue = await P($"SELECT ordinal, ticket_id, session_id, keys FROM {queue} WHERE key = ?").ConfigureAwait(false),
            ReadEntry = await P($"SELECT ticket_id FROM {queue} WHERE key = ? AND ordinal = ?").ConfigureAwait(false),
            ReadState = await P($"SELECT last_acquired, last_acquired_at, last_clean_release, last_write FROM {queue} WHERE key = ? LIMIT 1").ConfigureAwait(false),
            RecordAcquired = await P($"UPDATE {queue} SET last_acquired = ?, last_acquired_at = ? WHERE key = ? IF last_acquired = ?").ConfigureAwait(false),
            ConfirmEntry = await P($"UPDATE {queue} SET ticket_id = ? WHERE key = ? AND ordinal = ? IF ticket_id = ?").ConfigureAwait(false),
            RecordClean = await P($"UPDATE {queue} SET last_clean_release = ?, last_write = ? WHERE key = ? IF last_acquired = ?").ConfigureAwait(false),
            RemoveEntry = await P($"DELETE FROM {queue} WHERE key = ? AND ordinal = ? IF ticket_id = ?").ConfigureAwait(false),
            CreateSession = await P($"INSERT INTO {sessions} (session_id, alive) VALUES (?, true) IF NOT EXISTS USING TTL ?").ConfigureAwait(false),
            RenewSession = await P($"UPDATE {sessions} USING TTL ? SET alive = true WHERE session_id = ? IF alive = true").ConfigureAwait(false),
            ReadSession = await P($"SELECT alive FROM {sessions} WHERE session_id = ?").ConfigureAwait(false),
            DeleteSession = await P($"DELETE FROM {sessions} WHERE session_id = ? IF EXISTS").ConfigureAwait(false),
        };
    }
}
