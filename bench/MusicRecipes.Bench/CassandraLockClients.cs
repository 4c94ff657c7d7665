using MusicRecipes.Cassandra;

namespace MusicRecipes.Bench;

/// <summary>MUSIC clients whose locks are Cassandra lightweight transactions (<see cref="CassandraLockStore"/>).</summary>
internal static class CassandraLockClients
{
    /// <summary>Creates the lock tables once, alone, by running one section at site 0.</summary>
    public static async Task CreateSchemaAsync(BenchNetwork network, CancellationToken cancellationToken)
    {
        await using var client = Create(network, network.Sites[0]);
        var lockRef = await client.CreateLockRefAsync(["schema-probe"], cancellationToken).ConfigureAwait(false);
        await client.ReleaseLockAsync(lockRef, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A client at <paramref name="site"/> with its own lock session (a lease row).</summary>
    public static MusicClient Create(BenchNetwork network, BenchSite site) =>
        new(MusicStores.DataStore(network, site), new CassandraLockStore(site.Session, new CassandraLockStoreOptions { Keyspace = MusicStores.Keyspace, Replication = network.Replication }));
}
