using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.InMemory;
using MusicRecipes.Locking;
using MusicRecipes.Storage;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Cassandra.Tests.Conformance;

/// <summary>
/// Conformance backends on the shared 3-node cluster: the Cassandra data store with either the Cassandra lock store
/// (cassandraLocks) or an in-memory lock service. The three "sites" are views named site-0..2 over
/// the one data centre (Cassandra 2.1 here runs one data centre; NetworkTopologyStrategy is exercised in docs, not in
/// CI). The <see cref="CassandraSiteLinks"/> say what goes through each site's own coordinator (<see cref="SiteCoordinators"/>,
/// which the backend owns) and so which faults it has: a cut or stall needs every link of the site's clients to
/// the lock service to go through the site, a partial write needs the site's data to. The lock session timeout is the
/// Cassandra lock sessions' lease. A client's process cannot be crashed here.
/// </summary>
public sealed class CassandraTestBackend : IMusicTestBackend
{
    private readonly CassandraClusterFixture _fixture;
    private readonly bool _cassandraLocks;
    private readonly CassandraSiteLinks _links;
    private readonly TimeSpan? _lockSessionTimeout;
    private readonly Dictionary<IMusicClient, (ILockStore Locks, int Site)> _clients = new();
    private readonly Lazy<Task> _schema;
    private readonly Lazy<Task> _lockSchema;
    private readonly SiteCoordinators? _sites;
    private readonly CassandraPartialWrites _partialWrites;

