using Medallion.Threading;
using Microsoft.Extensions.Logging;
using MusicRecipes.Recipes.DistributedLock;
using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>
/// A DistributedLock <see cref="IDistributedLock"/> on MUSIC: the MUSIC lock on one key
/// (<see cref="MusicDistributedSynchronizationProvider.GetKey"/>). Create it with
/// <see cref="MusicDistributedSynchronizationProvider.CreateLock"/>. Instances are thread-safe and cheap; every
/// acquisition is a MUSIC ticket of its own.
/// </summary>
/// <remarks>
/// A wait whose lock session expires (the lock service dropped its ticket) joins the queue again with a new session
/// and keeps waiting for what is left of its timeout, as a wait on DistributedLock's own providers survives a reconnect.
/// A lock service that cannot be reached fails the call with <see cref="MusicUnavailableException"/>.
/// </remarks>
/// <example>
/// <code>
/// var @lock = provider.CreateLock("nightly-report");
/// using (@lock.Acquire(TimeSpan.FromSeconds(30)))
/// {
///     RunReport();
/// }
/// </code>
/// </example>
public sealed class MusicDistributedLock : IDistributedLock
{
    private readonly DistributedHoldAcquirer _acquirer;

    internal MusicDistributedLock(IMusicClient client, string name, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(name);
        _acquirer = new DistributedHoldAcquirer(client, name, DistributedLockKeys.ForName(name), TicketMode.Exclusive, logger, time);
    }

    /// <inheritdoc />
    public string Name => _acquirer.Name;

    /// <summary>The MUSIC key this lock locks, which also holds its value (<see cref="MusicDistributedLockHandle.GetAsync"/>).</summary>
    public string Key => _acquirer.Key;

    /// <summary>
    /// Tries to acquire the lock, waiting at most <paramref name="timeout"/> (default: no wait, one look at the queue).
    /// Returns <c>null</c> when not acquired; nothing is left queued.
    /// </summary>
    /// <example>
    /// <code>
    /// await using var handle = await @lock.TryAcquireAsync(cancellationToken: ct);
    /// if (handle is null) { return; }
    /// </code>
    /// </example>
    public ValueTask<MusicDistributedLockHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _acquirer.TryAcquireAsync(timeout, cancellationToken);

    /// <summary>Acquires the lock, waiting at most <paramref name="timeout"/> (default: forever).</summary>
    /// <exception cref="LockTimeoutException">Not acquired in time (a <see cref="TimeoutException"/>); it names the holder.</exception>
    /// <example>
    /// <code>
    /// await using (var handle = await @lock.AcquireAsync(TimeSpan.FromSeconds(10), ct))
    /// {
    ///     var stock = BitConverter.ToInt32(await handle.GetAsync(ct) ?? new byte[4]);
    ///     await handle.PutAsync(BitConverter.GetBytes(stock - 1), ct);
    /// }
    /// </code>
    /// </example>
    public ValueTask<MusicDistributedLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _acquirer.AcquireAsync(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="TryAcquireAsync"/> (it blocks the calling thread).</summary>
    public MusicDistributedLockHandle? TryAcquire(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _acquirer.TryAcquire(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="AcquireAsync"/> (it blocks the calling thread).</summary>
    /// <exception cref="LockTimeoutException">Not acquired in time.</exception>
    public MusicDistributedLockHandle Acquire(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _acquirer.Acquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle? IDistributedLock.TryAcquire(TimeSpan timeout, CancellationToken cancellationToken) =>
        TryAcquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle IDistributedLock.Acquire(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Acquire(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle?> IDistributedLock.TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _acquirer.TryAcquireAsInterfaceAsync(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle> IDistributedLock.AcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        _acquirer.AcquireAsInterfaceAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"MusicDistributedLock({Name} -> {Key})";
}
