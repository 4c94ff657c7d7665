using Microsoft.Extensions.Logging;
using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra;

/// <summary>
/// The lock tables: created if allowed (with schema agreement before use) and the statements prepared, once per store,
/// on first use; a failed attempt is tried again by the next call.
/// </summary>
internal sealed class CassandraLockTables : IDisposable
{
    private readonly CqlSession _cql;
    private readonly CassandraLockStoreOptions _options;
    private readonly ILogger _logger;
    private readonly AsyncInitializer<LockStatements> _statements;

    public CassandraLockTables(CqlSession cql, CassandraLockStoreOptions options, string keyspace, string prefix, ILogger logger)
    {
        (_cql, _options, _logger) = (cql, options, logger);
        Keyspace = keyspace;
        QueueTable = $"{keyspace}.{prefix}_queue";
        SessionTable = $"{keyspace}.{prefix}_sessions";
        _statements = new AsyncInitializer<LockStatements>(CreateSchemaAndPrepareAsync);
    }

    public string Keyspace { get; }

    /// <summary>The queue table: one partition per key, one row per ticket, the key's state in static columns.</summary>
    public string QueueTable { get; }

    /// <summary>The lease rows of sessions.</summary>
    public string SessionTable { get; }

    /// <summary>The prepared statements, creating the tables and preparing them first if no call has yet.</summary>
    public Task<LockStatements> StatementsAsync(CancellationToken cancellationToken) => _statements.GetAsync(cancellationToken);

    public void Dispose() => _statements.Dispose();

    private async Task<LockStatements> CreateSchemaAndPrepareAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateSchema)
        {
            await CassandraErrors.Guard("Create lock tables", async () =>
            {
                await CassandraSchema.EnsureAsync(_cql, Keyspace, _options.Replication, LockStatements.CreateTables(QueueTable, SessionTable), _options.SchemaAgreementTimeout, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        try
        {
            return await LockStatements.PrepareAsync(_cql, QueueTable, SessionTable, cancellationToken).ConfigureAwait(false);
        }
        catch (CqlException e) when (CassandraErrors.Map(e, "Prepare lock statements") is { } mapped)
        {
            // No node reachable, or no answer in time: a coordination failure like any other (the lock store's
            // contract), not a CQL error leaking to the caller; the next call prepares again.
            throw mapped;
        }
        catch (CqlException e) when (_options.CreateSchema)
        {
            // A table created by an older version lacks a later column: add it (one schema change at a time, as at
            // creation) and prepare again.
            _logger.LogInformation("Upgrading lock table {Table}: {Reason}", QueueTable, e.Message);
            await CassandraErrors.Guard("Upgrade lock tables", async () =>
            {
                foreach (var upgrade in LockStatements.Upgrades(QueueTable))
                {
                    try
                    {
                        await CassandraSchema.EnsureAsync(_cql, Keyspace, _options.Replication, [upgrade], _options.SchemaAgreementTimeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CqlException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The column is there already (its absence was not the problem): the prepare below says.
                    }
                }

                return true;
            }).ConfigureAwait(false);
        }

        return await CassandraErrors.Guard("Prepare lock statements", () => LockStatements.PrepareAsync(_cql, QueueTable, SessionTable, cancellationToken)).ConfigureAwait(false);
    }
}
