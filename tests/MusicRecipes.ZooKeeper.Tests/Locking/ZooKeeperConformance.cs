using MusicRecipes.Testing;
using System.Net;
using MusicRecipes.Conformance;
using MusicRecipes.InMemory;
using MusicRecipes.Locking;
using MusicRecipes.Storage;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;
using Xunit.Abstractions;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>
/// The conformance backend "ZooKeeper locks + in-memory data": each client gets its own ZooKeeper session on the
/// shared ensemble (under a root of its own per test class instance) and a data store of a 3-site in-memory cluster.
/// A site reaches the ensemble through TCP proxies of its own, so cutting a site off cuts its ZooKeeper connections
/// as well as its data replicas.
/// </summary>
public sealed class ZooKeeperTestBackend(ZooKeeperEnsembleFixture fixture) : IMusicTestBackend, IPartialWriteFaults, IPartitionFaults, ISilentPartitionFaults, IAsyncDisposable
{
    private readonly Dictionary<IMusicClient, ZooKeeperLockStore> _stores = [];
    private readonly Dictionary<int, TcpFaultProxy[]> _siteProxies = [];
    private readonly string _root = ZooKeeperEnsembleFixture.UniqueRoot() + "/music";

    public InMemoryMusicCluster Cluster { get; } = new(sites: 3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromMilliseconds(1500), ReplicaTimeout = TimeSpan.FromMilliseconds(300) });

    public int SiteCount => Cluster.SiteCount;

    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null) => CreateClientAsync(site, options, locks => locks);

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options, Func<ILockStore, ILockStore> decorateLocks)
    {
        var store = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions { ConnectionString = ConnectionStringOf(site), SessionTimeout = TimeSpan.FromSeconds(4) },
            new ZooKeeperLockStoreOptions { RootPath = _root });
        await store.Client.WaitUntilConnectedAsync();
        var client = new MusicClient(Cluster.CreateDataStore(site), decorateLocks(store), options);
        lock (_stores)
        {
            _stores[client] = store;
        }

        return client;
    }

    public Task<IDataStore> CreateDataStoreAsync(int site) => Task.FromResult(Cluster.CreateDataStore(site));

    public Task ExpireSessionAsync(IMusicClient client)
    {
        ZooKeeperLockStore store;
        lock (_stores)
        {
            store = _stores[client];
        }

        return fixture.Ensemble.ExpireSessionAsync(store.Client);
    }

    public Task ArmPartialWriteAsync(IMusicClient writer)
    {
        Cluster.FailNextCriticalWrite(int.Parse(writer.Site.AsSpan("site-".Length)), replicas: 1);
        return Task.CompletedTask;
    }

    public Task RecoverAsync() => Task.CompletedTask;

    public Task CutOffAsync(int site)
    {
        Cluster.CutOff(site);
        foreach (var proxy in ProxiesOf(site))
        {
            proxy.Cut();
        }

        return Task.CompletedTask;
    }

    public Task HealAsync(int site)
    {
        foreach (var proxy in ProxiesOf(site))
        {
            proxy.Heal();
        }

        Cluster.Heal(site);
        return Task.CompletedTask;
    }

    public Task StallAsync(int site)
    {
        Cluster.CutOff(site);
        foreach (var proxy in ProxiesOf(site))
        {
            proxy.Stall();
        }

        return Task.CompletedTask;
    }

    public Task EndStallAsync(int site) => HealAsync(site);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        foreach (var proxy in _siteProxies.Values.SelectMany(p => p))
        {
            await proxy.DisposeAsync();
        }
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

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperConformanceTests(ZooKeeperEnsembleFixture fixture) : MusicConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperPartialWriteTests(ZooKeeperEnsembleFixture fixture) : PartialWriteConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartialWriteFaults Faults => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperRandomizedConcurrencyTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output) : RandomizedConcurrencyTests(output)
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartitionFaults Partitions => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperGuaranteedReleaseTests(ZooKeeperEnsembleFixture fixture) : GuaranteedReleaseConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartitionFaults Partitions => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperLockPathFaultTests(ZooKeeperEnsembleFixture fixture) : LockPathFaultConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperLossFirstTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output) : LossFirstConformanceTests(output)
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;

    protected override ISilentPartitionFaults Stalls => _backend;
}

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperSharedTicketTests(ZooKeeperEnsembleFixture fixture, ITestOutputHelper output) : SharedTicketConformanceTests(output)
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;
}
