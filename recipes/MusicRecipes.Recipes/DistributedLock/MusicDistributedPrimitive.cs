using MusicRecipes.Recipes.DistributedLock;

namespace MusicRecipes;

/// <summary>
/// What a <see cref="MusicDistributedLock"/> and a <see cref="MusicDistributedSemaphore"/> share: a name, the MUSIC key
/// whose queue holds their tickets, and DistributedLock's four acquire forms, typed to return
/// <see cref="MusicDistributedLockHandle"/> (the DistributedLock interfaces are implemented by the subclasses).
/// </summary>
/// <example>
/// <code>
/// MusicDistributedPrimitive slots = provider.CreateSemaphore("render-slots", 4);
/// await using var handle = await slots.TryAcquireAsync(TimeSpan.FromSeconds(1), ct);
/// </code>
/// </example>
public abstract class MusicDistributedPrimitive
{
    private protected MusicDistributedPrimitive(DistributedHoldAcquirer acquirer)
    {
        Acquirer = acquirer;
    }

    /// <summary>The name it was created with (any string).</summary>
    public string Name => Acquirer.Name;

    /// <summary>The MUSIC key whose queue holds its tickets (and, for a lock, its value: <see cref="MusicDistributedLockHandle.GetAsync"/>).</summary>
    public string Key => Acquirer.Key;

    private protected DistributedHoldAcquirer Acquirer { get; }

    /// <summary>
    /// Tries to acquire, waiting at most <paramref name="timeout"/> (default: no wait, one look at the queue).
    /// Returns <c>null</c> when not acquired; nothing is left queued.
    /// </summary>
    /// <example>
    /// <code>
    /// await using var handle = await @lock.TryAcquireAsync(cancellationToken: ct);
    /// if (handle is null) { return; }
    /// </code>
    /// </example>
    public ValueTask<MusicDistributedLockHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        Acquirer.TryAcquireAsync(timeout, cancellationToken);

    /// <summary>Acquires, waiting at most <paramref name="timeout"/> (default: forever).</summary>
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
        Acquirer.AcquireAsync(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="TryAcquireAsync"/> (it blocks the calling thread).</summary>
    public MusicDistributedLockHandle? TryAcquire(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        Acquirer.TryAcquire(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="AcquireAsync"/> (it blocks the calling thread).</summary>
    /// <exception cref="LockTimeoutException">Not acquired in time.</exception>
    public MusicDistributedLockHandle Acquire(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        Acquirer.Acquire(timeout, cancellationToken);
}
