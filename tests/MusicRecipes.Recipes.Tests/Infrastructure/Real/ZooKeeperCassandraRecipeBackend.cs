using System.Net;
using MusicRecipes.Testing.SiteClients;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// The recipe suites with state in Cassandra and locks in ZooKeeper, the deployment docs/design.md describes. An expiry
/// is ZooKeeper's own, forced with the session's credentials.
/// </summary>
public sealed class ZooKeeperCassandraRecipeBackend(RealBackendServers servers) : RealRecipeBackend(servers)
{
    private readonly string _lockRoot = "/recipe-suites-" + Guid.NewGuid().ToString("N")[..10];

    protected override SiteClientBuilder WithLocks(SiteClientBuilder builder) => builder.WithZooKeeperLocks(
        [new IPEndPoint(IPAddress.Loopback, RealBackendServers.ZooKeeperPort)],
        new ZooKeeperClientOptions { SessionTimeout = SessionTimeout },
        new ZooKeeperLockStoreOptions { RootPath = _lockRoot });

    protected override Task ExpireSessionAsync(FaultableSiteClient client) => Servers.Servers.ZooKeeper.ExpireSessionAsync(((ZooKeeperLockStore)client.LockStore).Client);
}
