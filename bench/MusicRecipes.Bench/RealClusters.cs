using MusicRecipes.Testing;

namespace MusicRecipes.Bench;

/// <summary>
/// A real 3-node Cassandra 2.1 cluster and a real 3-node ZooKeeper ensemble, started through the test kit on ports
/// no test fixture uses (Cassandra tests: 19042/17000; ZooKeeper tests: 22181+/22888+/23888+), so the bench can
/// run while test suites do.
/// </summary>
internal sealed class RealClusters : IAsyncDisposable
{
    public const int CassandraNativePort = 29042;
    public const int CassandraStoragePort = 27000;
    public const int ZooKeeperClientPort = 32181;
    public const int ZooKeeperQuorumPort = 32888;
    public const int ZooKeeperElectionPort = 33888;

    private readonly MusicTestServers _servers;

    private RealClusters(MusicTestServers servers) => _servers = servers;

    public CassandraTestCluster Cassandra => _servers.Cassandra;

    public ZooKeeperTestEnsemble ZooKeeper => _servers.ZooKeeper;

    public static async Task<RealClusters> StartAsync(CancellationToken cancellationToken) =>
        new(await MusicTestServers.StartAsync(
            new CassandraTestClusterOptions { NodeCount = 3, NativePort = CassandraNativePort, StoragePort = CassandraStoragePort },
            new ZooKeeperTestEnsembleOptions
            {
                ServerCount = 3,
                BaseClientPort = ZooKeeperClientPort,
                BaseQuorumPort = ZooKeeperQuorumPort,
                BaseElectionPort = ZooKeeperElectionPort,
                TickTimeMs = 200,
            },
            cancellationToken).ConfigureAwait(false));

    public ValueTask DisposeAsync() => _servers.DisposeAsync();
}
