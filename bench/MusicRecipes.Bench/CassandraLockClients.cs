using MusicRecipes.Cassandra;

namespace MusicRecipes.Bench;

/// <summary>MUSIC clients whose locks are Cassandra lightweight transactions (<see cref="CassandraLockStore"/>).</summary>
internal static class CassandraLockClients
{
    public static CassandraLockStoreOptions Options => new() { Keyspace = MusicStores.Keyspace };

    /// <summary>Creates the lock tables once, alone, by running one section on the direct session.</summary>
    public static async Task CreateSchemaAsync(BenchNetwork loopback, CancellationToken cancellationToken)
    {
        await using var client = Create(loopback);
        var lockRef = await client.CreateLockRefAsync(["schema-probe"], cancellationToken).ConfigureAwait(false);
        await client.ReleaseLockAsync(lockRef, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A client with its own lock session (a lease row) over the network's critical session.</summary>
    public static MusicClient Create(BenchNetwork network) =>
        new(MusicStores.DataStore(network), new CassandraLockStore(network.CriticalSession, Options));
}
