using MusicRecipes.Testing;

namespace MusicRecipes.Bench;

/// <summary>
/// The three-site emulation of the sites mode, on ports no test fixture or other bench mode uses (Cassandra native
/// 16042 / storage 16000-16002 on 127.0.0.1-3, broadcast 127.0.1.1-3; ZooKeeper clients 16181-16183, quorum
/// 16281+, election 16381+; the links between ZooKeeper servers on free ports).
/// </summary>
internal static class SiteServers
{
    public const int Sites = 3;
    public const int CassandraNativePort = 16042;
    public const int CassandraStoragePort = 16000;
    public const int ZooKeeperClientPort = 16181;

    public static IReadOnlyList<int> ZooKeeperClientPorts => Enumerable.Range(ZooKeeperClientPort, Sites).ToArray();

    public static Task<MultiSiteServers> StartAsync(TimeSpan oneWay, CancellationToken cancellationToken) =>
        MultiSiteServers.StartAsync(
            Sites,
            oneWay,
            new CassandraTestClusterOptions
            {
                NativePort = CassandraNativePort,
                StoragePort = CassandraStoragePort,

                // A QUORUM or Paxos step crosses the links: keep the servers' timeouts far above a few round trips
                // on a busy 2-core machine, so a slow step is measured rather than failed.
                WriteRequestTimeoutMs = 5000,
                ReadRequestTimeoutMs = 5000,
            },
            new ZooKeeperTestEnsembleOptions
            {
                BaseClientPort = ZooKeeperClientPort,
                BaseQuorumPort = 16281,
                BaseElectionPort = 16381,
                TickTimeMs = 200,
            },
            cancellationToken);
}
