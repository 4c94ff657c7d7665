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
    public async Task<TState?> ReadCriticallyAsync(CancellationToken cancellationToken)
    {
        await using var section = await mutex.AcquireAsync(options.LockTimeout, cancellationToken).ConfigureAwait(false);
        return await section.GetJsonAsync<TState>(key, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

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
