using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>
/// Guaranteed release (what Curator calls a guaranteed delete): when the lock service did not confirm that a ticket
/// left its queues, keep removing it in the background until it confirms, the ticket is gone anyway, or the client
/// closes. A ticket left queued while its session lives blocks every later holder of its keys for as long as the
/// session lives — under a lock-service election that can be indefinitely — so a failed release must never be left
/// to the caller alone (rule 6 of docs/design.md: a hold ends visibly, never silently stuck).
/// </summary>
internal sealed class TicketRemover(ILockStore locks, ILogger logger, CancellationToken closing)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    // One background removal per ticket, however many releases of it fail.
    private readonly ConcurrentDictionary<string, Task> _pending = new(StringComparer.Ordinal);

    /// <summary>Starts removing <paramref name="lockRef"/>'s ticket in the background, once per ticket.</summary>
    /// <param name="lockRef">The ticket whose removal was not confirmed.</param>
    /// <param name="onRemoved">Runs once the lock service confirmed the removal.</param>
    public void RemoveInBackground(LockRef lockRef, Action onRemoved)
    {
        if (closing.IsCancellationRequested || IsGone(lockRef))
        {
            return;
        }

        _pending.GetOrAdd(lockRef.Id, _ => Task.Run(() => RemoveUntilConfirmedAsync(lockRef, onRemoved)));
    }

    /// <summary>Nothing is left to remove: released by a later call, or dropped by the lock service itself.</summary>
    private static bool IsGone(LockRef lockRef) =>
        lockRef.IsReleased || lockRef.IsDroppedByService;

    private async Task RemoveUntilConfirmedAsync(LockRef lockRef, Action onRemoved)
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        try
        {
            for (var attempt = 1; !IsGone(lockRef) && !closing.IsCancellationRequested; attempt++)
            {
                try
                {
                    using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(closing);
                    attemptTimeout.CancelAfter(AttemptTimeout);
                    await locks.ReleaseAsync(lockRef.Ticket, clean: null, attemptTimeout.Token).ConfigureAwait(false);
                    onRemoved();
                    logger.LogInformation("Released {Ticket} on background attempt {Attempt}", lockRef, attempt);
                    return;
                }
                catch (Exception ex) when (ex is MusicException or TimeoutException or OperationCanceledException && !closing.IsCancellationRequested)
                {
                    logger.LogDebug(ex, "Background release of {Ticket} failed (attempt {Attempt}); retrying", lockRef, attempt);
                }

                await backoff.DelayAsync(closing).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // The client is closing: ending its session removes the ticket.
        }
        finally
        {
            _pending.TryRemove(lockRef.Id, out _);
        }
    }
}
