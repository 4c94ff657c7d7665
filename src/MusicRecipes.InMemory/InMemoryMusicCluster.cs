using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.InMemory;

/// <summary>
/// The embedded default backend: N simulated sites in one process, each with its own replica of the data, and one
/// linearizable lock service with expiring sessions. Consistency levels really touch that many replicas, writes
/// carry timestamps and the newest wins, eventual writes reach other sites in the background — so the MUSIC
/// algorithms run here exactly as they run on Cassandra and ZooKeeper. Faults can be injected for tests.
/// </summary>
/// <example>
/// <code>
/// await using var cluster = new InMemoryMusicCluster(sites: 3);
/// await using var paris = cluster.CreateClient(site: 0);
/// await using var tokyo = cluster.CreateClient(site: 1);
/// await paris.PutStringAsync("greeting", "bonjour");        // eventual, local to site-0
/// cluster.CutOff(2);                                          // site-2 is partitioned away
/// var lockRef = await tokyo.CreateLockRefAsync(new[] { "counter" });
/// await tokyo.WaitForLockAsync(lockRef, TimeSpan.FromSeconds(5));
/// await tokyo.CriticalPutStringAsync(lockRef, "counter", "1"); // a majority (sites 0 and 1) has it
/// await tokyo.ReleaseLockAsync(lockRef);
/// cluster.Heal(2);
/// </code>
/// </example>
public sealed class InMemoryMusicCluster : IAsyncDisposable
{
    private readonly InMemoryClusterOptions _options;
    private readonly Replica[] _replicas;
    private readonly SiteNetwork _network;
    private readonly ReplicationCoordinator _coordinator;
    private readonly InMemoryLockService _lockService;
    private readonly ConditionalWeakTable<IMusicClient, ClientParts> _clients = new();

