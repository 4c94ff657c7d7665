using MusicRecipes.Testing;

namespace PlacementService;

/// <summary>
/// <c>--start-servers</c>: a local Cassandra cluster (node i on 127.0.0.i in data centre "site{i-1}") and a ZooKeeper
/// ensemble, started as child JVMs by the test kit (MusicRecipes.Testing) from the distributions that
/// scripts/install-cassandra.sh and scripts/install-zookeeper.sh install. Disposing kills them and deletes their data.
/// </summary>
public sealed class LocalServers : IAsyncDisposable
{
    private readonly MusicTestServers _servers;

    private LocalServers(MusicTestServers servers) => _servers = servers;

    /// <summary>Settings pointing the real backend at these servers.</summary>
    public RealBackendSettings Settings(TimeSpan sessionTimeout) => new()
    {
        CassandraNodes = _servers.Cassandra.ContactPoints,
        CassandraPort = _servers.Cassandra.NativePort,
        DataCenters = Enumerable.Range(0, _servers.Cassandra.NodeCount).Select(DataCenterOf).ToArray(),
        ZooKeeper = _servers.ZooKeeper.ConnectionString,
        SessionTimeout = sessionTimeout,
    };

    public static string DataCenterOf(int site) => MusicTestServers.DataCenterOf(site);

    /// <summary>Starts both side by side (ZooKeeper is ready long before Cassandra).</summary>
    public static async Task<LocalServers> StartAsync(LocalServerOptions options, CancellationToken cancellationToken = default) =>
        new(await MusicTestServers.StartAsync(
            new CassandraTestClusterOptions
            {
                NodeCount = options.CassandraNodes,
                NativePort = options.CassandraNativePort,
                StoragePort = options.CassandraStoragePort,
                DataCenters = Enumerable.Range(0, options.CassandraNodes).Select(DataCenterOf).ToArray(),
            },
            new ZooKeeperTestEnsembleOptions
            {
                ServerCount = options.ZooKeeperServers,
                BaseClientPort = options.ZooKeeperClientPort,
                BaseQuorumPort = options.ZooKeeperQuorumPort,
                BaseElectionPort = options.ZooKeeperElectionPort,
            },
            cancellationToken));

    public ValueTask DisposeAsync() => _servers.DisposeAsync();
}

/// <summary>How many servers <see cref="LocalServers"/> starts, and on which ports (defaults: the servers' usual ports).</summary>
public sealed record LocalServerOptions
{
    public int CassandraNodes { get; init; } = 3;

    public int CassandraNativePort { get; init; } = 9042;

    /// <summary>Storage port; the test kit also uses the next two (SSL storage, Thrift).</summary>
    public int CassandraStoragePort { get; init; } = 7000;

    public int ZooKeeperServers { get; init; } = 3;

    public int ZooKeeperClientPort { get; init; } = 2181;

    public int ZooKeeperQuorumPort { get; init; } = 2888;

    public int ZooKeeperElectionPort { get; init; } = 3888;
}
