using MusicRecipes.Cql;
using MusicRecipes.Storage;

namespace MusicRecipes.Cassandra;

/// <summary>
/// The AP half of MUSIC on Cassandra: one table <c>(key text PRIMARY KEY, value blob)</c>. Every write carries the
/// caller's timestamp as its write timestamp (<c>USING TIMESTAMP ?</c>), so replicas keep the write with the larger
/// fencing timestamp whatever order they see them in (rule 2 of docs/design.md); a null value is a
/// <c>DELETE … USING TIMESTAMP</c> tombstone that obeys the same rule. Reads return the value with
/// <c>WRITETIME(value)</c>. Eventual operations run at LOCAL_ONE; critical ones at QUORUM — a majority of ALL
/// replicas across data centres, never LOCAL_QUORUM, because two holders at different sites must overlap in at
/// least one replica for a critical read to see the latest critical write.
/// </summary>
/// <example>
/// <code>
/// await using var session = await CqlSession.ConnectAsync(new CqlSessionOptions { ContactPoints = { "10.0.0.1" } }, ct);
/// var data = await CassandraDataStore.CreateAsync(session, new CassandraDataStoreOptions { Keyspace = "music" }, ct);
/// await using var client = new MusicClient(data, new CassandraLockStore(session, new CassandraLockStoreOptions()));
/// </code>
/// </example>
public sealed class CassandraDataStore : IDataStore
{
    private readonly CqlSession _session;
    private readonly CassandraDataStoreOptions _options;
    private readonly string _table;
    private readonly AsyncInitializer<Statements> _statements;

    /// <summary>Creates the store; the schema is created (if allowed) on first use.</summary>
    public CassandraDataStore(CqlSession session, CassandraDataStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        _session = session;
        _options = options ?? new CassandraDataStoreOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.MaxValueBytes, 1);
        Keyspace = CassandraIdentifier.Validate(_options.Keyspace, nameof(options));
        _table = $"{Keyspace}.{CassandraIdentifier.Validate(_options.Table, nameof(options))}";
        Site = _options.Site ?? session.LocalDataCenter ?? "datacenter1";
        _statements = new AsyncInitializer<Statements>(CreateSchemaAndPrepareAsync);
    }

    /// <summary>The keyspace holding the data table.</summary>
    public string Keyspace { get; }

    /// <inheritdoc />
    public string Site { get; }

    /// <inheritdoc />
    public int MaxValueBytes => _options.MaxValueBytes;

    /// <summary>Creates the store and its schema now (instead of on first use).</summary>
    public static async Task<CassandraDataStore> CreateAsync(CqlSession session, CassandraDataStoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        var store = new CassandraDataStore(session, options);
        await store._statements.GetAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <inheritdoc />
    public Task<StoredValue?> ReadAsync(string key, DataConsistency consistency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        return CassandraErrors.Guard<StoredValue?>($"Read of '{key}' at {consistency}", async () =>
        {
            var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);
            var result = await _session.ExecuteAsync(
                new CqlBoundStatement(statements.Read, key) { Consistency = Map(consistency), IsIdempotent = true },
                cancellationToken).ConfigureAwait(false);
            if (result.Rows.Count == 0 || result.Rows[0].IsNull("value"))
            {
                return null;
            }

            var row = result.Rows[0];
            return new StoredValue(row.Get<byte[]>("value"), row.Get<long>(1));
        });
    }

    /// <inheritdoc />
    public Task WriteAsync(string key, byte[]? value, long timestamp, DataConsistency consistency, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfNegative(timestamp);
        if (value is not null && value.Length > MaxValueBytes)
        {
            throw new ValueTooLargeException(value.Length, MaxValueBytes, nameof(value));
        }

        return CassandraErrors.Guard($"Write of '{key}' at {consistency}", async () =>
        {
            var statements = await _statements.GetAsync(cancellationToken).ConfigureAwait(false);

            // UPDATE rather than INSERT: no row marker, so a deleted value leaves no visible row behind.
            // Idempotent: the same value with the same explicit timestamp has the same effect however often it lands.
            CqlStatement statement = value is null
                ? new CqlBoundStatement(statements.Delete, timestamp, key) { Consistency = Map(consistency), IsIdempotent = true }
                : new CqlBoundStatement(statements.Write, timestamp, value, key) { Consistency = Map(consistency), IsIdempotent = true };
            await _session.ExecuteAsync(statement, cancellationToken).ConfigureAwait(false);
            return true;
        });
    }

    private CqlConsistency Map(DataConsistency consistency) => consistency switch
    {
        DataConsistency.One => _options.EventualConsistency,
        DataConsistency.Quorum => CqlConsistency.Quorum,
        _ => throw new ArgumentOutOfRangeException(nameof(consistency), consistency, null),
    };

    private async Task<Statements> CreateSchemaAndPrepareAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateSchema)
        {
            await CassandraSchema.EnsureAsync(
                _session,
                Keyspace,
                _options.Replication,
                new[] { $"CREATE TABLE IF NOT EXISTS {_table} (key text PRIMARY KEY, value blob)" },
                _options.SchemaAgreementTimeout,
                cancellationToken).ConfigureAwait(false);
        }

        return new Statements(
            await _session.PrepareAsync($"SELECT value, WRITETIME(value) FROM {_table} WHERE key = ?", cancellationToken).ConfigureAwait(false),
            await _session.PrepareAsync($"UPDATE {_table} USING TIMESTAMP ? SET value = ? WHERE key = ?", cancellationToken).ConfigureAwait(false),
            await _session.PrepareAsync($"DELETE value FROM {_table} USING TIMESTAMP ? WHERE key = ?", cancellationToken).ConfigureAwait(false));
    }

    private sealed record Statements(CqlPreparedStatement Read, CqlPreparedStatement Write, CqlPreparedStatement Delete);
}
