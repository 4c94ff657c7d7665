using MusicRecipes.Testing;

namespace MusicRecipes.Recipes.Tests.Hosting;

/// <summary>
/// A 1-node Cassandra and a standalone ZooKeeper for the hosting tests: enough to prove the wiring, and quick to
/// start (about 10 s). Ports are this fixture's own (Cassandra 49042/47000, ZooKeeper 52181), so other suites'
/// clusters can run at the same time.
/// </summary>
public sealed class RealBackendServers : IAsyncLifetime
{
    public const int CassandraPort = 49042;
    public const int ZooKeeperPort = 52181;

    private MusicTestServers? _servers;

    public string ZooKeeperConnectionString => $"127.0.0.1:{ZooKeeperPort}";

    public async Task InitializeAsync()
    {
        _servers = await MusicTestServers.StartAsync(
            new CassandraTestClusterOptions { NodeCount = 1, NativePort = CassandraPort, StoragePort = 47000 },
            new ZooKeeperTestEnsembleOptions { ServerCount = 1, BaseClientPort = ZooKeeperPort, BaseQuorumPort = 52888, BaseElectionPort = 53888 });
    }

    public async Task DisposeAsync()
    {
        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }
}
