using MusicRecipes.Conformance;
using MusicRecipes.Containers.Tests.Infrastructure;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Containers.Tests.Conformance;

/// <summary>The lock-store obligations on ZooKeeper in containers: each store its own session, all under one fresh root.</summary>
[Collection(ContainersCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperContainerLockStoreConformanceTests(ContainerServersFixture fixture) : LockStoreConformanceTests, ILockStoreTestBackend
{
    private readonly string _root = ContainerServersFixture.UniqueRoot() + "/locks";

    protected override ILockStoreTestBackend Backend => this;

    public async Task<ILockStore> CreateStoreAsync()
    {
        var store = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = fixture.ZooKeeper.ConnectionString,
                SessionTimeout = TimeSpan.FromSeconds(6),
                ConnectionTimeout = TimeSpan.FromSeconds(20),
            },
            new ZooKeeperLockStoreOptions { RootPath = _root });
        await store.Client.WaitUntilConnectedAsync();
        return store;
    }

    public Task ExpireSessionAsync(ILockStore store) => fixture.ZooKeeper.ExpireSessionAsync(((ZooKeeperLockStore)store).Client);
}
