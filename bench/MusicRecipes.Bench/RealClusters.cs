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

    private RealClusters(CassandraTestCluster cassandra, ZooKeeperTestEnsemble zooKeeper)
    {
        Cassandra = cassandra;
        ZooKeeper = zooKeeper;
    }

    public CassandraTestCluster Cassandra { get; }

    public ZooKeeperTestEnsemble ZooKeeper { get; }

    public static async Task<RealClusters> StartAsync(CancellationToken cancellationToken)
    {
        // Both start at once: ZooKeeper is ready long before Cassandra's nodes have joined, so this costs nothing.
        var cassandra = CassandraTestCluster.StartAsync(new CassandraTestClusterOptions
        {
            NodeCount = 3,
            NativePort = CassandraNativePort,
            StoragePort = CassandraStoragePort,
        }, cancellationToken);
        var zooKeeper = ZooKeeperTestEnsemble.StartAsync(new ZooKeeperTestEnsembleOptions
        {
            ServerCount = 3,
            BaseClientPort = ZooKeeperClientPort,
            BaseQuorumPort = ZooKeeperQuorumPort,
            BaseElectionPort = ZooKeeperElectionPort,
            TickTimeMs = 200,
        }, cancellationToken);
        try
        {
            await Task.WhenAll(cassandra, zooKeeper).ConfigureAwait(false);
        }
        catch
        {
            // Whichever did start must not outlive the failed run.
            if (cassandra.IsCompletedSuccessfully)
            {
                await cassandra.Result.DisposeAsync().ConfigureAwait(false);
            }

            if (zooKeeper.IsCompletedSuccessfully)
            {
                await zooKeeper.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new RealClusters(cassandra.Result, zooKeeper.Result);
    }

    public async ValueTask DisposeAsync()
    {
        await ZooKeeper.DisposeAsync().ConfigureAwait(false);
        await Cassandra.DisposeAsync().ConfigureAwait(false);
    }
}
