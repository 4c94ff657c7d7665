using Medallion.Threading;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;
using MusicRecipes.Recipes.DistributedLock;

namespace MusicRecipes;

/// <summary>
/// DistributedLock's <see cref="IDistributedReaderWriterLock"/> on MUSIC: read locks are shared MUSIC tickets and write
/// locks exclusive ones in the same FIFO queue of one key (<see cref="TicketMode"/>), as Curator's
/// <c>InterProcessReadWriteLock</c> keeps both in one ZooKeeper directory. Readers hold together; a writer holds alone;
/// a reader that arrives after a queued writer waits for it, so writers never starve. Create it with
/// <see cref="MusicDistributedSynchronizationProvider.CreateReaderWriterLock"/>.
/// </summary>
/// <remarks>
/// The write lock's handle reads and writes the value under the key (critical operations, fenced); a read lock's handle
/// reads it (the latest value, as a writer would) and may not write. Not upgradeable: see
/// docs/recipes/reader-writer-and-semaphore.md for why.
/// </remarks>
/// <example>
/// <code>
/// var prices = provider.CreateReaderWriterLock("price-list");
/// await using (var read = await prices.AcquireReadLockAsync(TimeSpan.FromSeconds(5), ct))
/// {
///     var list = await read.GetStringAsync(ct);
/// }
/// await using (var write = await prices.AcquireWriteLockAsync(cancellationToken: ct))
/// {
///     await write.PutStringAsync(newList, ct);
/// }
/// </code>
/// </example>
public sealed class MusicDistributedReaderWriterLock : IDistributedReaderWriterLock
{
    private readonly DistributedHoldAcquirer _readers;
    private readonly DistributedHoldAcquirer _writers;

    internal MusicDistributedReaderWriterLock(IMusicClient client, string name, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = DistributedLockKeys.ForName(DistributedLockKeys.ReaderWriterPrefix, name);
        _readers = new DistributedHoldAcquirer(client, name, key, TicketMode.Shared, logger, time);
        _writers = new DistributedHoldAcquirer(client, name, key, TicketMode.Exclusive, logger, time);
    }

    /// <inheritdoc />
    public string Name => _readers.Name;

    /// <summary>The MUSIC key whose queue holds both kinds of tickets, and whose value the handles read and write.</summary>
    public string Key => _readers.Key;

    /// <summary>Tries to take a read lock within <paramref name="timeout"/> (default: one look); <c>null</c> when not taken.</summary>
    public ValueTask<MusicDistributedLockHandle?> TryAcquireReadLockAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _readers.TryAcquireAsync(timeout, cancellationToken);

    /// <summary>Takes a read lock, waiting at most <paramref name="timeout"/> (default: forever).</summary>
    /// <exception cref="LockTimeoutException">Not taken in time (a <see cref="TimeoutException"/>).</exception>
    public ValueTask<MusicDistributedLockHandle> AcquireReadLockAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _readers.AcquireAsync(timeout, cancellationToken);

    /// <summary>Tries to take the write lock within <paramref name="timeout"/> (default: one look); <c>null</c> when not taken.</summary>
    public ValueTask<MusicDistributedLockHandle?> TryAcquireWriteLockAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _writers.TryAcquireAsync(timeout, cancellationToken);

    /// <summary>Takes the write lock, waiting at most <paramref name="timeout"/> (default: forever).</summary>
    /// <exception cref="LockTimeoutException">Not taken in time (a <see cref="TimeoutException"/>).</exception>
    public ValueTask<MusicDistributedLockHandle> AcquireWriteLockAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _writers.AcquireAsync(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="TryAcquireReadLockAsync"/>.</summary>
    public MusicDistributedLockHandle? TryAcquireReadLock(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _readers.TryAcquire(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="AcquireReadLockAsync"/>.</summary>
    public MusicDistributedLockHandle AcquireReadLock(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _readers.Acquire(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="TryAcquireWriteLockAsync"/>.</summary>
    public MusicDistributedLockHandle? TryAcquireWriteLock(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _writers.TryAcquire(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="AcquireWriteLockAsync"/>.</summary>
    public MusicDistributedLockHandle AcquireWriteLock(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _writers.Acquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle? IDistributedReaderWriterLock.TryAcquireReadLock(TimeSpan timeout, CancellationToken cancellationToken) =>
        TryAcquireReadLock(timeout, cancellationToken);

    IDistributedSynchronizationHandle IDistributedReaderWriterLock.AcquireReadLock(TimeSpan? timeout, CancellationToken cancellationToken) =>
        AcquireReadLock(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle?> IDistributedReaderWriterLock.TryAcquireReadLockAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _readers.TryAcquireAsInterfaceAsync(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle> IDistributedReaderWriterLock.AcquireReadLockAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        _readers.AcquireAsInterfaceAsync(timeout, cancellationToken);

    IDistributedSynchronizationHandle? IDistributedReaderWriterLock.TryAcquireWriteLock(TimeSpan timeout, CancellationToken cancellationToken) =>
        TryAcquireWriteLock(timeout, cancellationToken);

    IDistributedSynchronizationHandle IDistributedReaderWriterLock.AcquireWriteLock(TimeSpan? timeout, CancellationToken cancellationToken) =>
        AcquireWriteLock(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle?> IDistributedReaderWriterLock.TryAcquireWriteLockAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _writers.TryAcquireAsInterfaceAsync(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle> IDistributedReaderWriterLock.AcquireWriteLockAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        _writers.AcquireAsInterfaceAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"MusicDistributedReaderWriterLock({Name} -> {Key})";
}
