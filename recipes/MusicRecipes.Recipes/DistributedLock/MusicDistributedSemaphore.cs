using Medallion.Threading;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;
using MusicRecipes.Recipes.DistributedLock;

namespace MusicRecipes;

/// <summary>
/// DistributedLock's <see cref="IDistributedSemaphore"/> on MUSIC: each acquisition is a MUSIC permit ticket
/// (<see cref="TicketMode.Permits"/>) in the FIFO queue of one key, which holds when fewer than <see cref="MaxCount"/>
/// tickets are ahead of it — at most <see cref="MaxCount"/> holders, served in arrival order, each told of its loss
/// first (rule 6 of docs/design.md). Create it with <see cref="MusicDistributedSynchronizationProvider.CreateSemaphore"/>.
/// </summary>
/// <remarks>A permit locks no data: its handle's <c>GetAsync</c>/<c>PutAsync</c> throw <see cref="LockNotHeldException"/>.
/// Every client of one semaphore name should use the same <see cref="MaxCount"/>; each ticket is judged by its own.</remarks>
/// <example>
/// <code>
/// var renderSlots = provider.CreateSemaphore("render-slots", maxCount: 4);
/// await using (await renderSlots.AcquireAsync(TimeSpan.FromMinutes(1), ct))
/// {
///     await RenderAsync(ct);
/// }
/// </code>
/// </example>
public sealed class MusicDistributedSemaphore : IDistributedSemaphore
{
    private readonly DistributedHoldAcquirer _acquirer;

    internal MusicDistributedSemaphore(IMusicClient client, string name, int maxCount, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(name);
        var mode = TicketMode.Permits(maxCount);
        MaxCount = maxCount;
        _acquirer = new DistributedHoldAcquirer(client, name, DistributedLockKeys.ForName(DistributedLockKeys.SemaphorePrefix, name), mode, logger, time);
    }

    /// <inheritdoc />
    public string Name => _acquirer.Name;

    /// <inheritdoc />
    public int MaxCount { get; }

    /// <summary>The MUSIC key whose queue holds the semaphore's tickets.</summary>
    public string Key => _acquirer.Key;

    /// <summary>Tries to take a permit within <paramref name="timeout"/> (default: one look); <c>null</c> when not taken.</summary>
    public ValueTask<MusicDistributedLockHandle?> TryAcquireAsync(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _acquirer.TryAcquireAsync(timeout, cancellationToken);

    /// <summary>Takes a permit, waiting at most <paramref name="timeout"/> (default: forever).</summary>
    /// <exception cref="LockTimeoutException">Not taken in time (a <see cref="TimeoutException"/>).</exception>
    public ValueTask<MusicDistributedLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _acquirer.AcquireAsync(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="TryAcquireAsync"/>.</summary>
    public MusicDistributedLockHandle? TryAcquire(TimeSpan timeout = default, CancellationToken cancellationToken = default) =>
        _acquirer.TryAcquire(timeout, cancellationToken);

    /// <summary>The synchronous form of <see cref="AcquireAsync"/>.</summary>
    public MusicDistributedLockHandle Acquire(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _acquirer.Acquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle? IDistributedSemaphore.TryAcquire(TimeSpan timeout, CancellationToken cancellationToken) =>
        TryAcquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle IDistributedSemaphore.Acquire(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Acquire(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle?> IDistributedSemaphore.TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _acquirer.TryAcquireAsInterfaceAsync(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle> IDistributedSemaphore.AcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        _acquirer.AcquireAsInterfaceAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"MusicDistributedSemaphore({Name}, {MaxCount} -> {Key})";
}
