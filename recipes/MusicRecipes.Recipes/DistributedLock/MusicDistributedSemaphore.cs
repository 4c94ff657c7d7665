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
public sealed class MusicDistributedSemaphore : MusicDistributedPrimitive, IDistributedSemaphore
{
    internal MusicDistributedSemaphore(IMusicClient client, string name, int maxCount, ILogger logger, TimeProvider time)
        : base(new DistributedHoldAcquirer(
            client,
            name ?? throw new ArgumentNullException(nameof(name)),
            DistributedLockKeys.ForName(DistributedLockKeys.SemaphorePrefix, name),
            TicketMode.Permits(maxCount),
            logger,
            time))
    {
        MaxCount = maxCount;
    }

    /// <inheritdoc />
    public int MaxCount { get; }

    IDistributedSynchronizationHandle? IDistributedSemaphore.TryAcquire(TimeSpan timeout, CancellationToken cancellationToken) =>
        TryAcquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle IDistributedSemaphore.Acquire(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Acquire(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle?> IDistributedSemaphore.TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Acquirer.TryAcquireAsInterfaceAsync(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle> IDistributedSemaphore.AcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Acquirer.AcquireAsInterfaceAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"MusicDistributedSemaphore({Name}, {MaxCount} -> {Key})";
}
