using MusicRecipes.Locking;

namespace MusicRecipes;

/// <summary>
/// One event-driven wait for a ticket (rule 5 of docs/design.md): try to acquire; if not first, wait for the lock store
/// to report that a predecessor left, then try again. With a hold lease the wait also wakes periodically, because a
/// lease runs out without any event, and evicts a head whose lease ran out by more than the clock-skew allowance.
/// </summary>
internal sealed class LockWaiter(MusicClient client, ILockStore locks, MusicClientOptions options, LockRef lockRef)
{
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                if (await client.AcquireLockAsync(lockRef, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                if (options.HoldLease is { } lease)
                {
                    await EvictExpiredHoldersAsync(lease, cancellationToken).ConfigureAwait(false);
                    await WaitBoundedAsync(RecheckInterval(lease), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await locks.WaitForChangeAsync(lockRef.Ticket, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (MusicUnavailableException)
            {
                // The lock service is out of reach (our site is cut off): the ticket may still be valid; the session
                // decides. Back off instead of spinning.
                await Task.Delay(options.UnavailableBackoff, options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static TimeSpan RecheckInterval(TimeSpan lease) =>
        TimeSpan.FromTicks(Math.Max(TimeSpan.FromMilliseconds(50).Ticks, lease.Ticks / 4));

    private async Task WaitBoundedAsync(TimeSpan bound, CancellationToken cancellationToken)
    {
        try
        {
            await locks.WaitForChangeAsync(lockRef.Ticket, cancellationToken).WaitAsync(bound, options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Time to look at the leases again.
        }
    }

    private async Task EvictExpiredHoldersAsync(TimeSpan lease, CancellationToken cancellationToken)
    {
        foreach (var position in lockRef.Ticket.Positions)
        {
            var queue = await locks.ReadQueueAsync(position.Key, cancellationToken).ConfigureAwait(false);
            if (queue.Count == 0 || queue[0].TicketId == lockRef.Id)
            {
                continue;
            }

            var head = queue[0];
            var state = (await locks.GetKeyStateAsync(position.Key, cancellationToken).ConfigureAwait(false)).State;
            if (state.LastAcquired == head.Position.Ordinal
                && state.LastAcquiredAt is { } acquiredAt
                && locks.UtcNow - acquiredAt > lease + options.ClockSkewAllowance)
            {
                await client.ForceRemoveAsync(head, "hold lease expired", cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
