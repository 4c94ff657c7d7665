using MusicRecipes.Conformance;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>
/// The lock-store obligations once more, the way a production ensemble is run: every store reaches the server only
/// through its TLS port (client certificate required) and authenticates with digest credentials, so every node it
/// creates carries the creator-only ACL (docs/security.md).
/// </summary>
[Collection(TlsZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class SecuredZooKeeperLockStoreConformanceTests(TlsZooKeeper server) : LockStoreConformanceTests, ILockStoreTestBackend
{
    private readonly List<ZooKeeperLockStore> _stores = [];
    private readonly string _root = ZooKeeperEnsembleFixture.UniqueRoot() + "/locks";

    protected override ILockStoreTestBackend Backend => this;

    public async Task<ILockStore> CreateStoreAsync()
    {
        var options = server.ClientOptions();
        options.AuthInfo.Add(ZooKeeperAuthInfo.Digest("conformance", "suite-secret"));
        var store = ZooKeeperLockStore.Create(options, new ZooKeeperLockStoreOptions { RootPath = _root });
        _stores.Add(store);
        await store.Client.WaitUntilConnectedAsync();
        return store;
    }

    public Task ExpireSessionAsync(ILockStore store) => server.Ensemble.ExpireSessionAsync(((ZooKeeperLockStore)store).Client);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }
}
