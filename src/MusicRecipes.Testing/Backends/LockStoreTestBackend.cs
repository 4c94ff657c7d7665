using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Testing.Backends;

/// <summary>
/// A backend of bare lock-store sessions and nothing else — what a suite of <see cref="ILockStore"/> obligations
/// needs of a lock service it checks below any MUSIC client: how to open a session, and how to end one from outside.
/// One site; the only fault is <see cref="MusicTestBackendFaults.ExpireSession"/>; clients, data stores and every other
/// fault throw <see cref="MusicTestBackendNotSupportedException"/>.
/// </summary>
/// <param name="name">What the backend is, for messages (for example "ZooKeeper lock store over TLS").</param>
/// <param name="openStore">Opens a new lock-store session; the caller disposes it.</param>
/// <param name="expireSession">Ends a session <paramref name="openStore"/> opened, as the lock service would.</param>
/// <example>
/// <code>
/// IMusicTestBackend backend = new LockStoreTestBackend(
///     "ZooKeeper lock store",
///     async () =&gt;
///     {
///         var store = ZooKeeperLockStore.Create(new ZooKeeperClientOptions { ConnectionString = ensemble.ConnectionString });
///         await store.Client.WaitUntilConnectedAsync();
///         return store;
///     },
///     store =&gt; ensemble.ExpireSessionAsync(((ZooKeeperLockStore)store).Client));
/// await using var store = await backend.CreateLockStoreAsync(site: 0);
/// </code>
/// </example>
public sealed class LockStoreTestBackend(string name, Func<Task<ILockStore>> openStore, Func<ILockStore, Task> expireSession) : IMusicTestBackend
{
    private readonly Func<Task<ILockStore>> _openStore = openStore ?? throw new ArgumentNullException(nameof(openStore));
    private readonly Func<ILockStore, Task> _expireSession = expireSession ?? throw new ArgumentNullException(nameof(expireSession));

    /// <summary>One site: a lock store's sessions have no place of their own here.</summary>
    public int SiteCount => 1;

    /// <inheritdoc />
    public MusicTestBackendFaults Faults => MusicTestBackendFaults.ExpireSession;

    /// <inheritdoc />
    public Task<ILockStore> CreateLockStoreAsync(int site)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(site, 0);
        return _openStore();
    }

    /// <inheritdoc />
    public Task ExpireSessionAsync(ILockStore lockStore) => _expireSession(lockStore);

    /// <summary>Throws: this backend has lock stores only.</summary>
    public Task<IMusicClient> CreateClientAsync(int site, MusicClientOptions? options = null, Func<ILockStore, ILockStore>? decorateLocks = null) =>
        throw new MusicTestBackendNotSupportedException(this, "create MUSIC clients (it offers bare lock stores only)");

    /// <summary>Throws: this backend has lock stores only.</summary>
    public Task<IDataStore> CreateDataStoreAsync(int site) =>
        throw new MusicTestBackendNotSupportedException(this, "create data stores (it offers bare lock stores only)");

    /// <summary>Throws: this backend creates no clients, so none of its own can be expired.</summary>
    public Task ExpireSessionAsync(IMusicClient client) =>
        throw new MusicTestBackendNotSupportedException(this, "expire a client's session (it offers bare lock stores only)");

    /// <summary>Throws: not a fault of this backend.</summary>
    public Task CrashAsync(IMusicClient client) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Crash);

    /// <summary>Throws: not a fault of this backend.</summary>
    public Task CutOffAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.CutOff);

    /// <summary>Throws: not a fault of this backend.</summary>
    public Task HealAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.CutOff);

    /// <summary>Throws: not a fault of this backend.</summary>
    public Task StallAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Stall);

    /// <summary>Throws: not a fault of this backend.</summary>
    public Task EndStallAsync(int site) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.Stall);

    /// <summary>Throws: not a fault of this backend.</summary>
    public Task ArmPartialWriteAsync(IMusicClient writer) => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.PartialWrite);

    /// <summary>Throws: not a fault of this backend.</summary>
    public Task RecoverFromPartialWriteAsync() => throw new MusicTestBackendNotSupportedException(this, MusicTestBackendFaults.PartialWrite);

    /// <summary>Nothing to release: the stores belong to whoever opened them, and the servers to their fixture.</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <inheritdoc />
    public override string ToString() => name;
}
