using System.Text.Json;
using MusicRecipes.Recipes.Internal;
using MusicRecipes.Recipes.Locks;

namespace MusicRecipes.Recipes.Barriers;

/// <summary>
/// The waiting half of the barriers. MUSIC has no watch on data — only lock queues have events (DESIGN.md §2
/// rule 5), and a queue event says nothing about a barrier's value — so waiters poll. Most polls are eventual reads
/// at the local replica (free of WAN round trips); the barrier states only move forward, so a stale read can delay a
/// waiter but never release it early. Every <see cref="BarrierOptions.CriticalReadEvery"/>-th poll is a critical read,
/// so a replica that lags (missed hints, a read repair not yet done) cannot hold a waiter forever.
/// </summary>
internal sealed class BarrierPoller<TState>(IMusicClient client, MusicMutex mutex, string key, BarrierOptions options)
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

    public async Task WaitUntilAsync(Func<TState, bool> released, CancellationToken cancellationToken)
    {
        var backoff = new Backoff(options.PollInterval, options.MaxPollInterval);
        for (var poll = 1; ; poll++)
        {
            TState? state;
            try
            {
                state = poll % options.CriticalReadEvery == 0
                    ? await ReadCriticallyAsync(cancellationToken).ConfigureAwait(false)
                    : Deserialize(await client.GetAsync(key, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is MusicException or TimeoutException)
            {
                // Out of reach for now (a cut-off site cannot read critically); keep polling.
                state = null;
                if (poll % options.CriticalReadEvery != 0)
                {
                    throw;
                }
            }

            if (state is not null && released(state))
            {
                return;
            }

            await backoff.DelayAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TState? Deserialize(byte[]? bytes) => bytes is null ? null : JsonSerializer.Deserialize<TState>(bytes);
}
