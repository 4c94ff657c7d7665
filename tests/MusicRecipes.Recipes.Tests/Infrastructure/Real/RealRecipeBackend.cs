using System.Globalization;
using System.Net;
using MusicRecipes.Cassandra;
using MusicRecipes.Cql;
using MusicRecipes.Locking;
using MusicRecipes.Storage;
using MusicRecipes.Testing.Backends;
using MusicRecipes.Testing.Network;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// The recipe suites on real servers (<see cref="RealBackendServers"/>): state in Cassandra, locks in the lock service a
/// subclass chooses. Every client has its data session and its lock session, each through a TCP proxy of its own, so
/// the faults are real network faults: a crash cuts both of the client's links for good without closing anything (its
/// session expires on the server after the timeout, as a dead process's would); a cut-off cuts the lock-service links
/// of every client of the site (it keeps its local data, as a partitioned site keeps its local replica). A one-node
/// Cassandra has no minority to write a partial write to, no recipe suite needs a silent partition, and the backend
/// hands out clients only (no bare data or lock stores): those members refuse.
/// </summary>
public abstract class RealRecipeBackend(RealBackendServers servers) : IMusicTestBackend
{
    /// <summary>
    /// The lock-session timeout of the suites' clients. A client counts on its session for 80 % of it after its last
    /// answered renewal (rule 6 of docs/design.md): 4 s leaves room for a loaded 2-core machine's stalls.
    /// </summary>
    public static readonly TimeSpan SessionTimeout = TimeSpan.FromSeconds(4);

    private readonly List<RealClientParts> _clients = [];
    private readonly HashSet<int> _cutSites = [];

    public int SiteCount => 3;

    public MusicTestBackendFaults Faults => MusicTestBackendFaults.ExpireSession | MusicTestBackendFaults.Crash | MusicTestBackendFaults.CutOff;

    /// <summary>The servers the backend runs on.</summary>
    protected RealBackendServers Servers => servers;

    /// <summary>The port of the lock service a client's lock proxy forwards to.</summary>
    protected abstract int LockServicePort { get; }

    /// <summary>Opens the lock store of a client through <paramref name="lockProxyPort"/>.</summary>
    protected abstract Task<RealLockStore> OpenLockStoreAsync(int lockProxyPort);

    /// <summary>Expires the lock session of a client as the lock service would.</summary>
    protected abstract Task ExpireSessionAsync(RealClientParts parts);

    /// <summary>Heals a client's lock link, unless the client crashed or its site is cut off.</summary>
    protected void HealLockLink(RealClientParts parts)
    {
        lock (_clients)
        {
            if (!parts.Crashed && !_cutSites.Contains(parts.Site))
            {
                parts.LockProxy.Heal();
            }
        }
    }

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null)
    {
        var lockProxy = TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, LockServicePort));
        var dataProxy = TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, RealBackendServers.CassandraPort));
        var session = await CqlSession.ConnectAsync(servers.SessionOptionsThrough(dataProxy.Port));
        var locks = await OpenLockStoreAsync(lockProxy.Port);
        var data = new CassandraDataStore(session, RealBackendServers.RecipeDataOptions("site-" + site.ToString(CultureInfo.InvariantCulture)));
        var client = new MusicClient(data, decorateLocks is null ? locks.Store : decorateLocks(locks.Store), options);
        var parts = new RealClientParts(client, site, locks.Store, [.. locks.Owned, session], lockProxy, dataProxy);
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

    public Task ExpireSessionAsync(IMusicClient client) => ExpireSessionAsync(PartsOf(client));

    public Task<IDataStore> CreateDataStoreAsync(int site) => throw new MusicTestBackendNotSupportedException(this, "create a bare data store (it hands out clients only)");

    public Task<ILockStore> CreateLockStoreAsync(int site) => throw new MusicTestBackendNotSupportedException(this, "create a bare lock store (it hands out clients only)");

    public Task ExpireSessionAsync(ILockStore lockStore) => throw new MusicTestBackendNotSupportedException(this, "expire a bare lock store's session (it hands out clients only)");

    public Task StallAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Stall);

    public Task EndStallAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Stall);

    public Task ArmPartialWriteAsync(IMusicClient writer) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.PartialWrite);

    public Task RecoverFromPartialWriteAsync() => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.PartialWrite);

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
