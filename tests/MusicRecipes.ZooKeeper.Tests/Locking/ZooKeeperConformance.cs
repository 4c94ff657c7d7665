using MusicRecipes.Conformance;
using MusicRecipes.InMemory;
using MusicRecipes.Storage;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>
/// The conformance backend "ZooKeeper locks + in-memory data": each client gets its own ZooKeeper session on the
/// shared ensemble (under a root of its own per test class instance) and a data store of a 3-site in-memory cluster.
/// </summary>
public sealed class ZooKeeperTestBackend(ZooKeeperEnsembleFixture fixture) : IMusicTestBackend, IPartialWriteFaults, IAsyncDisposable
{
    private readonly Dictionary<IMusicClient, ZooKeeperLockStore> _stores = [];
    private readonly string _root = ZooKeeperEnsembleFixture.UniqueRoot() + "/music";

    public InMemoryMusicCluster Cluster { get; } = new(sites: 3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromMilliseconds(1500), ReplicaTimeout = TimeSpan.FromMilliseconds(300) });

    public int SiteCount => Cluster.SiteCount;

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null)
    {
        var store = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions { ConnectionString = fixture.ConnectionString, SessionTimeout = TimeSpan.FromSeconds(4) },
            new ZooKeeperLockStoreOptions { RootPath = _root });
        await store.Client.WaitUntilConnectedAsync();
        var client = new MusicClient(Cluster.CreateDataStore(site), store, options);
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

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}

[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperConformanceTests(ZooKeeperEnsembleFixture fixture) : MusicConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}

[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperPartialWriteTests(ZooKeeperEnsembleFixture fixture) : PartialWriteConformanceTests
{
    private readonly ZooKeeperTestBackend _backend = new(fixture);

    protected override IMusicTestBackend Backend => _backend;

    protected override IPartialWriteFaults Faults => _backend;

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await _backend.DisposeAsync();
    }
}
