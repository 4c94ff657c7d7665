using System.Net;
using MusicRecipes.InMemory;
using MusicRecipes.Locking;
using MusicRecipes.Storage;
using MusicRecipes.Testing;
using MusicRecipes.Testing.Backends;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>
/// The conformance backend "ZooKeeper locks + in-memory data": each client gets its own ZooKeeper session on the
/// shared ensemble (under a root of its own per test class instance) and a data store of a 3-site in-memory cluster,
/// whose faults (cut, partial write) are the kit's <see cref="InMemoryTestCluster"/>'s. A site reaches the ensemble
/// through TCP proxies of its own, so cutting a site off cuts its ZooKeeper connections as well as its data replicas.
/// A client's process cannot be crashed here: its ZooKeeper session runs in this process.
/// </summary>
public sealed class ZooKeeperTestBackend(ZooKeeperEnsembleFixture fixture) : IMusicTestBackend
{
    private readonly Dictionary<IMusicClient, ZooKeeperLockStore> _stores = [];
    private readonly Dictionary<int, TcpFaultProxy[]> _siteProxies = [];
    private readonly string _root = ZooKeeperEnsembleFixture.UniqueRoot() + "/music";
    private readonly InMemoryTestCluster _data = new(new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromMilliseconds(1500), ReplicaTimeout = TimeSpan.FromMilliseconds(300) });

    public int SiteCount => _data.SiteCount;

    public MusicTestBackendFaults Faults =>
        MusicTestBackendFaults.ExpireSession | MusicTestBackendFaults.CutOff | MusicTestBackendFaults.Stall | MusicTestBackendFaults.PartialWrite;

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null)
    {
        var store = await OpenLockStoreAsync(site);
        var client = new MusicClient(_data.Cluster.CreateDataStore(site), decorateLocks is null ? store : decorateLocks(store), options);
        lock (_stores)
        {
            _stores[client] = store;
        }

        return client;
    }

    public Task<IDataStore> CreateDataStoreAsync(int site) => _data.CreateDataStoreAsync(site);

    public async Task<ILockStore> CreateLockStoreAsync(int site) => await OpenLockStoreAsync(site);

    public Task ExpireSessionAsync(IMusicClient client)
    {
        ZooKeeperLockStore store;
        lock (_stores)
        {
            store = _stores[client];
        }

        return ExpireSessionAsync(store);
    }

    public Task ExpireSessionAsync(ILockStore lockStore) => fixture.Ensemble.ExpireSessionAsync(((ZooKeeperLockStore)lockStore).Client);

    public Task CrashAsync(IMusicClient client) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Crash);

    /// <summary>The data cluster's partial write: the lock store is not involved.</summary>
    public Task ArmPartialWriteAsync(IMusicClient writer) => _data.ArmPartialWriteAsync(writer);

    public Task RecoverFromPartialWriteAsync() => _data.RecoverFromPartialWriteAsync();

    public async Task CutOffAsync(int site)
    {
        await _data.CutOffAsync(site);
        foreach (var proxy in ProxiesOf(site))
        {
            proxy.Cut();
        }
    }

    public async Task HealAsync(int site)
    {
        foreach (var proxy in ProxiesOf(site))
        {
            proxy.Heal();
        }

        await _data.HealAsync(site);
    }

    /// <summary>The in-memory data cut is silent already; the ZooKeeper links stall with their connections open.</summary>
    public async Task StallAsync(int site)
    {
        await _data.StallAsync(site);
        foreach (var proxy in ProxiesOf(site))
        {
            proxy.Stall();
        }
    }

    /// <summary>A healed proxy delivers what it held back.</summary>
    public Task EndStallAsync(int site) => HealAsync(site);

    public async ValueTask DisposeAsync()
    {
        await _data.DisposeAsync();
        foreach (var proxy in _siteProxies.Values.SelectMany(p => p))
        {
            await proxy.DisposeAsync();
        }
    }

    private async Task<ZooKeeperLockStore> OpenLockStoreAsync(int site)
    {
        var store = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions { ConnectionString = ConnectionStringOf(site), SessionTimeout = TimeSpan.FromSeconds(4) },
            new ZooKeeperLockStoreOptions { RootPath = _root });
        await store.Client.WaitUntilConnectedAsync();
        return store;
    }

    private string ConnectionStringOf(int site) => string.Join(',', ProxiesOf(site).Select(p => $"127.0.0.1:{p.Port}"));

    private TcpFaultProxy[] ProxiesOf(int site)
    {
        lock (_siteProxies)
        {
            if (!_siteProxies.TryGetValue(site, out var proxies))
            {
                proxies = Enumerable.Range(0, fixture.Ensemble.ServerCount)
                    .Select(i => TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, int.Parse(fixture.Ensemble.ConnectionStringFor(i).Split(':')[1]))))
                    .ToArray();
                _siteProxies[site] = proxies;
            }

            return proxies;
        }
    }
}
