using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra;

/// <summary>
/// Creates MusicRecipes' keyspace and tables on demand. Cassandra does not serialise DDL: two
/// <c>CREATE TABLE IF NOT EXISTS</c> racing on different coordinators can both "create" the table with different
/// ids and leave the cluster in permanent schema disagreement ("Column family ID mismatch"). So every statement
/// here runs on ONE coordinator (the lowest address that is up), one at a time in this process, and waits for
/// schema agreement before the next. Separate processes creating the same schema at the same moment can still
/// race: create the schema once at deployment (docs/cassandra.md) or start one process first.
/// </summary>
internal static class CassandraSchema
{
    private static readonly SemaphoreSlim Serial = new(1, 1);

    public static async Task EnsureAsync(CqlSession session, string keyspace, CassandraReplication replication, IEnumerable<string> createTables, TimeSpan agreementTimeout, CancellationToken cancellationToken)
    {
        await Serial.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var statements = new List<string> { $"CREATE KEYSPACE IF NOT EXISTS {keyspace} WITH replication = {replication}" };
            statements.AddRange(createTables);
            foreach (var cql in statements)
            {
                var coordinator = session.Hosts.Where(h => h.IsUp).OrderBy(h => h.EndPoint.ToString(), StringComparer.Ordinal).FirstOrDefault()?.EndPoint;
                await session.ExecuteAsync(new CqlQuery(cql) { Host = coordinator, IsIdempotent = true }, cancellationToken).ConfigureAwait(false);

                // DDL spreads by gossip; a statement prepared on (or a table created through) a node that has not
                // seen the previous change fails, so every reachable node must report the same schema version.
                if (!await session.WaitForSchemaAgreementAsync(agreementTimeout, cancellationToken).ConfigureAwait(false))
                {
                    throw new MusicUnavailableException($"The nodes did not agree on the schema of keyspace {keyspace} within {agreementTimeout}.");
                }
            }
        }
        finally
        {
            Serial.Release();
        }
    }
}
