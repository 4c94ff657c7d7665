namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>
/// What the recipe suites need from a backend: clients at each site and the faults of docs/design.md §2 (session expiry,
/// a crashed client, a site cut off). One implementation per backend (in-memory; Cassandra data with ZooKeeper locks; Cassandra data and locks),
/// each suite is an abstract class whose one-line subclass names the backend.
/// </summary>
public interface IRecipeTestBackend : IAsyncDisposable
{
    /// <summary>The number of sites (at least 3).</summary>
    int SiteCount { get; }

    /// <summary>Creates a client located at <paramref name="site"/> with a lock session of its own.</summary>
    Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null);

    /// <summary>Expires the lock session of <paramref name="client"/> now, as the lock service would.</summary>
    Task ExpireSessionAsync(IMusicClient client);

    /// <summary>The client's process dies: it makes no more calls and sends no heartbeats; its locks are not released, its session expires after the timeout.</summary>
    Task CrashAsync(IMusicClient client);

    /// <summary>Cuts <paramref name="site"/> off from the other sites (its clients lose quorum and the lock service).</summary>
    Task CutOffAsync(int site);

    /// <summary>Heals the cut.</summary>
    Task HealAsync(int site);
}
