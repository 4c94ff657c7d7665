using System.Net;
using MusicRecipes.Cql;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>The servers as child processes of the test host (the process kit), on this suite's own ports.</summary>
internal sealed class ProcessServers(MusicTestServers servers) : IReliabilityServers
{
    public string Kind => "processes";

    public int CassandraNodes => servers.Cassandra.NodeCount;

    public int ZooKeeperServers => servers.ZooKeeper.ServerCount;

    public IServerPartitions? Partitions => null;

    public static async Task<ProcessServers> StartAsync(CancellationToken cancellationToken) => new(await MusicTestServers.StartAsync(
        new CassandraTestClusterOptions
        {
            NodeCount = ReliabilitySettings.Sites,
            NativePort = ReliabilitySettings.CassandraNativePort,
            StoragePort = ReliabilitySettings.CassandraStoragePort,
            DataCenters = Enumerable.Range(0, ReliabilitySettings.Sites).Select(ReliabilityEnvironment.DataCenterOf).ToArray(),
        },
        new ZooKeeperTestEnsembleOptions
        {
            ServerCount = ReliabilitySettings.Sites,
            BaseClientPort = ReliabilitySettings.ZooKeeperClientPort,
            BaseQuorumPort = ReliabilitySettings.ZooKeeperQuorumPort,
            BaseElectionPort = ReliabilitySettings.ZooKeeperElectionPort,
            TickTimeMs = 200,

            // A restart on two busy cores may be slow, and may wait out a port's TIME_WAIT (60 s); the nemesis
            // reports a server that does not come back within this as a failure of the run.
            StartTimeout = ReliabilitySettings.RepairTimeout,
        },
        cancellationToken));

    public CqlSessionOptions CassandraSessionOptions() => servers.Cassandra.CreateSessionOptions();

    public string CassandraAddressOf(int site) => CassandraTestCluster.AddressOf(site + 1);

    public IPEndPoint ZooKeeperEndPointOf(int server) => new(IPAddress.Loopback, ReliabilitySettings.ZooKeeperClientPort + server);

    public Task KillCassandraAsync(int node) => servers.Cassandra.KillAsync(node);

    public Task StartCassandraAsync(int node, CancellationToken cancellationToken) => servers.Cassandra.StartNodeAsync(node, cancellationToken);

    public Task PauseCassandraAsync(int node) => servers.Cassandra.PauseAsync(node);

    public Task ResumeCassandraAsync(int node) => servers.Cassandra.ResumeAsync(node, CancellationToken.None);

    public Task<int> ZooKeeperLeaderAsync() => servers.ZooKeeper.LeaderIndexAsync();

    public Task KillZooKeeperAsync(int server) => servers.ZooKeeper.KillAsync(server);

    public Task RestartZooKeeperAsync(int server, CancellationToken cancellationToken) => servers.ZooKeeper.RestartAsync(server, cancellationToken);

    public Task ExpireSessionAsync(ZooKeeperSessionCredentials credentials, CancellationToken cancellationToken) =>
        servers.ZooKeeper.ExpireSessionAsync(credentials, cancellationToken);

    public async Task RecoverAllAsync(CancellationToken cancellationToken)
    {
        for (var server = 0; server < servers.ZooKeeper.ServerCount; server++)
        {
            if (!servers.ZooKeeper.IsRunning(server))
            {
                await servers.ZooKeeper.RestartAsync(server, cancellationToken);
            }
        }

        await servers.Cassandra.EnsureAllUpAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => servers.DisposeAsync();
}
