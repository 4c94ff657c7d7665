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
public sealed class MusicDistributedLock : MusicDistributedPrimitive, IDistributedLock
{
    internal MusicDistributedLock(IMusicClient client, string name, ILogger logger, TimeProvider time)
        : base(new DistributedHoldAcquirer(client, name ?? throw new ArgumentNullException(nameof(name)), DistributedLockKeys.ForName(name), TicketMode.Exclusive, logger, time))
    {
    }

    IDistributedSynchronizationHandle? IDistributedLock.TryAcquire(TimeSpan timeout, CancellationToken cancellationToken) =>
        TryAcquire(timeout, cancellationToken);

    IDistributedSynchronizationHandle IDistributedLock.Acquire(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Acquire(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle?> IDistributedLock.TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Acquirer.TryAcquireAsInterfaceAsync(timeout, cancellationToken);

    ValueTask<IDistributedSynchronizationHandle> IDistributedLock.AcquireAsync(TimeSpan? timeout, CancellationToken cancellationToken) =>
        Acquirer.AcquireAsInterfaceAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public override string ToString() => $"MusicDistributedLock({Name} -> {Key})";
}
