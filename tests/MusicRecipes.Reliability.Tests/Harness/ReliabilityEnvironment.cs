using Microsoft.Extensions.Logging;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Reliability.Worker;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Reliability.Tests.Harness;

/// <summary>
/// The real systems under test (<see cref="IReliabilityServers"/>: child processes or containers): a 3-node Cassandra
/// cluster with one data centre per simulated site ("site0" …) and a 3-server ZooKeeper ensemble. Site i's clients use
/// Cassandra node i as their local coordinator
/// (LOCAL_ONE for eventual operations, QUORUM across all data centres for critical ones, docs/design.md §2) and reach
/// ZooKeeper through TCP proxies of their own, one per server (<see cref="SiteLinks"/>), so the nemesis can cut a
/// site's lock sessions. Clients run in this process (<see cref="CreateClientAsync"/>) or in worker processes
/// (<see cref="WorkerOptionsFor"/>).
/// </summary>
internal sealed class ReliabilityEnvironment : IAsyncDisposable
{
    public const string Keyspace = "music_reliability";
    private readonly List<CqlSession> _sessions;
    private readonly List<SiteClient> _clients = [];
    private readonly CassandraDataStore[] _dataStores;
    private readonly string _lockRoot = "/reliability-" + Guid.NewGuid().ToString("N")[..10];

    private ReliabilityEnvironment(IReliabilityServers servers, CassandraDataStore[] dataStores, List<CqlSession> sessions)
    {
        Servers = servers;
        _dataStores = dataStores;
        _sessions = sessions;
        Links = new SiteLinks(ReliabilitySettings.Sites, servers.ZooKeeperServers, servers.ZooKeeperEndPointOf);
    }

    /// <summary>The Cassandra nodes and ZooKeeper servers, whichever kit runs them.</summary>
    public IReliabilityServers Servers { get; }

    /// <summary>Every client's ZooKeeper links, by site.</summary>
    public SiteLinks Links { get; }

    /// <summary>The clients of this process (the queue's and the auditor).</summary>
    public IReadOnlyList<SiteClient> Clients
    {
        get
        {
            lock (_clients)
            {
                return _clients.ToArray();
            }
        }
    }

    public static string DataCenterOf(int site) => MusicTestServers.DataCenterOf(site);

    /// <summary>Starts both clusters side by side (ZooKeeper is ready long before Cassandra) and creates the schema.</summary>
    public static async Task<ReliabilityEnvironment> StartAsync(ReliabilityBackend backend, CancellationToken cancellationToken)
    {
        IReliabilityServers servers = backend == ReliabilityBackend.Containers
            ? await ContainerServers.StartAsync(cancellationToken)
            : await ProcessServers.StartAsync(cancellationToken);
        var sessions = new List<CqlSession>();
        var stores = new CassandraDataStore[ReliabilitySettings.Sites];
        try
        {
            // One replica per site: QUORUM (2 of 3) overlaps between any two sites, and survives one node down.
            var replication = CassandraReplication.NetworkTopology(
                Enumerable.Range(0, ReliabilitySettings.Sites).ToDictionary(DataCenterOf, _ => 1));
            for (var site = 0; site < ReliabilitySettings.Sites; site++)
            {
                var session = await CqlSession.ConnectAsync(SessionOptions(servers, site), cancellationToken);
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

        return new ReliabilityEnvironment(servers, stores, sessions);
    }

    /// <summary>
    /// A new client of this process at <paramref name="site"/>, with a ZooKeeper session of its own through links of its
    /// own, logging to <paramref name="log"/> (the work queue's decisions from Debug on, the rest from Information).
    /// </summary>
    public async Task<SiteClient> CreateClientAsync(int site, string name, HistoryLog log, CancellationToken cancellationToken)
    {
        var logs = log.For(name, new Dictionary<string, LogLevel> { ["MusicRecipes.Recipes.Queue"] = LogLevel.Debug });
        var locks = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = Links.Open(site),
                SessionTimeout = ReliabilitySettings.SessionTimeout,
                ConnectionTimeout = TimeSpan.FromSeconds(20),
                Logger = logs.CreateLogger<ZooKeeperClient>(),
            },
            new ZooKeeperLockStoreOptions { RootPath = _lockRoot });
        await locks.Client.WaitUntilConnectedAsync(cancellationToken);
        var music = new MusicClient(_dataStores[site], locks, logger: logs.CreateLogger<MusicClient>());
        var client = new SiteClient(name, site, music, locks, new SessionWatch(locks.Client), logs);
        lock (_clients)
        {
            _clients.Add(client);
        }

        return client;
    }

    /// <summary>What a worker process at <paramref name="site"/> needs to connect like a client of this process, with links of its own.</summary>
    public WorkerOptions WorkerOptionsFor(int site, string name, string acquireKind, IReadOnlyList<string> counters, int seed) => new()
    {
        Name = name,
        Site = site,
        AcquireKind = acquireKind,
        Counters = counters,
        Seed = seed,
        ZooKeeper = Links.Open(site),
        LockRoot = _lockRoot,
        SessionTimeoutMs = (int)ReliabilitySettings.SessionTimeout.TotalMilliseconds,
        CassandraAddress = Servers.CassandraAddressOf(site),
        CassandraPort = Servers.CassandraSessionOptions().Port,
        CassandraRequestTimeoutMs = (int)Servers.CassandraSessionOptions().RequestTimeout.TotalMilliseconds,
        DataCenter = DataCenterOf(site),
        Keyspace = Keyspace,
    };

    /// <summary>Heals every link and brings every server back, so the run can drain and audit.</summary>
    public async Task RecoverAllAsync(CancellationToken cancellationToken)
    {
        Links.EndPartition();
        for (var site = 0; site < ReliabilitySettings.Sites; site++)
        {
            Links.Heal(site);
            Links.SetLatency(site, TimeSpan.Zero);
        }

        await Servers.RecoverAllAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Clients)
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

        await Links.DisposeAsync();
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        await Servers.DisposeAsync();
    }

    /// <summary>Site <paramref name="site"/>'s session: its Cassandra node as the only coordinator, its data centre as the local one.</summary>
    private static CqlSessionOptions SessionOptions(IReliabilityServers servers, int site)
    {
        var options = servers.CassandraSessionOptions();
        options.ContactPoints.Clear();
        options.ContactPoints.Add(servers.CassandraAddressOf(site));
        options.LocalDataCenter = DataCenterOf(site);
        options.MaxProtocolVersion = 3;
        return options;
    }
}
