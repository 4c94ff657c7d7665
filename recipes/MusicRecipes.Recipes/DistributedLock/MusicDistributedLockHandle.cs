using Medallion.Threading;
using MusicRecipes.Locking;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes;

/// <summary>
/// A held <see cref="MusicDistributedLock"/> (or read or write lock of a <see cref="MusicDistributedReaderWriterLock"/>, or
/// ticket of a <see cref="MusicDistributedSemaphore"/>): dispose it to release. Besides DistributedLock's
/// <see cref="HandleLostToken"/> it carries the hold's <see cref="FencingToken"/> and the MUSIC critical operations on the
/// lock's own key (<see cref="GetAsync"/>, <see cref="PutAsync"/>), so the value the lock protects can live with it.
/// </summary>
/// <remarks>
/// <para><see cref="HandleLostToken"/> fires when the hold is lost — the lock session expired or its client-side lease ran
/// out, the ticket was forcibly released, or the hold lease ran out — and no later than the moment any other client can
/// acquire the lock (rule 6 of docs/design.md). It does not fire on a normal release. After disposal reading it throws
/// <see cref="ObjectDisposedException"/>, as DistributedLock's handles do.</para>
/// <para>Disposing releases the lock; disposing again does nothing. When the lock service cannot confirm the release of a
/// hold that is still valid, the disposal throws (a <see cref="MusicException"/>); the client keeps removing the ticket
/// in the background, and disposing again retries. Releasing a hold that was already lost needs nothing and does not throw.</para>
/// </remarks>
/// <example>
/// <code>
/// await using var handle = await @lock.AcquireAsync(cancellationToken: ct);
/// using var work = CancellationTokenSource.CreateLinkedTokenSource(ct, handle.HandleLostToken);
/// await payments.ChargeAsync(order, fence: handle.FencingToken.Value, work.Token);
/// await handle.PutStringAsync("charged", work.Token);
/// </code>
/// </example>
public sealed class MusicDistributedLockHandle : IDistributedSynchronizationHandle
{
    private readonly MusicCriticalSection _section;
    private volatile bool _disposed;

    internal MusicDistributedLockHandle(string name, string key, MusicCriticalSection section, IMusicClient client)
    {
        Name = name;
        Key = key;
        _section = section;
        Client = client;
    }

    /// <summary>The name of the lock, reader-writer lock or semaphore this handle holds.</summary>
    public string Name { get; }

    /// <summary>The MUSIC key the lock locks (and whose value <see cref="GetAsync"/> and <see cref="PutAsync"/> read and write).</summary>
    public string Key { get; }

    /// <summary>
    /// How the hold shares its key: exclusive for a lock or a write lock (it may read and write the value), shared for a
    /// read lock (it may read), permits for a semaphore ticket (it locks no value).
    /// </summary>
    public TicketMode Mode => LockRef.Mode;

    /// <summary>Fires when the hold is lost (see the remarks); never on a normal release.</summary>
    /// <exception cref="ObjectDisposedException">The handle was disposed.</exception>
    public CancellationToken HandleLostToken => _disposed ? throw new ObjectDisposedException(nameof(MusicDistributedLockHandle)) : _section.LostToken;

    /// <summary>The hold's fencing token: strictly larger for every later holder of the lock. Hand it to the systems the holder writes to.</summary>
    public FencingToken FencingToken => _section.FencingToken;

    /// <summary>True while the hold is valid: not lost, not released. Read against the clock (a paused process sees its loss at once).</summary>
    public bool IsHeld => _section.IsHeld;

    /// <summary>Why the hold was lost, or <c>null</c>.</summary>
    public LockLossReason? LossReason => _section.LossReason;

    /// <summary>The MUSIC ticket behind the hold, for direct <see cref="IMusicStore"/> calls.</summary>
    public LockRef LockRef => _section.LockRef;

    private IMusicClient Client { get; }

    /// <summary>Critical read (QUORUM, newest wins) of the lock's value; <c>null</c> when it has none.</summary>
    /// <exception cref="LockLostException">The hold was lost or released.</exception>
    /// <exception cref="LockNotHeldException">A semaphore ticket, which locks no value.</exception>
    public Task<byte[]?> GetAsync(CancellationToken cancellationToken = default) => Client.CriticalGetAsync(LockRef, Key, cancellationToken);

    /// <summary>Critical write (QUORUM, fencing timestamp) of the lock's value: no earlier holder's write can overtake it.</summary>
    /// <exception cref="LockLostException">The hold was lost or released.</exception>
    /// <exception cref="LockNotHeldException">A read lock or a semaphore ticket, which may not write.</exception>
    public Task PutAsync(byte[] value, CancellationToken cancellationToken = default) => Client.CriticalPutAsync(LockRef, Key, value, cancellationToken);

    /// <summary>Releases the lock (idempotent). See the remarks for a release the lock service cannot confirm.</summary>
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await _section.ReleaseAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Releases the lock, blocking the calling thread (idempotent).</summary>
    public void Dispose()
    {
        _disposed = true;
        if (!_section.IsReleased)
        {
            Task.Run(() => _section.ReleaseAsync(CancellationToken.None), CancellationToken.None).GetAwaiter().GetResult();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"MusicDistributedLockHandle({Name}, {Mode}, {FencingToken}, held: {IsHeld})";
}
