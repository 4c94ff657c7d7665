using System.Text.Json;
using Microsoft.Extensions.Logging;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// The waiting half of the barriers. MUSIC has no watch on data — only lock queues have events (docs/design.md §2
/// rule 5), and a queue event says nothing about a barrier's value — so waiters poll. Most polls are eventual reads
/// at the local replica (free of WAN round trips); the barrier states only move forward, so a stale read can delay a
/// waiter but never release it early. Every <see cref="MusicBarrierOptions.CriticalReadEvery"/>-th poll is a critical turn
/// (a critical read, plus whatever the barrier adds to it), so a replica that lags (missed hints, a read repair not yet
/// done) cannot hold a waiter forever.
/// </summary>
/// <remarks>
/// Failures follow from those roles. A failed local read is a missed hint: the poll is skipped and the wait goes on
/// (the next critical turn still bounds it). A failed critical turn is not swallowed: it is the read that guarantees
/// progress, and a waiter that cannot make it (its site cut off, the lock service unreachable, the barrier's lock not
/// acquired within <see cref="MusicBarrierOptions.LockTimeout"/>) could otherwise poll a replica that never changes, forever
/// and silently. Its exception ends the wait; every wait of the barriers can simply be called again.
/// </remarks>
internal sealed class BarrierPoller<TState>(IMusicClient client, MusicMutex mutex, string key, MusicBarrierOptions options, ILogger logger)
    where TState : class
{
    /// <summary>
    /// Runs <paramref name="change"/> in a critical section over the barrier's key. Every barrier change is idempotent
    /// (it re-reads the state first), so when the lock session ends under it the change is simply run again with a
    /// fresh ticket, up to three times.
    /// </summary>
    public async Task<T> InCriticalSectionAsync<T>(Func<MusicCriticalSection, Task<T>> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var section = await mutex.AcquireAsync(options.LockTimeout, cancellationToken).ConfigureAwait(false);
                await using var sectionScope = section.ConfigureAwait(false);
                return await change(section).ConfigureAwait(false);
            }
            catch (LockLostException) when (attempt < 3)
            {
                // The session expired while waiting or holding; nothing half-done survives a re-read.
            }
        }
    }

    public Task<TState?> ReadCriticallyAsync(CancellationToken cancellationToken) =>
        InCriticalSectionAsync(section => section.GetJsonAsync<TState>(key, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>Polls until <paramref name="released"/> holds; the critical turns are plain critical reads.</summary>
    public Task WaitUntilAsync(Func<TState, bool> released, CancellationToken cancellationToken) =>
        WaitUntilAsync(released, ReadCriticallyAsync, cancellationToken);

    /// <summary>
    /// Polls until <paramref name="released"/> holds, running <paramref name="criticalTurn"/> (which must read the state
    /// critically) every <see cref="MusicBarrierOptions.CriticalReadEvery"/>-th poll. Throws what a critical turn throws.
    /// </summary>
    public async Task WaitUntilAsync(Func<TState, bool> released, Func<CancellationToken, Task<TState?>> criticalTurn, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.PollInterval, options.MaxPollInterval, options.TimeProvider);
        for (var poll = 1; ; poll++)
        {
            var state = poll % options.CriticalReadEvery == 0
                ? await criticalTurn(cancellationToken).ConfigureAwait(false)
                : await ReadLocallyAsync(cancellationToken).ConfigureAwait(false);
            if (state is not null && released(state))
            {
                return;
            }

            await backoff.DelayAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>An eventual read at the local replica, or <c>null</c> when it failed: it is only a hint.</summary>
    private async Task<TState?> ReadLocallyAsync(CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await client.GetAsync(key, cancellationToken).ConfigureAwait(false);
            return bytes is null ? null : JsonSerializer.Deserialize<TState>(bytes);
        }
        catch (Exception ex) when (MusicErrors.IsCoordinationFailure(ex))
        {
            logger.LocalReadFailed(ex, key);
            return null;
        }
    }
}
