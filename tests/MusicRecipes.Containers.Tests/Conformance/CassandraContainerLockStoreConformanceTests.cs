using MusicRecipes.Conformance;
using MusicRecipes.Containers.Tests.Infrastructure;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Containers.Tests.Conformance;

/// <summary>The lock-store obligations on Cassandra lightweight transactions in containers: each store its own lease-row session.</summary>
[Collection(ContainersCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CassandraContainerLockStoreConformanceTests(ContainerServersFixture fixture) : LockStoreConformanceTests
{
    protected override IMusicTestBackend Backend { get; } = CassandraLockStoreTestBackend.Create("Cassandra LWT lock store in containers", () => Task.FromResult(fixture.Session), "container_lock_tests");
}
