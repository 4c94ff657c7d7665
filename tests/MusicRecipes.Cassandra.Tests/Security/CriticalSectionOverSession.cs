using MusicRecipes.Cql;

namespace MusicRecipes.Cassandra.Tests.Security;

/// <summary>
/// Proof that the MUSIC stores work over a session set up some particular way (a login, TLS): both stores in a fresh
/// keyspace, and one critical section that writes and reads a value under its lock.
/// </summary>
internal static class CriticalSectionOverSession
{
    /// <summary>Creates the stores in <paramref name="keyspace"/> over <paramref name="session"/> and runs the critical section.</summary>
    public static async Task RunAsync(CqlSession session, string keyspace)
    {
        var data = await CassandraDataStore.CreateAsync(session, new CassandraDataStoreOptions { Keyspace = keyspace, Replication = CassandraReplication.Simple(1) });
        await using var locks = new CassandraLockStore(session, new CassandraLockStoreOptions { Keyspace = keyspace, Replication = CassandraReplication.Simple(1) });
        await using var client = new MusicClient(data, locks);
        var lockRef = await client.CreateLockRefAsync(["stock"]);
        await client.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(30));
        await client.CriticalPutStringAsync(lockRef, "stock", "42");
        Assert.Equal("42", await client.CriticalGetStringAsync(lockRef, "stock"));
        await client.ReleaseLockAsync(lockRef);
    }
}
