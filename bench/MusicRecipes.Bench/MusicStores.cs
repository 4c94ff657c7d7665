using MusicRecipes.Cassandra;
using MusicRecipes.Storage;

namespace MusicRecipes.Bench;

/// <summary>The bench's Cassandra data stores: keyspace "bench", RF 3, created once up front on the direct session.</summary>
internal static class MusicStores
{
    public const string Keyspace = "bench";

    /// <summary>Creates the keyspace and data table (run once, alone: Cassandra does not serialise DDL).</summary>
    public static async Task CreateSchemaAsync(Cql.CqlSession direct, CancellationToken cancellationToken) =>
        await CassandraDataStore.CreateAsync(direct, Options(createSchema: true), cancellationToken).ConfigureAwait(false);

    /// <summary>The data store of a MUSIC client on <paramref name="network"/>.</summary>
    public static IDataStore DataStore(BenchNetwork network)
    {
        var local = new CassandraDataStore(network.DirectSession, Options(createSchema: false));
        return ReferenceEquals(network.DirectSession, network.CriticalSession)
            ? local
            : new SiteRoutedDataStore(local, new CassandraDataStore(network.CriticalSession, Options(createSchema: false)));
    }

    private static CassandraDataStoreOptions Options(bool createSchema) => new()
    {
        Keyspace = Keyspace,
        CreateSchema = createSchema,
        Replication = CassandraReplication.Simple(3),
    };
}
