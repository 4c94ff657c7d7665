using MusicRecipes.Cql;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Cassandra.Tests.Infrastructure;

/// <summary>
/// The lock-store-only backend of the conformance suites on Cassandra lightweight transactions, for the process-kit
/// and the container-kit servers alike (MusicRecipes.Containers.Tests compiles this file too): each store opens a
/// lease-row session of its own, and expiry deletes that row as the lease running out would.
/// </summary>
internal static class CassandraLockStoreTestBackends
{
    public static LockStoreTestBackend Create(string name, Func<CqlSession> session, string keyspace) => new(
        name,
        () => Task.FromResult<ILockStore>(new CassandraLockStore(session(), new CassandraLockStoreOptions
        {
            Keyspace = keyspace,
            SessionTimeout = TimeSpan.FromSeconds(10),
            PollMaxDelay = TimeSpan.FromMilliseconds(100),
        })),
        store => LockSessionRows.DeleteAsync(session(), (CassandraLockStore)store));
}
