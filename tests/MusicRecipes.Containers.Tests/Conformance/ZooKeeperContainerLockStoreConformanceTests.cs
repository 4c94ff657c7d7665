using MusicRecipes.Conformance;
using MusicRecipes.Containers.Tests.Infrastructure;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Containers.Tests.Conformance;

/// <summary>The lock-store obligations on ZooKeeper in containers: each store its own session, all under one fresh root.</summary>
[Collection(ContainersCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperContainerLockStoreConformanceTests : LockStoreConformanceTests
{
    public ZooKeeperContainerLockStoreConformanceTests(ContainerServersFixture fixture)
    {
        var root = ContainerServersFixture.UniqueRoot() + "/locks";
        Backend = new LockStoreTestBackend(
            "ZooKeeper lock store in containers",
            async () =>
            {
                var store = ZooKeeperLockStore.Create(
                    new ZooKeeperClientOptions
                    {
                        ConnectionString = fixture.ZooKeeper.ConnectionString,
                        SessionTimeout = TimeSpan.FromSeconds(6),
                        ConnectionTimeout = TimeSpan.FromSeconds(20),
                    },
                    new ZooKeeperLockStoreOptions { RootPath = root });
                await store.Client.WaitUntilConnectedAsync();
                return store;
            },
            store => fixture.ZooKeeper.ExpireSessionAsync(((ZooKeeperLockStore)store).Client));
    }

    protected override IMusicTestBackend Backend { get; }
}
