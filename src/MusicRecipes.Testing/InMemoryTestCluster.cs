using MusicRecipes.InMemory;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Testing;

/// <summary>
/// An <see cref="InMemoryMusicCluster"/> with its faults as asynchronous calls, the shape test suites use for every
/// backend (<see cref="CassandraTestCluster"/> and <see cref="ZooKeeperTestEnsemble"/> inject the same faults into real
/// servers). Test suites derive from it and add their own backend interfaces, which these members implement.
/// </summary>
/// <example>
/// <code>
/// public sealed class MyInMemoryBackend() : InMemoryTestCluster(new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(2) }), IMySuiteBackend;
///
/// await using var backend = new MyInMemoryBackend();
/// var client = await backend.CreateClientAsync(site: 0);
/// await backend.CutOffAsync(2);
/// await backend.ExpireSessionAsync(client);
/// </code>
/// </example>
public class InMemoryTestCluster : IAsyncDisposable
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

    /// <summary>A client at <paramref name="site"/> with a lock session of its own.</summary>
    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null) =>
        Task.FromResult<IMusicClient>(Cluster.CreateClient(site, options));

    /// <summary>A client at <paramref name="site"/> whose lock store is wrapped by <paramref name="decorateLocks"/> (for example a <see cref="Faults.PausableLockStore"/>).</summary>
    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options, Func<ILockStore, ILockStore> decorateLocks) =>
        Task.FromResult<IMusicClient>(Cluster.CreateClient(site, options, decorateLocks));

    /// <summary>A raw data-store view from <paramref name="site"/>.</summary>
    public Task<IDataStore> CreateDataStoreAsync(int site) => Task.FromResult(Cluster.CreateDataStore(site));

    /// <summary>Expires the client's lock session now.</summary>
    public Task ExpireSessionAsync(IMusicClient client)
    {
        Cluster.ExpireSession(client);
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

    /// <summary>The next critical put of <paramref name="writer"/> reaches one replica only and times out.</summary>
    public Task ArmPartialWriteAsync(IMusicClient writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Cluster.FailNextCriticalWrite(int.Parse(writer.Site.AsSpan("site-".Length), System.Globalization.CultureInfo.InvariantCulture), replicas: 1);
        return Task.CompletedTask;
    }

    /// <summary>Nothing to undo after a partial write in memory.</summary>
    public Task RecoverAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return Cluster.DisposeAsync();
    }
}
