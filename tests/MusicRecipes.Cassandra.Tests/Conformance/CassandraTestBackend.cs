using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using MusicRecipes.Cql;
using MusicRecipes.InMemory;
using MusicRecipes.Storage;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Conformance backends on the shared 3-node cluster: the Cassandra data store with either the Cassandra lock
/// store or an in-memory lock service. The three "sites" are views named site-0..2 over the one data centre
/// (Cassandra 2.1 here runs one data centre; NetworkTopologyStrategy is exercised in docs, not in CI). With
/// <paramref name="sites"/>, each site's data goes through a coordinator of its own (<see cref="SiteCoordinators"/>);
/// without, through the shared session (as Cassandra locks always do). <paramref name="lockSessionTimeout"/> is the
/// Cassandra lock sessions' lease.
/// </summary>
public sealed class CassandraTestBackend(CassandraClusterFixture fixture, bool cassandraLocks, SiteCoordinators? sites = null, TimeSpan? lockSessionTimeout = null)
    : IMusicTestBackend, IAsyncDisposable
{
    private readonly Dictionary<IMusicClient, Func<Task>> _expirers = new();
    private readonly Lazy<Task> _schema = new(() => CassandraDataStore.CreateAsync(fixture.Session, DataOptions(0)));

    public int SiteCount => 3;

    /// <summary>The in-memory lock service the clients use unless the backend has Cassandra locks.</summary>
    public InMemoryMusicCluster LockService { get; } = new(sites: 3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromMilliseconds(1500) });

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null)
    {
        var data = await DataStoreAsync(site);
        IMusicClient client;
        Func<Task> expire;
        if (cassandraLocks)
        {
            var store = new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions
            {
                Keyspace = "conformance",
                SessionTimeout = lockSessionTimeout ?? TimeSpan.FromSeconds(3),
                PollMaxDelay = TimeSpan.FromMilliseconds(100),
            });
            client = new MusicClient(data, store, options);
            // A store that has not opened its session yet has nothing to expire (and maybe no table yet).
            expire = () => store.SessionId is not { } id ? Task.CompletedTask : fixture.Session.ExecuteAsync(new CqlQuery($"DELETE FROM {store.SessionTable} WHERE session_id = ?", id)
            {
                Consistency = CqlConsistency.Quorum,
            });
        }
        else
        {
            var store = new ExpirableLockStore(LockService, site);
            client = new MusicClient(data, store, options);
            expire = store.ExpireAsync;
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
