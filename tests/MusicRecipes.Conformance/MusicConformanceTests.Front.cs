using System.Collections.Concurrent;

namespace MusicRecipes.Conformance;

/// <summary>
/// What a program sees of the lock service beyond the seven operations, on every backend: session state changes as
/// events (<see cref="IMusicClient.SessionStateChanged"/>), the lock queue (<see cref="IMusicClient.GetLockQueueAsync"/>)
/// and a lock timeout that names the holder (<see cref="LockTimeoutException"/>).
/// </summary>
public abstract partial class MusicConformanceTests
{
    [Fact]
    public async Task Session_expiry_and_the_new_session_are_raised_as_state_events_in_order()
    {
        var key = ConformanceKeys.New("session-events");
        var client = await ClientAsync(0);
        var events = new ConcurrentQueue<LockSessionStateChangedEventArgs>();
        client.SessionStateChanged += (_, e) => events.Enqueue(e);
        var held = await HoldAsync(client, key); // a live session on every backend (some open it on first use)

        await Backend.ExpireSessionAsync(client);
        await WaitUntilAsync(() => events.Any(e => e.State is LockSessionState.Suspended or LockSessionState.Lost));
        await WaitUntilAsync(() => held.LostToken.IsCancellationRequested);

        // A new session serves the next ticket, and its state arrives as an event too.
        var again = await HoldAsync(client, key);
        await WaitUntilAsync(() => events.LastOrDefault()?.State is LockSessionState.Connected or LockSessionState.Reconnected);
        await client.ReleaseLockAsync(again);

        // Each event starts where the one before ended: nothing is reported out of order.
        var seen = events.ToArray();
        for (var i = 1; i < seen.Length; i++)
        {
            Assert.True(seen[i].Previous == seen[i - 1].State, string.Join(", ", seen.Select(e => e.ToString())));
        }

        await client.DisposeAsync();
        await WaitUntilAsync(() => events.LastOrDefault()?.State == LockSessionState.Closed);
    }

    [Fact]
    public async Task A_lock_timeout_names_the_holder_and_the_queue_lists_holder_then_waiters()
    {
        var key = ConformanceKeys.New("holder");
        var holder = await ClientAsync(0);
        var waiter = await ClientAsync(1);
        var held = await HoldAsync(holder, key);
        var waiting = await waiter.CreateLockRefAsync([key]);

        var timedOut = await Assert.ThrowsAsync<LockTimeoutException>(() => waiter.WaitForLockAsync(waiting, TimeSpan.FromMilliseconds(200)));
        Assert.IsAssignableFrom<TimeoutException>(timedOut);
        Assert.Equal(held.Id, timedOut.Holder?.TicketId);
        Assert.True(timedOut.Holder!.IsHolder, timedOut.Message);
        Assert.Equal(held.FencingToken.Value, timedOut.Holder.Ordinal);
        Assert.Contains(held.Id, timedOut.Message);
        Assert.Equal([key], timedOut.Keys);
        var tryLock = await Assert.ThrowsAsync<LockTimeoutException>(() => waiter.WaitForLockAsync(waiting, TimeSpan.Zero));
        Assert.Equal(held.Id, tryLock.Holder?.TicketId);

        var queue = await waiter.GetLockQueueAsync(key);
        Assert.Equal([held.Id, waiting.Id], queue.Select(e => e.TicketId));
        Assert.True(queue[0].IsHolder);
        Assert.False(queue[1].IsHolder);
        Assert.Equal(waiter.Site, queue[1].Site); // the reader's own ticket
        Assert.Null(queue[0].Site); // another client's session: its site is not known
        Assert.NotEqual(queue[0].SessionId, queue[1].SessionId);

        await holder.ReleaseLockAsync(held);
        await waiter.WaitForLockAsync(waiting, Patience);
        await waiter.ReleaseLockAsync(waiting);
        Assert.Empty(await waiter.GetLockQueueAsync(key));
    }
}
