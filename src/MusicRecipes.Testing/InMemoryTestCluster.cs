using MusicRecipes.InMemory;
using MusicRecipes.Locking;
using MusicRecipes.Storage;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Testing;

/// <summary>
/// An <see cref="InMemoryMusicCluster"/> as an <see cref="IMusicTestBackend"/>: every fault of the test kit, injected
/// for real into the simulated sites (<see cref="CassandraTestCluster"/> and <see cref="ZooKeeperTestEnsemble"/> inject
/// the same faults into real servers). Suites run on it as on any backend; derive from it to fix its options.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyInMemoryBackend() : InMemoryTestCluster(new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(2) });
///
/// await using var backend = new MyInMemoryBackend();
/// var client = await backend.CreateClientAsync(site: 0);
/// await backend.CutOffAsync(2);
/// await backend.ExpireSessionAsync(client);
/// </code>
/// </example>
public class InMemoryTestCluster : IMusicTestBackend
{
    /// <summary>Creates a 3-site cluster with <paramref name="options"/>.</summary>
    public InMemoryTestCluster(InMemoryClusterOptions options, int sites = 3)
    {
        Cluster = new InMemoryMusicCluster(sites, options);
    }

    /// <summary>The simulated cluster.</summary>
    public InMemoryMusicCluster Cluster { get; }

    /// <summary>The number of sites.</summary>
    public int SiteCount => Cluster.SiteCount;

    /// <summary>Every fault of the kit: the simulated sites have them all.</summary>
    public MusicTestBackendFaults Faults =>
        MusicTestBackendFaults.ExpireSession | MusicTestBackendFaults.Crash | MusicTestBackendFaults.CutOff | MusicTestBackendFaults.Stall | MusicTestBackendFaults.PartialWrite;

    /// <summary>A client at <paramref name="site"/> with a lock session of its own, its lock store wrapped by <paramref name="decorateLocks"/> if given (for example a <see cref="MusicRecipes.Testing.Faults.PausableLockStore"/>).</summary>
    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null) =>
        Task.FromResult<IMusicClient>(decorateLocks is null ? Cluster.CreateClient(site, options) : Cluster.CreateClient(site, options, decorateLocks));

    /// <summary>A raw data-store view from <paramref name="site"/>.</summary>
    public Task<IDataStore> CreateDataStoreAsync(int site) => Task.FromResult(Cluster.CreateDataStore(site));

    /// <summary>A bare lock-store session at <paramref name="site"/>.</summary>
    public Task<ILockStore> CreateLockStoreAsync(int site) => Task.FromResult(Cluster.CreateLockStore(site));

    /// <summary>Expires the client's lock session now.</summary>
    public Task ExpireSessionAsync(IMusicClient client)
    {
        Cluster.ExpireSession(client);
        return Task.CompletedTask;
    }

    /// <summary>Expires the session of a store from <see cref="CreateLockStoreAsync"/> now.</summary>
    public Task ExpireSessionAsync(ILockStore lockStore)
    {
        Cluster.ExpireSession(lockStore);
        return Task.CompletedTask;
    }

    /// <summary>The client's process dies (see <see cref="InMemoryMusicCluster.Crash"/>).</summary>
    public Task CrashAsync(IMusicClient client)
    {
        Cluster.Crash(client);
        return Task.CompletedTask;
    }

    /// <summary>Cuts <paramref name="site"/> off from the others.</summary>
    public Task CutOffAsync(int site)
    {
        Cluster.CutOff(site);
        return Task.CompletedTask;
    }

    /// <summary>Heals the cut of <paramref name="site"/>.</summary>
    public Task HealAsync(int site)
    {
        Cluster.Heal(site);
        return Task.CompletedTask;
    }

    /// <summary>An in-memory cut is silent already: no connection exists to be closed, calls just fail to arrive.</summary>
    public Task StallAsync(int site) => CutOffAsync(site);

    /// <summary>Ends the stall of <paramref name="site"/>.</summary>
    public Task EndStallAsync(int site) => HealAsync(site);

    /// <summary>The next critical put of <paramref name="writer"/> reaches one replica only and times out.</summary>
    public Task ArmPartialWriteAsync(IMusicClient writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Cluster.FailNextCriticalWrite(int.Parse(writer.Site.AsSpan("site-".Length), System.Globalization.CultureInfo.InvariantCulture), replicas: 1);
        return Task.CompletedTask;
    }

    /// <summary>Nothing to undo after a partial write in memory.</summary>
    public Task RecoverFromPartialWriteAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Cluster.DisposeAsync();
    }
}
