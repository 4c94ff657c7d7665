using System.Globalization;
using System.Net;
using MusicRecipes.Locking;
using MusicRecipes.Storage;
using MusicRecipes.Testing.Backends;
using MusicRecipes.Testing.SiteClients;

namespace MusicRecipes.Recipes.Tests.Infrastructure.Real;

/// <summary>
/// The recipe suites on real servers (<see cref="RealBackendServers"/>): state in Cassandra, locks in the lock service a
/// subclass chooses. Every client is a <see cref="FaultableSiteClient"/>: its data session and its lock session go each
/// through a TCP proxy of its own, so the faults are real network faults: a crash cuts both of the client's links for
/// good without closing anything (its session expires on the server after the timeout, as a dead process's would, and
/// disposing it says no goodbye); a cut-off cuts the lock-service links
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

    private readonly SiteClientSet _clients = new();

    public int SiteCount => 3;

    public MusicTestBackendFaults Faults => MusicTestBackendFaults.ExpireSession | MusicTestBackendFaults.Crash | MusicTestBackendFaults.CutOff;

    /// <summary>The servers the backend runs on.</summary>
    protected RealBackendServers Servers => servers;

    /// <summary>The node every client's data link leads to.</summary>
    protected static IPEndPoint CassandraNode { get; } = new(IPAddress.Loopback, RealBackendServers.CassandraPort);

    /// <summary>Sets the lock service of a client being built (one lock link, so a cut-off cuts one proxy).</summary>
    protected abstract SiteClientBuilder WithLocks(SiteClientBuilder builder);

    /// <summary>Expires the lock session of a client as the lock service would.</summary>
    protected abstract Task ExpireSessionAsync(FaultableSiteClient client);

    /// <summary>Heals a client's lock link, unless its site is cut off (the client keeps it cut if it crashed).</summary>
    protected void HealLockLink(FaultableSiteClient client) => _clients.HealLocksUnlessCut(client);

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null)
    {
        var builder = new SiteClientBuilder(site)
            .WithCassandraData(CassandraNode, servers.Servers.Cassandra.CreateSessionOptions(), RealBackendServers.RecipeDataOptions("site-" + site.ToString(CultureInfo.InvariantCulture)))
            .WithClientOptions(options)
            .WithLockDecorator(decorateLocks);
        return _clients.Add(await WithLocks(builder).BuildAsync());
    }

    public Task ExpireSessionAsync(IMusicClient client) => ExpireSessionAsync(_clients.Find(client));

    public Task<IDataStore> CreateDataStoreAsync(int site) => throw new MusicTestBackendNotSupportedException(this, "create a bare data store (it hands out clients only)");

    public Task<ILockStore> CreateLockStoreAsync(int site) => throw new MusicTestBackendNotSupportedException(this, "create a bare lock store (it hands out clients only)");

    public Task ExpireSessionAsync(ILockStore lockStore) => throw new MusicTestBackendNotSupportedException(this, "expire a bare lock store's session (it hands out clients only)");

    public Task StallAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Stall);

    public Task EndStallAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Stall);

    public Task ArmPartialWriteAsync(IMusicClient writer) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.PartialWrite);

    public Task RecoverFromPartialWriteAsync() => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.PartialWrite);

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

    /// <summary>The suites dispose their clients first; this disposes any they left (a second dispose does nothing).</summary>
    public ValueTask DisposeAsync() => _clients.DisposeAsync();
}
