using MusicRecipes.Cassandra;
using MusicRecipes.Storage;

namespace MusicRecipes.Bench;

/// <summary>The bench's Cassandra data stores: keyspace "bench", created once up front on site 0's session.</summary>
internal static class MusicStores
{
    public const string Keyspace = "bench";

    /// <summary>Creates the keyspace and data table (run once, alone: Cassandra does not serialise DDL).</summary>
    public static async Task CreateSchemaAsync(BenchNetwork network, CancellationToken cancellationToken) =>
        await CassandraDataStore.CreateAsync(network.Sites[0].Session, Options(network, network.Sites[0], createSchema: true), cancellationToken).ConfigureAwait(false);

    /// <summary>The data store of a MUSIC client at <paramref name="site"/>: eventual operations stay at the site's node.</summary>
    public static IDataStore DataStore(BenchNetwork network, BenchSite site) =>
        new CassandraDataStore(site.Session, Options(network, site, createSchema: false));

    private static CassandraDataStoreOptions Options(BenchNetwork network, BenchSite site, bool createSchema) => new()
    {
        Keyspace = Keyspace,
        CreateSchema = createSchema,
        Replication = network.Replication,
        Site = site.DataCenter,
    };
}
