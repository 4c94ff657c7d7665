using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Testing.Backends;

/// <summary>
/// A <see cref="LockStoreTestBackend"/> of Cassandra lightweight-transaction lock stores, and the expiry of such a
/// store's session from outside: its session row disappears, as its lease running out would, and the owner's next
/// heartbeat finds it gone.
/// </summary>
/// <example>
/// <code>
/// IMusicTestBackend backend = CassandraLockStoreTestBackend.Create("Cassandra LWT lock store", () => Task.FromResult(session), "lock_tests");
/// await using var store = await backend.CreateLockStoreAsync(site: 0);
/// await backend.ExpireSessionAsync(store);
/// </code>
/// </example>
public static class CassandraLockStoreTestBackend
{
    /// <summary>
    /// Each store opens a lease-row session of its own on <paramref name="session"/>'s cluster (10 s session timeout,
    /// polls at most 100 ms apart), in <paramref name="keyspace"/> created with <paramref name="replication"/> if given.
    /// </summary>
    public static LockStoreTestBackend Create(string name, Func<Task<CqlSession>> session, string keyspace, CassandraReplication? replication = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        return new LockStoreTestBackend(
            name,
            async () =>
            {
                var options = new CassandraLockStoreOptions
                {
                    Keyspace = keyspace,
                    SessionTimeout = TimeSpan.FromSeconds(10),
                    PollMaxDelay = TimeSpan.FromMilliseconds(100),
                };
                if (replication is not null)
                {
                    options.Replication = replication;
                }

                return new CassandraLockStore(await session().ConfigureAwait(false), options);
            },
            async store => await ExpireSessionAsync(await session().ConfigureAwait(false), (CassandraLockStore)store).ConfigureAwait(false));
    }

    /// <summary>Deletes <paramref name="store"/>'s session row through <paramref name="admin"/> (nothing if it has no session yet).</summary>
    public static async Task ExpireSessionAsync(CqlSession admin, CassandraLockStore store)
    {
        ArgumentNullException.ThrowIfNull(admin);
        ArgumentNullException.ThrowIfNull(store);
        if (store.SessionId is { } id)
        {
            await admin.ExecuteAsync(new CqlQuery($"DELETE FROM {store.SessionTable} WHERE session_id = ?", id) { Consistency = CqlConsistency.Quorum }).ConfigureAwait(false);
        }
    }
}
