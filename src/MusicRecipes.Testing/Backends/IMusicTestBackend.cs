using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Testing.Backends;

/// <summary>
/// One backend under test, as every suite of the repository sees it — the MUSIC conformance suites, the lock-store
/// suite and the recipe suites — and as your own suites can: clients at each site, a raw data-store view, bare
/// lock-store sessions, and the faults of docs/design.md (session expiry, a crashed client, a site cut off or silently
/// stalled, a critical write that reaches only a minority).
/// </summary>
/// <remarks>
/// <para>
/// A backend need not produce every fault: <see cref="Faults"/> says which it can, and any other fault member throws
/// <see cref="MusicTestBackendNotSupportedException"/> naming the backend and the fault. A backend of bare lock-store
/// sessions (<see cref="LockStoreTestBackend"/>) likewise throws from <see cref="CreateClientAsync"/> and
/// <see cref="CreateDataStoreAsync"/>. So a suite that needs a fault fails loudly on a backend lacking it; it never
/// passes because the fault did nothing.
/// </para>
/// <para>
/// Disposing the backend releases what it owns (an in-memory cluster, proxies, sessions); servers a test fixture
/// shares between backends stay with the fixture. Clients and lock stores it handed out are the caller's to dispose,
/// before the backend.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// await using IMusicTestBackend backend = new InMemoryTestCluster(new InMemoryClusterOptions { SessionTimeout = TimeSpan.FromSeconds(3) });
/// await using var holder = await backend.CreateClientAsync(site: 0);
/// await using var waiter = await backend.CreateClientAsync(site: 1);
/// var held = await holder.CreateLockRefAsync(["job-42"]);
/// await holder.WaitForLockAsync(held, TimeSpan.FromSeconds(10));
///
/// if (backend.Faults.HasFlag(MusicTestBackendFaults.CutOff))
/// {
///     await backend.CutOffAsync(0);      // the holder's site loses the lock service
///     // ... the waiter takes over once the holder's session is gone ...
///     await backend.HealAsync(0);
/// }
/// </code>
/// </example>
public interface IMusicTestBackend : IAsyncDisposable
{
    /// <summary>The number of sites (the multi-site suites need at least 3; a backend of bare lock stores has 1).</summary>
    int SiteCount { get; }

    /// <summary>The faults this backend can produce; asking for any other throws <see cref="MusicTestBackendNotSupportedException"/>.</summary>
    MusicTestBackendFaults Faults { get; }

    /// <summary>
    /// Creates a client located at <paramref name="site"/> with a lock session of its own. With
    /// <paramref name="decorateLocks"/>, the client's lock store is wrapped by it (for example a
    /// <see cref="MusicRecipes.Testing.Faults.PausableLockStore"/> that stops the client inside the lock path); the backend's faults still
    /// reach the store underneath.
    /// </summary>
    /// <exception cref="MusicTestBackendNotSupportedException">The backend offers bare lock stores only.</exception>
    Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null);

    /// <summary>A raw data-store view from <paramref name="site"/> (to play, say, a delayed packet of an old holder).</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">The backend has no data store to show.</exception>
    Task<IDataStore> CreateDataStoreAsync(int site);

    /// <summary>A bare lock-store session at <paramref name="site"/>, below any MUSIC client; the caller disposes it.</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">The backend hands out clients only.</exception>
    Task<ILockStore> CreateLockStoreAsync(int site);

    /// <summary>Ends the lock session of <paramref name="client"/> from outside, as the lock service does when it stops hearing from it.</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.ExpireSession"/>.</exception>
    Task ExpireSessionAsync(IMusicClient client);

    /// <summary>Ends the session of a store from <see cref="CreateLockStoreAsync"/> from outside, as the lock service would.</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.ExpireSession"/>.</exception>
    Task ExpireSessionAsync(ILockStore lockStore);

    /// <summary>
    /// The client's process dies: it makes no more calls and sends no heartbeats; its locks are not released and its
    /// session expires after the timeout.
    /// </summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.Crash"/>.</exception>
    Task CrashAsync(IMusicClient client);

    /// <summary>Cuts <paramref name="site"/> off from the others: its clients lose quorum and the lock service, and their calls fail.</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.CutOff"/>.</exception>
    Task CutOffAsync(int site);

    /// <summary>Heals the cut of <paramref name="site"/>.</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.CutOff"/>.</exception>
    Task HealAsync(int site);

    /// <summary>
    /// Partitions <paramref name="site"/> silently: its connections stay open but nothing gets through either way, so
    /// each end learns of the partition only from its own timeouts — the hard case for telling a holder of its loss
    /// before anyone else can acquire (rule 6 of docs/design.md).
    /// </summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.Stall"/>.</exception>
    Task StallAsync(int site);

    /// <summary>Ends the stall of <paramref name="site"/>; what was held back is delivered.</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.Stall"/>.</exception>
    Task EndStallAsync(int site);

    /// <summary>The next critical put of <paramref name="writer"/> lands on a minority of replicas and throws <see cref="MusicTimeoutException"/>.</summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.PartialWrite"/>.</exception>
    Task ArmPartialWriteAsync(IMusicClient writer);

    /// <summary>
    /// Undoes whatever an armed partial write needed (resumes paused nodes, and so on) once the failed write returned;
    /// on a backend with <see cref="MusicTestBackendFaults.PartialWrite"/> it does nothing when nothing is armed, so a
    /// partial-write suite may call it on the way out of any of its tests.
    /// </summary>
    /// <exception cref="MusicTestBackendNotSupportedException">No <see cref="MusicTestBackendFaults.PartialWrite"/>.</exception>
    Task RecoverFromPartialWriteAsync();
}