    /// <summary>The in-memory lock service the clients use unless the backend has Cassandra locks.</summary>
    private readonly InMemoryMusicCluster _lockService = new(sites: 3, new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromMilliseconds(1500) });

    public CassandraTestBackend(CassandraClusterFixture fixture, bool cassandraLocks, CassandraSiteLinks links = CassandraSiteLinks.Shared, TimeSpan? lockSessionTimeout = null)
    {
        _fixture = fixture;
        _cassandraLocks = cassandraLocks;
        _links = links;
        _lockSessionTimeout = lockSessionTimeout;
        _schema = new(() => CassandraDataStore.CreateAsync(fixture.Session, DataOptions(0)));
        _lockSchema = new(() => CreateLockTablesAsync(fixture.Session, lockSessionTimeout));
        _sites = links == CassandraSiteLinks.Shared ? null : new SiteCoordinators(fixture);
        _partialWrites = new CassandraPartialWrites(fixture);
    }

    public int SiteCount => 3;

    public MusicTestBackendFaults Faults
    {
        get
        {
            var faults = MusicTestBackendFaults.ExpireSession;
            if (_sites is not null)
            {
                faults |= MusicTestBackendFaults.PartialWrite;
            }

            // In-memory locks are cut with the site; Cassandra locks only when their sessions go through it.
            if (_sites is not null && (!_cassandraLocks || _links == CassandraSiteLinks.DataAndLocks))
            {
                faults |= MusicTestBackendFaults.CutOff | MusicTestBackendFaults.Stall;
            }

            return faults;
        }
    }

    public async Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null)
    {
        var data = await DataStoreAsync(site);
        var locks = await CreateLockStoreAsync(site);
        var client = new MusicClient(data, decorateLocks is null ? locks : decorateLocks(locks), options);
        lock (_clients)
        {
            _clients[client] = (locks, site);
        }

        return client;
    }

    public async Task<IDataStore> CreateDataStoreAsync(int site) => await DataStoreAsync(site);

    public async Task<ILockStore> CreateLockStoreAsync(int site) => _cassandraLocks
        ? new CassandraLockStore(await LockSessionOfAsync(site), LockOptions(_lockSessionTimeout))
        : _lockService.CreateLockStore(site);

    public Task ExpireSessionAsync(IMusicClient client) => ExpireSessionAsync(ClientOf(client).Locks);

    /// <summary>Cassandra locks: the session row goes, as its lease running out would (a store that has not opened its session yet has nothing to expire).</summary>
    public Task ExpireSessionAsync(ILockStore lockStore)
    {
        if (lockStore is CassandraLockStore cassandra)
        {
            return CassandraLockStoreTestBackend.ExpireSessionAsync(_fixture.Session, cassandra);
        }

        _lockService.ExpireSession(lockStore);
        return Task.CompletedTask;
    }

    public Task CrashAsync(IMusicClient client) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Crash);

    /// <summary>
    /// Cuts the site's clients off: the in-memory lock service as the in-memory cluster does it, and the site's
    /// Cassandra access by cutting the proxy to its coordinator. Only the client side is cut — the nodes keep
    /// replicating among themselves — so the site loses quorum and locks while the other sites go on, and nothing the cut
    /// site sees is wrong: a request cut after it was sent is a timeout (outcome unknown), one refused before it is
    /// unavailable (nothing written), as MUSIC's error model requires.
    /// </summary>
    public Task CutOffAsync(int site)
    {
        MusicTestBackendNotSupportedException.ThrowIfLacking(this, MusicTestBackendFaults.CutOff);
        _lockService.CutOff(site);
        _sites!.Cut(site);
        return Task.CompletedTask;
    }

    public Task HealAsync(int site) => ReconnectAsync(site, MusicTestBackendFaults.CutOff);

    /// <summary>Stalls the site's coordinator links (and cuts its in-memory lock links, which is silent already).</summary>
    public Task StallAsync(int site)
    {
        MusicTestBackendNotSupportedException.ThrowIfLacking(this, MusicTestBackendFaults.Stall);
        _lockService.CutOff(site);
        _sites!.Stall(site);
        return Task.CompletedTask;
    }

    /// <summary>A healed proxy delivers what it held back.</summary>
    public Task EndStallAsync(int site) => ReconnectAsync(site, MusicTestBackendFaults.Stall);

    /// <summary>See <see cref="CassandraPartialWrites"/>: the writer's own coordinator is left alone, the other nodes freeze.</summary>
    public Task ArmPartialWriteAsync(IMusicClient writer)
    {
        MusicTestBackendNotSupportedException.ThrowIfLacking(this, MusicTestBackendFaults.PartialWrite);
        return _partialWrites.ArmAsync(ClientOf(writer).Site);
    }

    public Task RecoverFromPartialWriteAsync()
    {
        MusicTestBackendNotSupportedException.ThrowIfLacking(this, MusicTestBackendFaults.PartialWrite);
        return _partialWrites.RecoverAsync();
    }

    /// <summary>The clients are disposed first (they use the sessions); the nodes are the fixture's.</summary>
    public async ValueTask DisposeAsync()
    {
        await _lockService.DisposeAsync();
        if (_sites is not null)
        {
            await _sites.DisposeAsync();
        }
    }

    /// <summary>A cut and a stall end alike: the site's proxy heals and its in-memory lock links come back.</summary>
    private Task ReconnectAsync(int site, MusicTestBackendFaults fault)
    {
        MusicTestBackendNotSupportedException.ThrowIfLacking(this, fault);
        _sites!.Heal(site);
        _lockService.Heal(site);
        return Task.CompletedTask;
    }

    private (ILockStore Locks, int Site) ClientOf(IMusicClient client)
    {
        lock (_clients)
        {
            return _clients[client];
        }
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
        if (_links != CassandraSiteLinks.DataAndLocks)
        {
            return _fixture.Session;
        }

        await _lockSchema.Value;
        return await _sites!.SessionOfAsync(site);
    }

    private async Task<CassandraDataStore> DataStoreAsync(int site) => new(await SessionOfAsync(site), DataOptions(site));

    private async Task<CqlSession> SessionOfAsync(int site)
    {
        if (_sites is null)
        {
            return _fixture.Session;
        }

        // A site's session knows only its own coordinator, so its schema agreement covers that node alone, and two
        // sites creating the table at once on different coordinators could race ("Column family ID mismatch"). So
        // the table is created first, once, through the shared session, which waits for every node.
        await _schema.Value;
        return await _sites!.SessionOfAsync(site);
    }

    private static CassandraDataStoreOptions DataOptions(int site) => new()
    {
        Keyspace = "conformance",
        Table = "music_data",
        Site = InMemoryMusicCluster.SiteName(site),
    };
}
