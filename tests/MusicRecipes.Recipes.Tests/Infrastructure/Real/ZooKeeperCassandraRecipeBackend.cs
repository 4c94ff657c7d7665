using System.Globalization;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// The recipe suites with state in Cassandra and locks in ZooKeeper, the deployment docs/design.md describes. An expiry
/// is ZooKeeper's own, forced with the session's credentials.
/// </summary>
public sealed class ZooKeeperCassandraRecipeBackend(RealBackendServers servers) : RealRecipeBackend(servers)
{
    private readonly string _lockRoot = "/recipe-suites-" + Guid.NewGuid().ToString("N")[..10];

    protected override int LockServicePort => RealBackendServers.ZooKeeperPort;

    protected override async Task<RealLockStore> OpenLockStoreAsync(int lockProxyPort)
    {
        var locks = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = "127.0.0.1:" + lockProxyPort.ToString(CultureInfo.InvariantCulture),
                SessionTimeout = SessionTimeout,
            },
            new ZooKeeperLockStoreOptions { RootPath = _lockRoot });
        await locks.Client.WaitUntilConnectedAsync();
        return new RealLockStore(locks, []);
    }

    protected override Task ExpireSessionAsync(RealClientParts parts) => Servers.Servers.ZooKeeper.ExpireSessionAsync(((ZooKeeperLockStore)parts.Locks).Client);
}
