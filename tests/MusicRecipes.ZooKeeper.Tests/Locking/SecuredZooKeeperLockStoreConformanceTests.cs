using MusicRecipes.Conformance;
using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>
/// The lock-store obligations once more, the way a production ensemble is run: every store reaches the server only
/// through its TLS port (client certificate required) and authenticates with digest credentials, so every node it
/// creates carries the creator-only ACL (docs/security.md).
/// </summary>
[Collection(TlsZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class SecuredZooKeeperLockStoreConformanceTests : LockStoreConformanceTests
{
    private readonly string _root = ZooKeeperEnsembleFixture.UniqueRoot() + "/locks";
    private readonly TlsZooKeeper _server;

    public SecuredZooKeeperLockStoreConformanceTests(TlsZooKeeper server)
    {
        _server = server;
        Backend = new LockStoreTestBackend(
            "ZooKeeper lock store over TLS with digest ACLs",
            OpenStoreAsync,
            store => server.Ensemble.ExpireSessionAsync(((ZooKeeperLockStore)store).Client));
    }

    /// <summary>Stores over the TLS port; the suite disposes every store it opens.</summary>
    protected override IMusicTestBackend Backend { get; }

    private async Task<ILockStore> OpenStoreAsync()
    {
        var options = _server.ClientOptions();
        options.AuthInfo.Add(ZooKeeperAuthInfo.Digest("conformance", "suite-secret"));
        var store = ZooKeeperLockStore.Create(options, new ZooKeeperLockStoreOptions { RootPath = _root });
        await store.Client.WaitUntilConnectedAsync();
        return store;
    }
}
