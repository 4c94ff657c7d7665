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

    private CassandraTestCluster? _cassandra;
    private ZooKeeperTestEnsemble? _zooKeeper;

    public string ZooKeeperConnectionString => $"127.0.0.1:{ZooKeeperPort}";

    public async Task InitializeAsync()
    {
        var zooKeeper = ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions
        {
            ServerCount = 1,
            BaseClientPort = ZooKeeperPort,
            BaseQuorumPort = 52888,
            BaseElectionPort = 53888,
        });
        var cassandra = CassandraTestCluster.StartAsync(new CassandraTestClusterOptions { NodeCount = 1, NativePort = CassandraPort, StoragePort = 47000 });
        try
        {
            await Task.WhenAll(zooKeeper, cassandra);
        }
        finally
        {
            _zooKeeper = zooKeeper.IsCompletedSuccessfully ? zooKeeper.Result : null;
            _cassandra = cassandra.IsCompletedSuccessfully ? cassandra.Result : null;
        }
    }

    public async Task DisposeAsync()
    {
        if (_cassandra is not null)
        {
            await _cassandra.DisposeAsync();
        }

        if (_zooKeeper is not null)
        {
            await _zooKeeper.DisposeAsync();
        }
    }
}
