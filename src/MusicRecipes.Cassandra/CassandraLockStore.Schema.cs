using Microsoft.Extensions.Logging;
using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra;

// The lock tables: created if allowed (with schema agreement before use) and the statements prepared, once per store.
public sealed partial class CassandraLockStore
{
    private async Task<LockStatements> CreateSchemaAndPrepareAsync(CancellationToken cancellationToken)
    {
        if (_options.CreateSchema)
        {
            await CassandraErrors.Guard("Create lock tables", async () =>
            {
                await CassandraSchema.EnsureAsync(_cql, _keyspace, _options.Replication, LockStatements.CreateTables(_queueTable, _sessionTable), _options.SchemaAgreementTimeout, cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        try
        {
            return await LockStatements.PrepareAsync(_cql, _queueTable, _sessionTable, cancellationToken).ConfigureAwait(false);
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
            _logger.LogInformation("Upgrading lock table {Table}: {Reason}", _queueTable, e.Message);
            await CassandraErrors.Guard("Upgrade lock tables", async () =>
            {
                foreach (var upgrade in LockStatements.Upgrades(_queueTable))
                {
                    try
                    {
                        await CassandraSchema.EnsureAsync(_cql, _keyspace, _options.Replication, [upgrade], _options.SchemaAgreementTimeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (CqlException) when (!cancellationToken.IsCancellationRequested)
                    {
                        // The column is there already (its absence was not the problem): the prepare below says.
                    }
                }

                return true;
            }).ConfigureAwait(false);
        }

        return await CassandraErrors.Guard("Prepare lock statements", () => LockStatements.PrepareAsync(_cql, _queueTable, _sessionTable, cancellationToken)).ConfigureAwait(false);
    }
}
