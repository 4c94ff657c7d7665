using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>Lock stores on the shared ensemble, each with its own session, all under one fresh root; disposed together.</summary>
public sealed class LockStoreHarness(ZooKeeperEnsembleFixture fixture) : IAsyncDisposable
{
    private readonly List<ZooKeeperLockStore> _stores = [];

    public string Root { get; } = ZooKeeperEnsembleFixture.UniqueRoot() + "/locks";

    public async Task<ZooKeeperLockStore> StoreAsync(TimeSpan? sessionTimeout = null)
    {
        var store = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = fixture.ConnectionString,
                SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(6),
                ConnectionTimeout = TimeSpan.FromSeconds(20),
            },
            new ZooKeeperLockStoreOptions { RootPath = Root });
        _stores.Add(store);
        await store.Client.WaitUntilConnectedAsync();
        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }
}
