using System.Globalization;
using MusicRecipes;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Testing.SiteClients;
using MusicRecipes.ZooKeeper;

namespace PlacementService;

/// <summary>
/// The placement service on real servers: Cassandra holds the state, ZooKeeper the locks. Site i's clients share one
/// CQL session whose first contact point (and local data centre, when the cluster has one per site) is node i, so
/// their eventual puts stay at that node and their critical operations are QUORUM across all nodes.
/// </summary>
/// <remarks>
/// <para>Each client is a <see cref="FaultableSiteClient"/> of the test kit with its own ZooKeeper session, reached
/// through TCP proxies of its own (one per server), and its site's shared data store:</para>
/// <list type="bullet">
/// <item><b>Cut-off</b> cuts the proxies of every client of the site: their lock sessions are suspended and, if the
/// cut outlasts the session timeout, expire (their locks go to other sites). It does NOT cut the site's Cassandra
/// traffic: the session discovers every node from system.peers and connects to them directly, and one machine cannot
/// partition Cassandra's own gossip without network namespaces. So a cut-off site keeps eventual and quorum access to
/// the data; it only loses the lock service, which is what keeps it out of critical sections.</item>
/// <item><b>Crash</b> cuts one client's proxies for good and never closes its session, like a killed process: its
/// locks stay until ZooKeeper expires the session (<see cref="RealBackendSettings.SessionTimeout"/>), then the next
/// holder syncs the keys (rule 3 of docs/design.md). Disposing a crashed client says no goodbye either.</item>
/// </list>
/// <para>Every run uses a fresh keyspace and lock root, dropped at the end, so runs never see each other's items.</para>
/// </remarks>
public sealed class RealPlacementBackend : IPlacementBackend
{
    private readonly RealBackendSettings _settings;
    private readonly CqlSession[] _sessions;
    private readonly CassandraDataStore[] _stores;
    private readonly ZooKeeperConnectionString _zooKeeper;
    private readonly string _lockRoot;
    private readonly SiteClientSet _clients = new();
    private readonly LocalServers? _servers;

    private RealPlacementBackend(RealBackendSettings settings, CqlSession[] sessions, CassandraDataStore[] stores, string runId, LocalServers? servers)
    {
        _settings = settings;
        _sessions = sessions;
        _stores = stores;
        _servers = servers;
        _zooKeeper = ZooKeeperConnectionString.Parse(settings.ZooKeeper);
        _lockRoot = (_zooKeeper.Chroot ?? "") + "/placement/" + runId;
        Keyspace = stores[0].Keyspace;
    }

    public string Keyspace { get; }

    public string Description =>
        $"Cassandra {string.Join(",", _settings.CassandraNodes)}:{_settings.CassandraPort} (keyspace {Keyspace}) + ZooKeeper {_settings.ZooKeeper}; "
        + $"site i coordinates on node i; lock session timeout {_settings.SessionTimeout.TotalSeconds:0.#} s; a cut-off cuts the site's ZooKeeper links";

    public string CutOffEffect => "its ZooKeeper links are cut: no locks; its Cassandra traffic is not cut";

    /// <summary>
    /// Scenario timings for real servers: the cut-off outlasts the ZooKeeper session timeout, so the cut site's
    /// sessions really expire and its claims move to other sites; the deadline leaves room for real round trips.
    /// </summary>
    public static void UseRealTimings(ScenarioOptions options, RealBackendSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        options.SessionTimeout = settings.SessionTimeout;
        options.CutOffFor = settings.SessionTimeout + TimeSpan.FromSeconds(2);
        options.Deadline = TimeSpan.FromSeconds(60);
    }

