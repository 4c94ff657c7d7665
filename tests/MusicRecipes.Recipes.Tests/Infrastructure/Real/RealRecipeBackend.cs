using System.Globalization;
using System.Net;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Recipes.Tests.AbstractTestCases;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// The recipe suites on real servers: state in Cassandra, locks in ZooKeeper (<see cref="RealBackendServers"/>).
/// Every client has a ZooKeeper session and a CQL session of its own, each through a TCP proxy of its own, so the
/// faults are real network faults: a crash cuts both of the client's links for good without closing anything (its
/// session expires on the server after the timeout, as a dead process's would); a cut-off cuts the lock-service links
/// of every client of the site (it keeps its local data, as a partitioned site keeps its local replica); an expiry is
/// ZooKeeper's own, forced with the session's credentials.
/// </summary>
public sealed class ZooKeeperCassandraRecipeBackend(RealBackendServers servers) : IRecipeTestBackend
{
    /// <summary>
    /// The ZooKeeper session timeout of the suites' clients (the server's tick is 200 ms). A client counts on its session
    /// for 80 % of it after its last answered ping (rule 6): 4 s leaves room for a loaded 2-core machine's stalls.
    /// </summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(4);

    private readonly List<RealClientParts> _clients = [];
    private readonly HashSet<int> _cutSites = [];
    private readonly string _lockRoot = "/recipe-suites-" + Guid.NewGuid().ToString("N")[..10];

    public int SiteCount => 3;

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null)
    {
        var lockProxy = TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, RealBackendServers.ZooKeeperPort));
        var dataProxy = TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, RealBackendServers.CassandraPort));
        var sessionOptions = servers.Servers.Cassandra.CreateSessionOptions();
        sessionOptions.ContactPoints.Clear();
        sessionOptions.ContactPoints.Add("127.0.0.1");
        sessionOptions.Port = dataProxy.Port;
        var session = await CqlSession.ConnectAsync(sessionOptions);
        var locks = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = "127.0.0.1:" + lockProxy.Port.ToString(CultureInfo.InvariantCulture),
                SessionTimeout = SessionTimeout,
            },
            new ZooKeeperLockStoreOptions { RootPath = _lockRoot });
        await locks.Client.WaitUntilConnectedAsync();
        var data = new CassandraDataStore(session, RealBackendServers.RecipeDataOptions("site-" + site.ToString(CultureInfo.InvariantCulture)));
        var client = new MusicClient(data, locks, options);
        var parts = new RealClientParts(client, site, locks, session, lockProxy, dataProxy);
        lock (_clients)
        {
            _clients.Add(parts);
            if (_cutSites.Contains(site))
            {
                lockProxy.Cut();
            }
        }

        return client;
    }

    public Task ExpireSessionAsync(IMusicClient client) => servers.Servers.ZooKeeper.ExpireSessionAsync(PartsOf(client).Locks.Client);

    public Task CrashAsync(IMusicClient client)
    {
        var parts = PartsOf(client);
        parts.Crashed = true;
        parts.LockProxy.Cut();
        parts.DataProxy.Cut();
        return Task.CompletedTask;
    }

    public Task CutOffAsync(int site)
    {
        lock (_clients)
        {
            _cutSites.Add(site);
            foreach (var parts in _clients.Where(c => c.Site == site))
            {
                parts.LockProxy.Cut();
            }
        }

        return Task.CompletedTask;
    }

    public Task HealAsync(int site)
    {
        lock (_clients)
        {
            _cutSites.Remove(site);
            foreach (var parts in _clients.Where(c => c.Site == site && !c.Crashed))
            {
                parts.LockProxy.Heal();
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>The suites dispose their clients first; this closes what the clients do not own.</summary>
    public async ValueTask DisposeAsync()
    {
        RealClientParts[] clients;
        lock (_clients)
        {
            clients = [.. _clients];
        }

        foreach (var parts in clients)
        {
            await parts.DisposeAsync();
        }
    }

    private RealClientParts PartsOf(IMusicClient client)
    {
        lock (_clients)
        {
            return _clients.Single(c => ReferenceEquals(c.Client, client));
        }
    }
}
