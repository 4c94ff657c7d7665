using MusicRecipes;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper;

namespace PlacementService;

/// <summary>
/// A client of the real backend: a <see cref="MusicClient"/> whose ZooKeeper session goes through proxies of its own
/// (one per ZooKeeper server), so the backend can cut its lock links alone (a crash) or with its site's (a cut-off).
/// </summary>
/// <remarks>
/// A crashed client never says goodbye: disposing it does not release its tickets or close its session (that would
/// free its locks at once, which a dead process cannot do); it only stops the client's reconnect loop, whose links
/// stay cut, so the ensemble expires the session after its timeout and only then frees the locks.
/// </remarks>
internal sealed class SiteClient(int site, MusicClient inner, ZooKeeperLockStore locks, IReadOnlyList<TcpFaultProxy> links) : IMusicClient
{
    private int _crashed;

    public int SiteIndex { get; } = site;

    public bool IsCrashed => Volatile.Read(ref _crashed) != 0;

    public string Site => inner.Site;

    public LockSessionState SessionState => inner.SessionState;

    public event EventHandler<LockSessionStateChangedEventArgs>? SessionStateChanged
    {
        add => inner.SessionStateChanged += value;
        remove => inner.SessionStateChanged -= value;
    }

    /// <summary>The process dies: its lock links are cut and stay cut.</summary>
    public void Crash()
    {
        Volatile.Write(ref _crashed, 1);
        Cut();
    }

    public void Cut()
    {
        foreach (var link in links)
        {
            link.Cut();
        }
    }

    public void Heal()
    {
        if (IsCrashed)
        {
            return;
        }

        foreach (var link in links)
        {
            link.Heal();
        }
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default) => inner.GetAsync(key, cancellationToken);

    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken = default) => inner.PutAsync(key, value, cancellationToken);

    public Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, CancellationToken cancellationToken = default) => inner.CreateLockRefAsync(keys, cancellationToken);

    public Task<LockRef> CreateLockRefAsync(IEnumerable<string> keys, MusicRecipes.Locking.TicketMode mode, CancellationToken cancellationToken = default) => inner.CreateLockRefAsync(keys, mode, cancellationToken);

    public Task<bool> AcquireLockAsync(LockRef lockRef, CancellationToken cancellationToken = default) => inner.AcquireLockAsync(lockRef, cancellationToken);

    public Task<byte[]?> CriticalGetAsync(LockRef lockRef, string key, CancellationToken cancellationToken = default) => inner.CriticalGetAsync(lockRef, key, cancellationToken);

    public Task CriticalPutAsync(LockRef lockRef, string key, byte[] value, CancellationToken cancellationToken = default) => inner.CriticalPutAsync(lockRef, key, value, cancellationToken);

    public Task ReleaseLockAsync(LockRef lockRef, CancellationToken cancellationToken = default) => inner.ReleaseLockAsync(lockRef, cancellationToken);

    public Task WaitForLockAsync(LockRef lockRef, TimeSpan timeout, CancellationToken cancellationToken = default) => inner.WaitForLockAsync(lockRef, timeout, cancellationToken);

    public Task<bool> ForceReleaseAsync(string key, CancellationToken cancellationToken = default) => inner.ForceReleaseAsync(key, cancellationToken);

    public Task<IReadOnlyList<LockQueueEntry>> GetLockQueueAsync(string key, CancellationToken cancellationToken = default) => inner.GetLockQueueAsync(key, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (IsCrashed)
        {
            // Only the client object goes: its links are cut, so no closeSession can reach the ensemble.
            await locks.Client.DisposeAsync();
        }
        else
        {
            await inner.DisposeAsync();
        }

        foreach (var link in links)
        {
            await link.DisposeAsync();
        }
    }
}
