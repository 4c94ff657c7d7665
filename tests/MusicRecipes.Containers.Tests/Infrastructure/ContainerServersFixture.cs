using MusicRecipes.Cql;
using MusicRecipes.Testing.Containers;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Containers.Tests.Infrastructure;

/// <summary>
/// ONE 3-server ZooKeeper ensemble and ONE 3-node Cassandra cluster in containers, on one network, for the whole test
/// project (they start side by side: ZooKeeper is ready long before Cassandra). Tests that break servers mend them in
/// <c>finally</c> (<see cref="MendAsync"/>); every test works under keys and paths of its own.
/// </summary>
public sealed class ContainerServersFixture : IAsyncLifetime
{
    public const string Keyspace = "container_tests";
    private ContainerNetwork? _network;
    private ZooKeeperContainerEnsemble? _zooKeeper;
    private CassandraContainerCluster? _cassandra;
    private CqlSession? _session;

    public ZooKeeperContainerEnsemble ZooKeeper => _zooKeeper ?? throw new InvalidOperationException("Not started.");

    public CassandraContainerCluster Cassandra => _cassandra ?? throw new InvalidOperationException("Not started.");

    /// <summary>A session on every node, QUORUM by default.</summary>
    public CqlSession Session => _session ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        _network = await ContainerNetwork.CreateAsync();
        var zooKeeper = ZooKeeperContainerEnsemble.StartAsync(new ZooKeeperContainerEnsembleOptions { ServerCount = 3, Network = _network });
        var cassandra = CassandraContainerCluster.StartAsync(new CassandraContainerClusterOptions { NodeCount = 3, Network = _network });
        try
        {
            await Task.WhenAll(zooKeeper, cassandra);
        }
        finally
        {
            _zooKeeper = zooKeeper.IsCompletedSuccessfully ? zooKeeper.Result : null;
            _cassandra = cassandra.IsCompletedSuccessfully ? cassandra.Result : null;
        }

        _session = await NewSessionAsync();
        await _session.ExecuteAsync($"CREATE KEYSPACE IF NOT EXISTS {Keyspace} WITH replication = {{'class': 'SimpleStrategy', 'replication_factor': 3}}");
        await _session.WaitForSchemaAgreementAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>A new session on every node (or as <paramref name="configure"/> says), QUORUM by default.</summary>
    public Task<CqlSession> NewSessionAsync(Action<CqlSessionOptions>? configure = null)
    {
        var options = Cassandra.CreateSessionOptions();
        options.DefaultConsistency = CqlConsistency.Quorum;
        configure?.Invoke(options);
        return CqlSession.ConnectAsync(options);
    }

    /// <summary>A session whose only coordinator is <paramref name="node"/> (no peer discovery).</summary>
    public Task<CqlSession> SessionOnAsync(int node) => NewSessionAsync(o =>
    {
        o.ContactPoints.Clear();
        o.ContactPoints.Add(Cassandra.AddressOf(node));
        o.DiscoverPeers = false;
    });

    /// <summary>A ZooKeeper client on <paramref name="connectionString"/> (default: the whole ensemble).</summary>
    public Task<ZooKeeperClient> ConnectZooKeeperAsync(string? connectionString = null, TimeSpan? sessionTimeout = null) =>
        ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectionString = connectionString ?? ZooKeeper.ConnectionString,
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(6),
            ConnectionTimeout = TimeSpan.FromSeconds(20),
        });

    /// <summary>Heals every partition and brings every server back.</summary>
    public async Task MendAsync()
    {
        await ZooKeeper.HealAsync();
        for (var i = 0; i < ZooKeeper.ServerCount; i++)
        {
            if (ZooKeeper.IsPaused(i))
            {
                await ZooKeeper.ResumeAsync(i);
            }

            await ZooKeeper.RestartAsync(i);
        }

        await Cassandra.EnsureAllUpAsync();
    }

    /// <summary>A fresh ZooKeeper path for one test.</summary>
    public static string UniqueRoot() => "/c-" + Guid.NewGuid().ToString("N")[..12];

    public async Task DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        if (_cassandra is not null)
        {
            await _cassandra.DisposeAsync();
        }

        if (_zooKeeper is not null)
        {
            await _zooKeeper.DisposeAsync();
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }
    }
}
