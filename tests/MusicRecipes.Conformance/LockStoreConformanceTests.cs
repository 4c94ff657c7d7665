using System.Collections.Concurrent;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Conformance;

/// <summary>
/// The obligations of an <see cref="ILockStore"/> (rules 1–6 of docs/design.md), checked on the store itself — below
/// the MUSIC client, so a store cannot lean on the client to hide a gap. One small subclass per store; the backend
/// gives bare lock-store sessions (<see cref="IMusicTestBackend.CreateLockStoreAsync"/>, spread over its sites) and
/// expires them (<see cref="IMusicTestBackend.ExpireSessionAsync(ILockStore)"/>).
/// </summary>
public abstract class LockStoreConformanceTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly List<ILockStore> _stores = [];
    private int _nextSite;

    /// <summary>The lock service under test; each test class instance makes its own, disposed after the test.</summary>
    protected abstract IMusicTestBackend Backend { get; }

    /// <inheritdoc />
    public Task InitializeAsync()
    {
        MusicTestBackendNotSupportedException.ThrowIfLacking(Backend, MusicTestBackendFaults.ExpireSession);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        await Backend.DisposeAsync();
    }

    [Fact]
    public async Task Tickets_queue_first_in_first_out_with_ordinals_that_never_restart()
    {
        var key = ConformanceKeys.New("fifo");
        var (a, b) = (await StoreAsync(), await StoreAsync());
        var first = await a.EnqueueAsync([key], TicketMode.Exclusive, default);
        var second = await b.EnqueueAsync([key], TicketMode.Exclusive, default);
        var third = await a.EnqueueAsync([key], TicketMode.Exclusive, default);
        Assert.True(first.Positions[0].Ordinal >= 1);
        Assert.True(first.Positions[0].Ordinal < second.Positions[0].Ordinal);
        Assert.True(second.Positions[0].Ordinal < third.Positions[0].Ordinal);
        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.NotNull(first.Lease);

        Assert.Equal(HeadStatus.Head, (await a.CheckHeadAsync(first, default)).Status);
        Assert.Equal(HeadStatus.Waiting, (await b.CheckHeadAsync(second, default)).Status);
        var queue = await b.ReadQueueAsync(key, default);
        Assert.Equal([first.Id, second.Id, third.Id], queue.Select(e => e.TicketId));
        Assert.Equal(first.SessionId, queue[0].SessionId);
        Assert.Equal([key], queue[0].Keys);

        await a.ReleaseAsync(first, clean: null, default);
        await a.ReleaseAsync(first, clean: null, default); // removing twice does nothing
        Assert.Equal(HeadStatus.Head, (await b.CheckHeadAsync(second, default)).Status);
        Assert.Equal(HeadStatus.Gone, (await a.CheckHeadAsync(first, default)).Status);
        Assert.Null(first.LossReason); // removed by its owner: not a loss

        await b.ReleaseAsync(second, clean: null, default);
        await a.ReleaseAsync(third, clean: null, default);
        var later = await b.EnqueueAsync([key], TicketMode.Exclusive, default);
        Assert.True(later.Positions[0].Ordinal > third.Positions[0].Ordinal);
    }

    [Fact]
    public async Task Overlapping_multi_key_tickets_are_ordered_alike_in_every_queue_and_all_get_their_turn()
    {
        var keys = Enumerable.Range(0, 3).Select(i => ConformanceKeys.New($"multi{i}")).Order(StringComparer.Ordinal).ToArray();
        int[][] sets = [[0, 1], [1, 2], [0, 2], [0, 1, 2]];
        var stores = new[] { await StoreAsync(), await StoreAsync(), await StoreAsync() };
        var tickets = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => stores[i % 3].EnqueueAsync(sets[i % sets.Length].Select(k => keys[k]).ToArray(), TicketMode.Exclusive, default)));

        foreach (var x in tickets)
        {
            foreach (var y in tickets.Where(t => t != x))
            {
                var shared = x.Positions.Select(p => p.Key).Intersect(y.Positions.Select(p => p.Key)).ToArray();
                Assert.True(shared.Select(k => x.OrdinalOf(k) < y.OrdinalOf(k)).Distinct().Count() <= 1, $"{x} and {y} are ordered differently across {string.Join(",", shared)}");
            }
        }

        var holders = new ConcurrentDictionary<string, int>();
        var stage = new ConcurrentDictionary<LockTicket, string>();
        var turns = Task.WhenAll(tickets.Select((ticket, i) => Task.Run(async () =>
        {
            var store = stores[i % 3];
            stage[ticket] = "waiting";
            HeadStatus status;
            while ((status = await HeadStatusOrRetryAsync(store, ticket)) != HeadStatus.Head)
            {
                // A ticket gone from its queues never gets a turn: say so now rather than time out later.
                Assert.True(status == HeadStatus.Waiting, $"{ticket} left its queues while waiting ({status}, loss: {ticket.LossReason})");
                await store.WaitForChangeAsync(ticket, default);
            }

            stage[ticket] = "holding";

            foreach (var position in ticket.Positions)
            {
                Assert.Equal(1, holders.AddOrUpdate(position.Key, 1, (_, n) => n + 1));
            }

            await Task.Delay(10);
            foreach (var position in ticket.Positions)
            {
                holders.AddOrUpdate(position.Key, 0, (_, n) => n - 1);
            }

            stage[ticket] = "releasing";
            await ReleaseUntilConfirmedAsync(store, ticket);
            stage[ticket] = "done";
        })));
        try
        {
            await turns.WaitAsync(Patience * 3);
        }
        catch (TimeoutException)
        {
            var queues = await Task.WhenAll(keys.Select(async k => $"{k}: [{string.Join(", ", (await stores[0].ReadQueueAsync(k, default)).Select(e => e.TicketId))}]"));
            var stuck = tickets.Where(t => stage.GetValueOrDefault(t) != "done").Select(t => $"{t} {stage.GetValueOrDefault(t)}");
            Assert.Fail($"Not every ticket got its turn within {Patience * 3}. Unfinished: {string.Join("; ", stuck)}. Queues: {string.Join("; ", queues)}");
        }
    }

    [Fact]
    public async Task Disposing_a_store_twice_is_harmless_and_ends_its_tickets()
    {
        // A store handed to a MusicClient is disposed by the client, and often again by an `await using` of its own.
        // (The suite disposes it once more after the test, as it does every store it opened.)
        var key = ConformanceKeys.New("dispose");
        var store = await StoreAsync();
        var ticket = await store.EnqueueAsync([key], TicketMode.Exclusive, default);
        await store.DisposeAsync();
        await store.DisposeAsync();
        var lost = Task.Delay(Timeout.Infinite, ticket.LostToken).ContinueWith(_ => { }, TaskScheduler.Default);
        await lost.WaitAsync(Patience); // a closed store's tickets are lost
    }

    [Fact]
    public async Task A_waiter_is_woken_when_its_predecessor_leaves()
    {
        var key = ConformanceKeys.New("wake");
        var (holder, waiter) = (await StoreAsync(), await StoreAsync());
        var held = await holder.EnqueueAsync([key], TicketMode.Exclusive, default);
        var waiting = await waiter.EnqueueAsync([key], TicketMode.Exclusive, default);
        var wake = waiter.WaitForChangeAsync(waiting, default);
        await Task.Delay(300);
        Assert.False(wake.IsCompleted, "nothing changed, so the waiter must still be waiting");

        await holder.ReleaseAsync(held, clean: null, default);
        await wake.WaitAsync(Patience);
        Assert.Equal(HeadStatus.Head, (await waiter.CheckHeadAsync(waiting, default)).Status);
    }

    [Fact]
    public async Task An_acquisition_is_recorded_only_over_the_state_read_and_only_by_a_queued_ticket()
    {
        var key = ConformanceKeys.New("record");
        var (owner, other) = (await StoreAsync(), await StoreAsync());
        var ticket = await owner.EnqueueAsync([key], TicketMode.Exclusive, default);
        var position = ticket.Positions[0];
        var read = await HeadStateAsync(owner, ticket, 0);
        Assert.Equal(KeyLockState.Empty, read.State);

        var recorded = await owner.TryRecordAcquiredAsync(ticket, position, read, default);
        Assert.Equal(RecordResult.Recorded, recorded);
        var state = (await owner.GetKeyStateAsync(key, default)).State;
        Assert.Equal(position.Ordinal, state.LastAcquired);
        Assert.InRange(state.LastAcquiredAt!.Value, DateTimeOffset.UtcNow.AddSeconds(-30), DateTimeOffset.UtcNow.AddSeconds(30));
        Assert.True(state.NeedsSyncBefore(position.Ordinal + 1));

        // The same record again, over the state it has overwritten: a compare-and-set that now fails, writing nothing.
        Assert.Equal(RecordResult.StateChanged, await owner.TryRecordAcquiredAsync(ticket, position, read, default));

        // Removed by someone else: the ticket can record nothing more, over any state (rule 6).
        var current = await owner.GetKeyStateAsync(key, default);
        Assert.True(await other.ForceRemoveAsync((await other.ReadQueueAsync(key, default))[0], default));
        Assert.Equal(RecordResult.TicketGone, await owner.TryRecordAcquiredAsync(ticket, position, current, default));
        Assert.Equal(position.Ordinal, (await other.GetKeyStateAsync(key, default)).State.LastAcquired);
    }

    [Fact]
    public async Task A_head_removed_before_it_records_can_never_record_over_its_successor()
    {
        var key = ConformanceKeys.New("stale-head");
        var (stale, next, remover) = (await StoreAsync(), await StoreAsync(), await StoreAsync());

        // x queues behind another ticket, so no store can record x's acquisition in its enqueue (the ZooKeeper store
        // does so on an empty queue): x comes to the head only when that ticket leaves.
        var before = await remover.EnqueueAsync([key], TicketMode.Exclusive, default);
        var x = await stale.EnqueueAsync([key], TicketMode.Exclusive, default);
        var y = await next.EnqueueAsync([key], TicketMode.Exclusive, default);
        await remover.ReleaseAsync(before, clean: null, default);
        var (xRead, _) = await RemoveHeadAndRecordSuccessorAsync(stale, x, next, y, remover);

        // x wakes up and records with what it read: refused, and the recorded ordinal does not move backwards.
        Assert.Equal(RecordResult.TicketGone, await stale.TryRecordAcquiredAsync(x, x.Positions[0], xRead, default));
        Assert.Equal(RecordResult.TicketGone, await stale.TryRecordAcquiredAsync(x, x.Positions[0], await stale.GetKeyStateAsync(key, default), default));
        Assert.Equal(y.Positions[0].Ordinal, (await remover.GetKeyStateAsync(key, default)).State.LastAcquired);
    }

    [Fact]
    public async Task A_head_recorded_in_its_enqueue_and_removed_afterwards_records_nothing_after_the_removal()
    {
        var key = ConformanceKeys.New("prerecorded-head");
        var (stale, next, remover) = (await StoreAsync(), await StoreAsync(), await StoreAsync());
        var x = await stale.EnqueueAsync([key], TicketMode.Exclusive, default); // an empty queue: a store may record here
        var y = await next.EnqueueAsync([key], TicketMode.Exclusive, default);
        var (xRead, yRead) = await RemoveHeadAndRecordSuccessorAsync(stale, x, next, y, remover);

        // x records with what it read before its removal. A store that recorded x's acquisition in the enqueue may
        // answer from that record, which the successor saw before it recorded (rule 6: nothing is written for a
        // removed ticket; the owner's hold lease counts from before the enqueue). It never writes anything now.
        var late = await stale.TryRecordAcquiredAsync(x, x.Positions[0], xRead, default);
        if (late != RecordResult.TicketGone)
        {
            Assert.Equal(RecordResult.Recorded, late);
            Assert.Equal(x.Positions[0].Ordinal, yRead.State.LastAcquired);
        }

        Assert.Equal(RecordResult.TicketGone, await stale.TryRecordAcquiredAsync(x, x.Positions[0], await stale.GetKeyStateAsync(key, default), default));
        Assert.Equal(y.Positions[0].Ordinal, (await remover.GetKeyStateAsync(key, default)).State.LastAcquired);
        await WhenLostAsync(x);
        Assert.Equal(LockLossReason.ForciblyReleased, x.LossReason);
    }

    [Fact]
    public async Task A_clean_release_is_recorded_as_the_ticket_leaves_and_only_by_the_last_acquirer()
    {
        var (a, b) = (ConformanceKeys.New("clean-a"), ConformanceKeys.New("clean-b"));
        var keys = new[] { a, b }.Order(StringComparer.Ordinal).ToArray();
        var (owner, other) = (await StoreAsync(), await StoreAsync());
        var ticket = await owner.EnqueueAsync(keys, TicketMode.Exclusive, default);
        await RecordAllAsync(owner, ticket);
        var waiting = await other.EnqueueAsync([keys[0]], TicketMode.Exclusive, default);

        await owner.ReleaseAsync(ticket, new CleanRelease([null, null]), default);
        Assert.Equal(HeadStatus.Gone, (await owner.CheckHeadAsync(ticket, default)).Status);
        Assert.Null(ticket.LossReason); // our own release is not a loss
        Assert.Equal(ticket.Positions[1].Ordinal, (await other.GetKeyStateAsync(keys[1], default)).State.LastCleanRelease);
        var handedOver = await HeadStateAsync(other, waiting, 0);
        Assert.Equal(ticket.Positions[0].Ordinal, handedOver.State.LastCleanRelease);
        Assert.False(handedOver.State.NeedsSyncBefore(waiting.Positions[0].Ordinal));
        Assert.Equal(RecordResult.Recorded, await other.TryRecordAcquiredAsync(waiting, waiting.Positions[0], handedOver, default));

        // A holder removed after it recorded, whose successor recorded since: its clean release records nothing.
        var successor = await owner.EnqueueAsync([keys[0]], TicketMode.Exclusive, default);
        Assert.True(await owner.ForceRemoveAsync((await owner.ReadQueueAsync(keys[0], default))[0], default));
        await RecordAllAsync(owner, successor);
        await other.ReleaseAsync(waiting, new CleanRelease([null]), default);
        var after = (await owner.GetKeyStateAsync(keys[0], default)).State;
        Assert.Equal(successor.Positions[0].Ordinal, after.LastAcquired);
        Assert.Equal(ticket.Positions[0].Ordinal, after.LastCleanRelease);
        Assert.True(after.NeedsSyncBefore(successor.Positions[0].Ordinal + 1));
        await owner.ReleaseAsync(successor, clean: null, default);
    }

    [Fact]
    public async Task A_forced_removal_leaves_every_queue_unsynced_and_tells_the_owner()
    {
        var keys = new[] { ConformanceKeys.New("forced-a"), ConformanceKeys.New("forced-b") }.Order(StringComparer.Ordinal).ToArray();
        var (owner, other) = (await StoreAsync(), await StoreAsync());
        var ticket = await owner.EnqueueAsync(keys, TicketMode.Exclusive, default);
        await RecordAllAsync(owner, ticket);
        var waiter = await other.EnqueueAsync([keys[0]], TicketMode.Exclusive, default);

        var head = (await other.ReadQueueAsync(keys[0], default))[0];
        Assert.Equal(ticket.Id, head.TicketId);
        Assert.Equal(keys, head.Keys.Order(StringComparer.Ordinal));
        Assert.True(await other.ForceRemoveAsync(head, default));
        Assert.False(await other.ForceRemoveAsync(head, default));

        Assert.Empty(await other.ReadQueueAsync(keys[1], default));
        var state = await HeadStateAsync(other, waiter, 0);
        Assert.True(state.State.NeedsSyncBefore(waiter.Positions[0].Ordinal));
        Assert.Equal(HeadStatus.Gone, (await owner.CheckHeadAsync(ticket, default)).Status);
        await WhenLostAsync(ticket);
        Assert.Equal(LockLossReason.ForciblyReleased, ticket.LossReason);
        Assert.NotNull(ticket.LostAt);
    }

    [Fact]
    public async Task A_session_expiry_loses_every_ticket_of_it_and_later_calls_use_a_new_session()
    {
        var key = ConformanceKeys.New("expiry");
        var (dying, observer) = (await StoreAsync(), await StoreAsync());
        var one = await dying.EnqueueAsync([key], TicketMode.Exclusive, default);
        var two = await dying.EnqueueAsync([key, ConformanceKeys.New("expiry2")], TicketMode.Exclusive, default);
        var next = await observer.EnqueueAsync([key], TicketMode.Exclusive, default);

        await Backend.ExpireSessionAsync(dying);
        await WhenLostAsync(one);
        await WhenLostAsync(two);
        Assert.Equal(LockLossReason.SessionExpired, one.LossReason);
        Assert.Equal(LockLossReason.SessionExpired, two.LossReason);

        // The observer's ticket comes to the head: the expired session's tickets are out of its way.
        while ((await observer.CheckHeadAsync(next, default)).Status != HeadStatus.Head)
        {
            await observer.WaitForChangeAsync(next, default).WaitAsync(Patience);
        }

        var fresh = await dying.EnqueueAsync([ConformanceKeys.New("expiry3")], TicketMode.Exclusive, default);
        Assert.NotEqual(one.SessionId, fresh.SessionId);
        Assert.Equal(HeadStatus.Head, (await dying.CheckHeadAsync(fresh, default)).Status);
        Assert.Equal(HeadStatus.Gone, (await dying.CheckHeadAsync(one, default)).Status);
    }

    /// <summary>
    /// A new session, disposed after the test, at the backend's sites in turn (on a multi-site backend, sessions of
    /// different sites meet).
    /// </summary>
    private async Task<ILockStore> StoreAsync()
    {
        var store = await Backend.CreateLockStoreAsync(Interlocked.Increment(ref _nextSite) % Backend.SiteCount);
        _stores.Add(store);
        return store;
    }

    /// <summary>
    /// x reads its head state, then stalls: another session removes it, and its successor y comes to the head and
    /// records. Returns what x and y read.
    /// </summary>
    private static async Task<(VersionedKeyState X, VersionedKeyState Y)> RemoveHeadAndRecordSuccessorAsync(
        ILockStore stale, LockTicket x, ILockStore next, LockTicket y, ILockStore remover)
    {
        var xRead = await HeadStateAsync(stale, x, 0);
        var head = (await remover.ReadQueueAsync(x.Positions[0].Key, default))[0];
        Assert.Equal(x.Id, head.TicketId);
        Assert.True(await remover.ForceRemoveAsync(head, default));
        var yRead = await HeadStateAsync(next, y, 0);
        Assert.Equal(RecordResult.Recorded, await next.TryRecordAcquiredAsync(y, y.Positions[0], yRead, default));
        return (xRead, yRead);
    }

    /// <summary>
    /// The head check's reading of one key's state (the ticket must be first everywhere). A head check may read a
    /// replica that has not yet seen another session's removal of the predecessor (the ZooKeeper store reads the queue
    /// without a sync; a waiter then waits for the change, as the MUSIC client does), so "Waiting" is asked again until
    /// the ticket is head or the patience runs out.
    /// </summary>
    private static async Task<VersionedKeyState> HeadStateAsync(ILockStore store, LockTicket ticket, int index)
    {
        var deadline = DateTime.UtcNow + Patience;
        var head = await store.CheckHeadAsync(ticket, default);
        while (head.Status == HeadStatus.Waiting && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
            head = await store.CheckHeadAsync(ticket, default);
        }

        Assert.Equal(HeadStatus.Head, head.Status);
        return head.KeyStates is { } states ? states[index] : await store.GetKeyStateAsync(ticket.Positions[index].Key, default);
    }

    /// <summary>A head check, tried again after a timeout as the MUSIC client's waiter does (a read has no side effects).</summary>
    private static async Task<HeadStatus> HeadStatusOrRetryAsync(ILockStore store, LockTicket ticket)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await store.CheckHeadAsync(ticket, default)).Status;
            }
            catch (MusicTimeoutException) when (attempt < 10)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    /// <summary>
    /// Releases as the MUSIC client does: a release whose outcome the store could not confirm (a lightweight
    /// transaction that timed out under contention, say) is tried again — a ticket left queued would block the rest.
    /// </summary>
    private static async Task ReleaseUntilConfirmedAsync(ILockStore store, LockTicket ticket)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await store.ReleaseAsync(ticket, clean: null, default);
                return;
            }
            catch (MusicException) when (attempt < 10)
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    /// <summary>Waits for the ticket's LostToken, which the store fires asynchronously.</summary>
    private static async Task WhenLostAsync(LockTicket ticket)
    {
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = ticket.LostToken.Register(() => lost.TrySetResult());
        await lost.Task.WaitAsync(Patience);
    }

    private static async Task RecordAllAsync(ILockStore store, LockTicket ticket)
    {
        for (var i = 0; i < ticket.Positions.Count; i++)
        {
            Assert.Equal(RecordResult.Recorded, await store.TryRecordAcquiredAsync(ticket, ticket.Positions[i], await HeadStateAsync(store, ticket, i), default));
        }
    }
}
