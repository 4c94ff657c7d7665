using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Conformance;
using MusicRecipes.Cql;
using MusicRecipes.InMemory;
using MusicRecipes.Storage;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Conformance backends on the shared 3-node cluster: the Cassandra data store with either the Cassandra lock
/// store or an in-memory lock service. The three "sites" are views named site-0..2 over the one data centre
/// (Cassandra 2.1 here runs one data centre; NetworkTopologyStrategy is exercised in docs, not in CI).
/// </summary>
public sealed class CassandraTestBackend(CassandraClusterFixture fixture, bool cassandraLocks) : IMusicTestBackend, IAsyncDisposable
{
    private readonly Dictionary<IMusicClient, Func<Task>> _expirers = new();
    private readonly InMemoryMusicCluster _locks = new(sites: 3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromMilliseconds(1500) });

    public int SiteCount => 3;

    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null)
    {
        var data = DataStore(site);
        IMusicClient client;
        Func<Task> expire;
        if (cassandraLocks)
        {
            var store = new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions
            {
                Keyspace = "conformance",
                SessionTimeout = TimeSpan.FromSeconds(3),
                PollMaxDelay = TimeSpan.FromMilliseconds(100),
            });
            client = new MusicClient(data, store, options);
            expire = () => fixture.Session.ExecuteAsync(new CqlQuery($"DELETE FROM {store.SessionTable} WHERE session_id = ?", store.SessionId)
            {
                Consistency = CqlConsistency.Quorum,
            });
        }
        else
        {
            var store = new ExpirableLockStore(_locks, site);
            client = new MusicClient(data, store, options);
            expire = store.ExpireAsync;
        }

        lock (_expirers)
        {
            _expirers[client] = expire;
        }

        return Task.FromResult(client);
    }

    public Task<IDataStore> CreateDataStoreAsync(int site) => Task.FromResult<IDataStore>(DataStore(site));

    public Task ExpireSessionAsync(IMusicClient client)
    {
        Func<Task> expire;
        lock (_expirers)
        {
            expire = _expirers[client];
        }

        return expire();
    }

    public ValueTask DisposeAsync() => _locks.DisposeAsync();

    private CassandraDataStore DataStore(int site) => new(fixture.Session, new CassandraDataStoreOptions
    {
        Keyspace = "conformance",
        Table = "music_data",
        Site = InMemoryMusicCluster.SiteName(site),
    });
}
