using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using MusicRecipes.Cql;
using MusicRecipes.InMemory;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Conformance backends on the shared 3-node cluster: the Cassandra data store with either the Cassandra lock
/// store or an in-memory lock service. The three "sites" are views named site-0..2 over the one data centre
/// (Cassandra 2.1 here runs one data centre; NetworkTopologyStrategy is exercised in docs, not in CI). With
/// <paramref name="sites"/>, each site's data goes through a coordinator of its own (<see cref="SiteCoordinators"/>);
/// without, through the shared session. Cassandra locks go through the shared session too unless
/// <paramref name="locksThroughSites"/>, which puts each site's lock store on its site's coordinator as well, so a stall
/// of the site cuts its lock session. <paramref name="lockSessionTimeout"/> is the Cassandra lock sessions' lease.
/// </summary>
public sealed class CassandraTestBackend(CassandraClusterFixture fixture, bool cassandraLocks, SiteCoordinators? sites = null, TimeSpan? lockSessionTimeout = null, bool locksThroughSites = false)
    : IMusicTestBackend, ISilentPartitionFaults, IAsyncDisposable
{
    private readonly Dictionary<IMusicClient, Func<Task>> _expirers = new();
    private readonly Lazy<Task> _schema = new(() => CassandraDataStore.CreateAsync(fixture.Session, DataOptions(0)));
    private readonly Lazy<Task> _lockSchema = new(() => CreateLockTablesAsync(fixture.Session, lockSessionTimeout));

    public int SiteCount => 3;

    /// <summary>The in-memory lock service the clients use unless the backend has Cassandra locks.</summary>
    public InMemoryMusicCluster LockService { get; } = new(sites: 3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromMilliseconds(1500) });

    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null) => CreateClientAsync(site, options, locks => locks);

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options, Func<ILockStore, ILockStore> decorateLocks)
    {
        var data = await DataStoreAsync(site);
        IMusicClient client;
        Func<Task> expire;
        if (cassandraLocks)
        {
            var store = new CassandraLockStore(await LockSessionOfAsync(site), LockOptions(lockSessionTimeout));
            client = new MusicClient(data, decorateLocks(store), options);
            // A store that has not opened its session yet has nothing to expire (and maybe no table yet).
            expire = () => LockSessionRows.DeleteAsync(fixture.Session, store);
        }
        else
        {
            var store = LockService.CreateLockStore(site);
            client = new MusicClient(data, decorateLocks(store), options);
            expire = () =>
            {
                LockService.ExpireSession(store);
                return Task.CompletedTask;
            };
        }

        lock (_expirers)
        {
            _expirers[client] = expire;
        }

        return client;
    }

    public async Task<IDataStore> CreateDataStoreAsync(int site) => await DataStoreAsync(site);

    public Task ExpireSessionAsync(IMusicClient client)
    {
        Func<Task> expire;
        lock (_expirers)
        {
            expire = _expirers[client];
        }

        return expire();
    }

    public ValueTask DisposeAsync() => LockService.DisposeAsync();

    /// <summary>Stalls the site's coordinator links (and its in-memory lock links when the locks are in memory).</summary>
    public Task StallAsync(int site)
    {
        if (sites is null)
        {
            throw new InvalidOperationException("Stalling a site needs per-site coordinators.");
        }

        if (!cassandraLocks)
        {
            LockService.CutOff(site);
        }

        sites.Stall(site);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task EndStallAsync(int site)
    {
        sites?.Heal(site);
        LockService.Heal(site);
        return Task.CompletedTask;
    }

    private static CassandraLockStoreOptions LockOptions(TimeSpan? sessionTimeout) => new()
    {
        Keyspace = "conformance",
        SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(4),
        PollMaxDelay = TimeSpan.FromMilliseconds(100),
    };

    /// <summary>The lock tables, created once through the shared session (see <see cref="SessionOfAsync"/> for why).</summary>
    private static async Task CreateLockTablesAsync(CqlSession session, TimeSpan? sessionTimeout)
    {
        await using var bootstrap = new CassandraLockStore(session, LockOptions(sessionTimeout));
        await bootstrap.ReadQueueAsync("schema-bootstrap", CancellationToken.None);
    }

    private async Task<CqlSession> LockSessionOfAsync(int site)
    {
        if (!locksThroughSites || sites is null)
        {
            return fixture.Session;
        }

        await _lockSchema.Value;
        return await sites.SessionOfAsync(site);
    }

    private async Task<CassandraDataStore> DataStoreAsync(int site) => new(await SessionOfAsync(site), DataOptions(site));

    private async Task<CqlSession> SessionOfAsync(int site)
    {
        if (sites is null)
        {
            return fixture.Session;
        }

        // A site's session knows only its own coordinator, so its schema agreement covers that node alone, and two
        // sites creating the table at once on different coordinators could race ("Column family ID mismatch"). So
        // the table is created first, once, through the shared session, which waits for every node.
        await _schema.Value;
        return await sites.SessionOfAsync(site);
    }

    private static CassandraDataStoreOptions DataOptions(int site) => new()
    {
        Keyspace = "conformance",
        Table = "music_data",
        Site = InMemoryMusicCluster.SiteName(site),
    };
}
