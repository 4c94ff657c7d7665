using System.Globalization;
using System.Net;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// The real systems under test: a 3-node Cassandra cluster with one data centre per simulated site ("site0" … on
/// 127.0.0.1 …) and a 3-server ZooKeeper ensemble. Site i's clients use Cassandra node i as their local coordinator
/// (LOCAL_ONE for eventual operations, QUORUM across all data centres for critical ones, docs/design.md §2) and reach
/// ZooKeeper through TCP proxies of their own, one per server, so the nemesis can cut a site's lock sessions.
/// </summary>
internal sealed class ReliabilityEnvironment : IAsyncDisposable
{
    public const string Keyspace = "music_reliability";
    private readonly List<CqlSession> _sessions = [];
    private readonly List<SiteClient> _clients = [];
    private readonly CassandraDataStore[] _dataStores;
    private readonly TcpFaultProxy[][] _proxies;
    private readonly string _lockRoot = "/reliability-" + Guid.NewGuid().ToString("N")[..10];

    private ReliabilityEnvironment(CassandraTestCluster cassandra, ZooKeeperTestEnsemble zooKeeper, CassandraDataStore[] dataStores, List<CqlSession> sessions)
    {
        Cassandra = cassandra;
        ZooKeeper = zooKeeper;
        _dataStores = dataStores;
        _sessions = sessions;
        _proxies = Enumerable.Range(0, ReliabilitySettings.Sites)
            .Select(_ => Enumerable.Range(0, zooKeeper.ServerCount)
                .Select(server => TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, ReliabilitySettings.ZooKeeperClientPort + server)))
                .ToArray())
            .ToArray();
    }

    public CassandraTestCluster Cassandra { get; }

    public ZooKeeperTestEnsemble ZooKeeper { get; }

    public IReadOnlyList<SiteClient> Clients => _clients;

    public static string DataCenterOf(int site) => MusicTestServers.DataCenterOf(site);

    /// <summary>Starts both clusters side by side (ZooKeeper is ready long before Cassandra) and creates the schema.</summary>
    public static async Task<ReliabilityEnvironment> StartAsync(CancellationToken cancellationToken)
    {
        var servers = await MusicTestServers.StartAsync(
            new CassandraTestClusterOptions
            {
                NodeCount = ReliabilitySettings.Sites,
                NativePort = ReliabilitySettings.CassandraNativePort,
                StoragePort = ReliabilitySettings.CassandraStoragePort,
                DataCenters = Enumerable.Range(0, ReliabilitySettings.Sites).Select(DataCenterOf).ToArray(),
            },
            new ZooKeeperTestEnsembleOptions
            {
                ServerCount = 3,
                BaseClientPort = ReliabilitySettings.ZooKeeperClientPort,
                BaseQuorumPort = ReliabilitySettings.ZooKeeperQuorumPort,
                BaseElectionPort = ReliabilitySettings.ZooKeeperElectionPort,
                TickTimeMs = 200,
            },
            cancellationToken);

        var cassandra = servers.Cassandra;
        var sessions = new List<CqlSession>();
        var stores = new CassandraDataStore[ReliabilitySettings.Sites];
        try
        {
            // One replica per site: QUORUM (2 of 3) overlaps between any two sites, and survives one node down.
            var replication = CassandraReplication.NetworkTopology(
                Enumerable.Range(0, ReliabilitySettings.Sites).ToDictionary(DataCenterOf, _ => 1));
            for (var site = 0; site < ReliabilitySettings.Sites; site++)
            {
                var options = cassandra.CreateSessionOptions();
                options.ContactPoints.Clear();
                options.ContactPoints.Add(CassandraTestCluster.AddressOf(site + 1));
                options.LocalDataCenter = DataCenterOf(site);
                options.MaxProtocolVersion = 3;
                var session = await CqlSession.ConnectAsync(options, cancellationToken);
                sessions.Add(session);

                // The schema is created once, through site 0, before the other sites prepare their statements
                // (CassandraSchema: concurrent DDL can leave the cluster in schema disagreement).
                stores[site] = await CassandraDataStore.CreateAsync(session, new CassandraDataStoreOptions
                {
                    Keyspace = Keyspace,
                    Replication = replication,
                    Site = DataCenterOf(site),
                }, cancellationToken);
            }
        }
        catch
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }

            await servers.DisposeAsync();
            throw;
        }

        return new ReliabilityEnvironment(cassandra, servers.ZooKeeper, stores, sessions);
    }

    /// <summary>A new client at <paramref name="site"/> with a ZooKeeper session of its own through the site's proxies.</summary>
    public async Task<SiteClient> CreateClientAsync(int site, string name, CancellationToken cancellationToken)
    {
        var locks = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = string.Join(',', _proxies[site].Select(p => "127.0.0.1:" + p.Port.ToString(CultureInfo.InvariantCulture))),
                SessionTimeout = TimeSpan.FromSeconds(4),
                ConnectionTimeout = TimeSpan.FromSeconds(20),
            },
            new ZooKeeperLockStoreOptions { RootPath = _lockRoot });
        await locks.Client.WaitUntilConnectedAsync(cancellationToken);
        var client = new SiteClient(name, site, new MusicClient(_dataStores[site], locks), locks, new SessionWatch(locks.Client));
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>Cuts every connection of <paramref name="site"/> to ZooKeeper and refuses new ones.</summary>
    public void CutSite(int site)
    {
        foreach (var proxy in _proxies[site])
        {
            proxy.Cut();
        }
    }

    /// <summary>Ends a cut of <paramref name="site"/>.</summary>
    public void HealSite(int site)
    {
        foreach (var proxy in _proxies[site])
        {
            proxy.Heal();
        }
    }

    /// <summary>Adds WAN-like latency to <paramref name="site"/>'s ZooKeeper links (zero removes it).</summary>
    public void SetSiteLatency(int site, TimeSpan latency)
    {
        foreach (var proxy in _proxies[site])
        {
            proxy.Latency = latency;
        }
    }

    /// <summary>Heals every link and brings every server back, so the run can drain and audit.</summary>
    public async Task RecoverAllAsync(CancellationToken cancellationToken)
    {
        for (var site = 0; site < ReliabilitySettings.Sites; site++)
        {
            HealSite(site);
            SetSiteLatency(site, TimeSpan.Zero);
        }

        for (var server = 0; server < ZooKeeper.ServerCount; server++)
        {
            if (!ZooKeeper.IsRunning(server))
            {
                await ZooKeeper.RestartAsync(server, cancellationToken);
            }
        }

        await Cassandra.EnsureAllUpAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try
            {
                await client.Music.DisposeAsync();
            }
            catch (Exception ex) when (ex is MusicException or TimeoutException or ObjectDisposedException or OperationCanceledException)
            {
                // Closing a session during teardown; the ensemble is killed next anyway.
            }
        }

        foreach (var proxy in _proxies.SelectMany(p => p))
        {
            await proxy.DisposeAsync();
        }

        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        await Cassandra.DisposeAsync();
        await ZooKeeper.DisposeAsync();
    }
}