    /// <summary>Creates a cluster of <paramref name="sites"/> sites (1 to 15).</summary>
    public InMemoryMusicCluster(int sites = 3, InMemoryClusterOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sites, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sites, 15);
        _options = options ?? new InMemoryClusterOptions();
        _options.Validate();
        _replicas = Enumerable.Range(0, sites).Select(site => new Replica(site)).ToArray();
        _network = new SiteNetwork(sites, _options.TimeProvider) { Latency = _options.InterSiteLatency };
        _coordinator = new ReplicationCoordinator(_replicas, _network, _options);
        _lockService = new InMemoryLockService(_options);
    }

    /// <summary>The number of sites.</summary>
    public int SiteCount => _replicas.Length;

    /// <summary>The round-trip time between two sites; may be changed while running.</summary>
    public TimeSpan InterSiteLatency
    {
        get => _network.Latency;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            _network.Latency = value;
        }
    }

    /// <summary>Inter-site round trips made on callers' paths so far (quorum operations and lock-service calls; background replication is not counted).</summary>
    public long InterSiteRoundTrips => _network.RoundTrips;

    /// <summary>The name of site <paramref name="site"/>: <c>site-N</c>.</summary>
    public static string SiteName(int site) => $"site-{site}";

    /// <summary>Creates a client located at <paramref name="site"/>, with its own lock session.</summary>
    public MusicClient CreateClient(int site, MusicClientOptions? options = null, ILogger<MusicClient>? logger = null)
    {
        var parts = CreateParts(site);
        var client = new MusicClient(parts.Data, parts.Locks, options, logger);
        _clients.Add(client, parts);
        return client;
    }

    /// <summary>
    /// Creates a client located at <paramref name="site"/> whose lock store is wrapped by <paramref name="decorateLocks"/>
    /// (a fault-injecting or tracing wrapper); the cluster's faults (<see cref="ExpireSession(IMusicClient)"/>, <see cref="Crash"/>)
    /// still reach it.
    /// </summary>
    public MusicClient CreateClient(int site, MusicClientOptions? options, Func<ILockStore, ILockStore> decorateLocks)
    {
        ArgumentNullException.ThrowIfNull(decorateLocks);
        var parts = CreateParts(site);
        var client = new MusicClient(parts.Data, decorateLocks(parts.Locks), options);
        _clients.Add(client, parts);
        return client;
    }

    /// <summary>A data-store view from <paramref name="site"/>, to combine with another lock store (for example ZooKeeper).</summary>
    public IDataStore CreateDataStore(int site)
    {
        CheckSite(site);
        return new InMemoryDataStore(site, _coordinator, _options, new ClientLiveness());
    }

    /// <summary>A lock-store session from <paramref name="site"/>, to combine with another data store (for example Cassandra).</summary>
    public ILockStore CreateLockStore(int site)
    {
        CheckSite(site);
        return new InMemoryLockStore(site, _lockService, _network, new ClientLiveness(), _options);
    }

    /// <summary>Fault: cuts <paramref name="site"/> off from every other site. Its clients keep their local replica (eventual operations) but lose quorum and the lock service; their sessions expire after the session timeout.</summary>
    public void CutOff(int site)
    {
        CheckSite(site);
        _network.SetCutOff(site, true);
    }

    /// <summary>Heals a cut: the site rejoins, and writes it missed are replayed from hints.</summary>
    public void Heal(int site)
    {
        CheckSite(site);
        _network.SetCutOff(site, false);
        _coordinator.ReplayHints();
    }

    /// <summary>Heals every cut.</summary>
    public void HealAll()
    {
        for (var site = 0; site < SiteCount; site++)
        {
            Heal(site);
        }
    }

    /// <summary>Fault: the replica at <paramref name="site"/> silently drops incoming writes (and never acknowledges them).</summary>
    public void DropWrites(int site, bool drop = true)
    {
        CheckSite(site);
        _replicas[site].DropWrites = drop;
    }

    /// <summary>Fault: the replica at <paramref name="site"/> applies and acknowledges incoming writes only after <paramref name="delay"/>.</summary>
    public void DelayWrites(int site, TimeSpan delay)
    {
        CheckSite(site);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        _replicas[site].WriteDelay = delay;
    }

    /// <summary>
    /// Fault: the next QUORUM write coordinated at <paramref name="site"/> reaches only <paramref name="replicas"/>
    /// replica(s) (fewer than a majority; the local one first) and then fails with <see cref="MusicTimeoutException"/>.
    /// </summary>
    public void FailNextCriticalWrite(int site, int replicas = 1)
    {
        CheckSite(site);
        _coordinator.ArmPartialWrite(site, replicas);
    }

    /// <summary>
    /// Fault: expires the lock session of <paramref name="client"/> now, as Curator's KillSession does with ZooKeeper: the
    /// client's connection is taken over (its session reads Suspended at once), the session is closed (its tickets leave
    /// every queue, their keys left unsynced), and the client hears of the expiry a moment later.
    /// </summary>
    public void ExpireSession(IMusicClient client) => PartsOf(client).Locks.ExpireNow();

    /// <summary>Fault: expires the session of a lock store made by <see cref="CreateLockStore"/>, as <see cref="ExpireSession(IMusicClient)"/> does.</summary>
    public void ExpireSession(ILockStore lockStore)
    {
        ArgumentNullException.ThrowIfNull(lockStore);
        var store = lockStore as InMemoryLockStore ?? throw new ArgumentException("The lock store was not created by this cluster.", nameof(lockStore));
        store.ExpireNow();
    }

    /// <summary>
    /// Fault: the client's process crashes: every later call fails, it sends no more heartbeats, and its session
    /// expires after the session timeout — its locks are not released.
    /// </summary>
    public void Crash(IMusicClient client) => PartsOf(client).Liveness.Crash();

    /// <summary>What the replica at <paramref name="site"/> holds for <paramref name="key"/> (for tests and checkers).</summary>
    public StoredValue? ReadReplica(int site, string key)
    {
        CheckSite(site);
        return _replicas[site].Read(key);
    }

    /// <summary>Waits until background replication and hints are delivered (hints to cut-off sites wait for the heal).</summary>
    public async Task WaitForReplicationAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (!_coordinator.IsIdle)
        {
            // A test aid, not a lock wait: replication has no completion event to wait on.
            await Task.Delay(5, deadline.Token).ConfigureAwait(false);
            _coordinator.ReplayHints();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _coordinator.Shutdown();
        _lockService.Dispose();
        return ValueTask.CompletedTask;
    }

    private ClientParts CreateParts(int site)
    {
        CheckSite(site);
        var liveness = new ClientLiveness();
        return new ClientParts(
            new InMemoryDataStore(site, _coordinator, _options, liveness),
            new InMemoryLockStore(site, _lockService, _network, liveness, _options),
            liveness);
    }

    private ClientParts PartsOf(IMusicClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return _clients.TryGetValue(client, out var parts)
            ? parts
            : throw new ArgumentException("The client was not created by this cluster.", nameof(client));
    }

    private void CheckSite(int site)
    {
        if ((uint)site >= (uint)SiteCount)
        {
            throw new ArgumentOutOfRangeException(nameof(site), site, $"The cluster has sites 0 to {SiteCount - 1}.");
        }
    }

    private sealed record ClientParts(InMemoryDataStore Data, InMemoryLockStore Locks, ClientLiveness Liveness);
}