    /// <summary>Connects one CQL session per site and creates the run's keyspace (owning <paramref name="servers"/>, if given).</summary>
    public static async Task<RealPlacementBackend> StartAsync(RealBackendSettings settings, int sites, LocalServers? servers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var runId = Guid.NewGuid().ToString("N")[..8];
        var nodes = settings.CassandraNodes;
        var replication = settings.DataCenters.Count > 0
            ? CassandraReplication.NetworkTopology(settings.DataCenters.Distinct().ToDictionary(dc => dc, _ => 1))
            : CassandraReplication.Simple(Math.Min(3, nodes.Count));
        var sessions = new List<CqlSession>();
        var stores = new CassandraDataStore[sites];
        try
        {
            for (var site = 0; site < sites; site++)
            {
                var options = new CqlSessionOptions
                {
                    Port = settings.CassandraPort,
                    LocalDataCenter = settings.DataCenters.Count > 0 ? settings.DataCenters[site % settings.DataCenters.Count] : null,
                    RequestTimeout = TimeSpan.FromSeconds(6),
                    ConnectTimeout = TimeSpan.FromSeconds(3),
                    HeartbeatInterval = TimeSpan.FromSeconds(1),
                };

                // This site's node first: it answers system.local, so it is the session's local coordinator.
                foreach (var node in nodes.Skip(site % nodes.Count).Concat(nodes.Take(site % nodes.Count)))
                {
                    options.ContactPoints.Add(node);
                }

                var session = await CqlSession.ConnectAsync(options, cancellationToken);
                sessions.Add(session);

                // Site 0 creates the schema before the others prepare statements (concurrent DDL can disagree).
                stores[site] = await CassandraDataStore.CreateAsync(session, new CassandraDataStoreOptions
                {
                    Keyspace = "placement_" + runId,
                    Replication = replication,
                    Site = "site-" + site.ToString(CultureInfo.InvariantCulture),
                }, cancellationToken);
            }
        }
        catch
        {
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }

            throw;
        }

        return new RealPlacementBackend(settings, [.. sessions], stores, runId, servers);
    }

    public async Task<IMusicClient> CreateClientAsync(int site)
    {
        var client = await new SiteClientBuilder(site)
            .WithSharedDataStore(_stores[site])
            .WithZooKeeperLocks(
                _zooKeeper.Servers,
                new ZooKeeperClientOptions { SessionTimeout = _settings.SessionTimeout, ConnectionTimeout = TimeSpan.FromSeconds(20) },
                new ZooKeeperLockStoreOptions { RootPath = _lockRoot })
            .BuildAsync();
        return _clients.Add(client);
    }

    public Task CrashAsync(IMusicClient client)
    {
        _clients.Find(client).Crash();
        return Task.CompletedTask;
    }

    public Task CutOffAsync(int site)
    {
        _clients.CutOff(site);
        return Task.CompletedTask;
    }

    public Task HealAsync(int site)
    {
        _clients.Heal(site);
        return Task.CompletedTask;
    }

    /// <summary>Drops the run's keyspace (best effort), closes the sessions and stops servers it started.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _sessions[0].ExecuteAsync(new CqlQuery($"DROP KEYSPACE IF EXISTS {Keyspace}") { Consistency = CqlConsistency.One }, timeout.Token);
        }
        catch (Exception ex) when (ex is CqlException or OperationCanceledException or TimeoutException)
        {
            Console.Error.WriteLine($"Could not drop keyspace {Keyspace}: {ex.Message}");
        }

        await DeleteLockRootAsync();
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        if (_servers is not null)
        {
            await _servers.DisposeAsync();
        }
    }

    /// <summary>Removes the run's lock queues (persistent key nodes) so a shared ensemble keeps no garbage; best effort.</summary>
    private async Task DeleteLockRootAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            var servers = string.Join(',', _zooKeeper.Servers.Select(s => $"{s.Host}:{s.Port.ToString(CultureInfo.InvariantCulture)}"));
            await using var zk = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions { ConnectionString = servers }, timeout.Token);
            await DeleteTreeAsync(zk, _lockRoot, timeout.Token);
        }
        catch (Exception ex) when (ex is KeeperException or OperationCanceledException)
        {
            Console.Error.WriteLine($"Could not delete the lock root {_lockRoot}: {ex.Message}");
        }
    }

    private static async Task DeleteTreeAsync(ZooKeeperClient zk, string path, CancellationToken cancellationToken)
    {
        foreach (var child in (await zk.GetChildrenAsync(path, cancellationToken: cancellationToken)).Children)
        {
            await DeleteTreeAsync(zk, path + "/" + child, cancellationToken);
        }

        await zk.DeleteAsync(path, cancellationToken: cancellationToken);
    }
}
