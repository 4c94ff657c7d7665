using System.Net;
using MusicRecipes.Cql;
using MusicRecipes.Testing.Containers;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// The servers in Docker containers (the containers kit), on one network: each with an address of its own, so the
/// nemesis can also partition servers from each other (<see cref="IServerPartitions"/>).
/// </summary>
internal sealed class ContainerServers : IReliabilityServers, IServerPartitions
{
    private readonly ContainerNetwork _network;
    private readonly CassandraContainerCluster _cassandra;
    private readonly ZooKeeperContainerEnsemble _zooKeeper;

    private ContainerServers(ContainerNetwork network, CassandraContainerCluster cassandra, ZooKeeperContainerEnsemble zooKeeper)
    {
        _network = network;
        _cassandra = cassandra;
        _zooKeeper = zooKeeper;
    }

    public string Kind => "containers";

    public int CassandraNodes => _cassandra.NodeCount;

    public int ZooKeeperServers => _zooKeeper.ServerCount;

    public IServerPartitions? Partitions => this;

    /// <summary>Starts both systems side by side on one new network; whatever started is removed if either fails.</summary>
    public static async Task<ContainerServers> StartAsync(CancellationToken cancellationToken)
    {
        var network = await ContainerNetwork.CreateAsync(cancellationToken);
        var cassandra = CassandraContainerCluster.StartAsync(
            new CassandraContainerClusterOptions
            {
                NodeCount = ReliabilitySettings.Sites,
                Network = network,
                DataCenters = Enumerable.Range(0, ReliabilitySettings.Sites).Select(ReliabilityEnvironment.DataCenterOf).ToArray(),
                StartTimeout = ReliabilitySettings.RepairTimeout,
            },
            cancellationToken);
        var zooKeeper = ZooKeeperContainerEnsemble.StartAsync(
            new ZooKeeperContainerEnsembleOptions { ServerCount = ReliabilitySettings.Sites, Network = network, StartTimeout = ReliabilitySettings.RepairTimeout },
            cancellationToken);
        try
        {
            await Task.WhenAll(cassandra, zooKeeper);
            return new ContainerServers(network, cassandra.Result, zooKeeper.Result);
        }
        catch
        {
            if (cassandra.IsCompletedSuccessfully)
            {
                await cassandra.Result.DisposeAsync();
            }

            if (zooKeeper.IsCompletedSuccessfully)
            {
                await zooKeeper.Result.DisposeAsync();
            }

            await network.DisposeAsync();
            throw;
        }
    }

    public CqlSessionOptions CassandraSessionOptions() => _cassandra.CreateSessionOptions();

    public string CassandraAddressOf(int site) => _cassandra.AddressOf(site + 1);

    public IPEndPoint ZooKeeperEndPointOf(int server) => _zooKeeper.EndPointOf(server);

    public Task KillCassandraAsync(int node) => _cassandra.KillAsync(node);

    public Task StartCassandraAsync(int node, CancellationToken cancellationToken) => _cassandra.StartNodeAsync(node, cancellationToken);

    public Task PauseCassandraAsync(int node) => _cassandra.PauseAsync(node);

    public Task ResumeCassandraAsync(int node) => _cassandra.ResumeAsync(node);

    public Task<int> ZooKeeperLeaderAsync() => _zooKeeper.LeaderIndexAsync();

    public Task KillZooKeeperAsync(int server) => _zooKeeper.KillAsync(server);

    public Task RestartZooKeeperAsync(int server, CancellationToken cancellationToken) => _zooKeeper.RestartAsync(server, cancellationToken);

    public Task ExpireSessionAsync(ZooKeeperSessionCredentials credentials, CancellationToken cancellationToken) =>
        _zooKeeper.ExpireSessionAsync(credentials, cancellationToken);

    public Task IsolateCassandraAsync(int node) => _cassandra.IsolateAsync(node);

    public Task IsolateZooKeeperAsync(int server) => _zooKeeper.IsolateAsync(server);

    public Task HealCassandraAsync() => _cassandra.HealAsync();

    public Task HealZooKeeperAsync() => _zooKeeper.HealAsync();

    public async Task RecoverAllAsync(CancellationToken cancellationToken)
    {
        await HealCassandraAsync();
        await HealZooKeeperAsync();
        for (var server = 0; server < _zooKeeper.ServerCount; server++)
        {
            if (_zooKeeper.IsPaused(server))
            {
                await _zooKeeper.ResumeAsync(server, cancellationToken);
            }

            await _zooKeeper.RestartAsync(server, cancellationToken);
        }

        await _cassandra.EnsureAllUpAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _cassandra.DisposeAsync();
        await _zooKeeper.DisposeAsync();
        await _network.DisposeAsync();
    }
}
