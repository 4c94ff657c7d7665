using MusicRecipes.Cassandra;
using MusicRecipes.Conformance;
using MusicRecipes.Containers.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Containers.Tests.Conformance;

/// <summary>The lock-store obligations on Cassandra lightweight transactions in containers: each store its own lease-row session.</summary>
[Collection(ContainersCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraContainerLockStoreConformanceTests(ContainerServersFixture fixture) : LockStoreConformanceTests
{
    /// <summary>Expiry as the lease would: the session's row disappears, and the owner's next heartbeat finds it gone.</summary>
    protected override IMusicTestBackend Backend { get; } = new LockStoreTestBackend(
        "Cassandra LWT lock store in containers",
        () => Task.FromResult<ILockStore>(new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions
        {
            Keyspace = "container_lock_tests",
            SessionTimeout = TimeSpan.FromSeconds(10),
            PollMaxDelay = TimeSpan.FromMilliseconds(100),
        })),
        async store =>
        {
            if (((CassandraLockStore)store).SessionId is { } id)
            {
                await fixture.Session.ExecuteAsync(new CqlQuery($"DELETE FROM {((CassandraLockStore)store).SessionTable} WHERE session_id = ?", id) { Consistency = CqlConsistency.Quorum });
            }
        });
}
