using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Conformance;

/// <summary>
/// What the conformance suites need from a backend: clients at each site, a raw data-store view, and session
/// expiry. One implementation per backend combination (a test fixture), shared by the suite's tests, so every
/// test uses keys of its own (<see cref="ConformanceKeys"/>).
/// </summary>
public interface IMusicTestBackend
{
    /// <summary>The number of sites (at least 3 for the multi-site tests).</summary>
    int SiteCount { get; }

    /// <summary>Creates a client located at <paramref name="site"/> with a lock session of its own.</summary>
    Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null);

    /// <summary>
    /// Creates a client at <paramref name="site"/> whose lock store is wrapped by <paramref name="decorateLocks"/> (for
    /// example a <c>PausableLockStore</c> that stops the client inside the lock path); the backend's faults still reach it.
    /// </summary>
    Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options, Func<ILockStore, ILockStore> decorateLocks);

    /// <summary>A raw data-store view from <paramref name="site"/> (to play a delayed packet of an old holder).</summary>
    Task<IDataStore> CreateDataStoreAsync(int site);

    /// <summary>Expires the lock session of <paramref name="client"/> as the lock service would.</summary>
    Task ExpireSessionAsync(IMusicClient client);
}
