using System.Globalization;

namespace MusicRecipes.Testing;

/// <summary>
/// The two real servers MUSIC runs on, started side by side: a <see cref="CassandraTestCluster"/> and a
/// <see cref="ZooKeeperTestEnsemble"/>. ZooKeeper is ready long before Cassandra's nodes have joined, so starting both
/// at once costs no more than starting Cassandra; if either fails, the one that did start is stopped too.
/// </summary>
/// <example>
/// <code>
/// await using var servers = await MusicTestServers.StartAsync(
///     new CassandraTestClusterOptions { NodeCount = 3, NativePort = 29042, StoragePort = 27000 },
///     new ZooKeeperTestEnsembleOptions { ServerCount = 3, BaseClientPort = 32181, BaseQuorumPort = 32888, BaseElectionPort = 33888 });
/// var zk = servers.ZooKeeper.ConnectionString;
/// var cassandra = servers.Cassandra.ContactPoints;
/// </code>
/// </example>
public sealed class MusicTestServers : IAsyncDisposable
{
    private MusicTestServers(CassandraTestCluster cassandra, ZooKeeperTestEnsemble zooKeeper)
    {
        Cassandra = cassandra;
        ZooKeeper = zooKeeper;
    }

    /// <summary>The Cassandra cluster.</summary>
    public CassandraTestCluster Cassandra { get; }

    /// <summary>The ZooKeeper ensemble.</summary>
    public ZooKeeperTestEnsemble ZooKeeper { get; }

    /// <summary>The data-centre name used for simulated site <paramref name="site"/> ("site0", "site1", …).</summary>
    public static string DataCenterOf(int site) => "site" + site.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts both; throws (after stopping whichever started) if either fails.</summary>
    public static async Task<MusicTestServers> StartAsync(CassandraTestClusterOptions cassandra, ZooKeeperTestEnsembleOptions zooKeeper, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cassandra);
        ArgumentNullException.ThrowIfNull(zooKeeper);
        var cassandraStart = CassandraTestCluster.StartAsync(cassandra, cancellationToken);
        var zooKeeperStart = ZooKeeperTestEnsemble.StartAsync(zooKeeper, cancellationToken);
        try
        {
            await Task.WhenAll(cassandraStart, zooKeeperStart).ConfigureAwait(false);
        }
        catch
        {
            // Whichever did start must not outlive the failed start.
            if (cassandraStart.IsCompletedSuccessfully)
            {
                await cassandraStart.Result.DisposeAsync().ConfigureAwait(false);
            }

            if (zooKeeperStart.IsCompletedSuccessfully)
            {
                await zooKeeperStart.Result.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new MusicTestServers(cassandraStart.Result, zooKeeperStart.Result);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Cassandra.DisposeAsync().ConfigureAwait(false);
        await ZooKeeper.DisposeAsync().ConfigureAwait(false);
    }
}
