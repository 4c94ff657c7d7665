using System.Diagnostics;
using MusicRecipes.Cassandra.Tests.Infrastructure;
using MusicRecipes.Cql;
using MusicRecipes.Locking;

namespace MusicRecipes.Cassandra.Tests.Stores;

[Collection(CassandraCollection.Name)]
public sealed class CassandraLockStoreTests(CassandraClusterFixture fixture) : IAsyncLifetime
{
    private readonly List<CassandraLockStore> _stores = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    private CassandraLockStore NewStore(TimeSpan? sessionTimeout = null)
    {
        var store = new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions
        {
            Keyspace = "lock_tests",
            SessionTimeout = sessionTimeout ?? TimeSpan.FromSeconds(10),
        });
        _stores.Add(store);
        return store;
    }

    private static string Key() => $"k{Guid.NewGuid():N}";

    [Fact]
    public async Task Tickets_are_served_first_in_first_out_with_increasing_ordinals()
    {
        var key = Key();
        var stores = new[] { NewStore(), NewStore(), NewStore() };
        var tickets = new List<LockTicket>();
        foreach (var store in stores)
        {
            tickets.Add(await store.EnqueueAsync(new[] { key }, default));
        }

        Assert.True(tickets[0].Positions[0].Ordinal < tickets[1].Positions[0].Ordinal);
        Assert.True(tickets[1].Positions[0].Ordinal < tickets[2].Positions[0].Ordinal);
        Assert.Equal(HeadStatus.Head, (await stores[0].CheckHeadAsync(tickets[0], default)).Status);
        Assert.Equal(HeadStatus.Waiting, (await stores[1].CheckHeadAsync(tickets[1], default)).Status);
        Assert.Equal(HeadStatus.Waiting, (await stores[2].CheckHeadAsync(tickets[2], default)).Status);
        Assert.Equal(tickets.Select(t => t.Id), (await stores[0].ReadQueueAsync(key, default)).Select(e => e.TicketId));

        var waiter = stores[1].WaitForChangeAsync(tickets[1], default);
        await stores[0].RemoveAsync(tickets[0], default);
        await waiter.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HeadStatus.Head, (await stores[1].CheckHeadAsync(tickets[1], default)).Status);
        Assert.Equal(HeadStatus.Gone, (await stores[0].CheckHeadAsync(tickets[0], default)).Status);
        Assert.Null(tickets[0].LossReason);

        // Ordinals keep growing after the queue empties: they are never reset.
        await stores[1].RemoveAsync(tickets[1], default);
        await stores[2].RemoveAsync(tickets[2], default);
        var later = await stores[0].EnqueueAsync(new[] { key }, default);
        Assert.True(later.Positions[0].Ordinal > tickets[2].Positions[0].Ordinal);
    }

    [Fact]
    public async Task Concurrent_multi_key_tickets_are_ordered_alike_in_every_queue_and_never_deadlock()
    {
        var keys = Enumerable.Range(0, 4).Select(_ => Key()).Order(StringComparer.Ordinal).ToArray();
        var sets = new[] { new[] { 0, 1 }, new[] { 1, 2 }, new[] { 2, 3 }, new[] { 0, 3 }, new[] { 0, 1, 2, 3 }, new[] { 1, 3 } };
        var stores = sets.Select(_ => NewStore()).ToArray();
        var tickets = await Task.WhenAll(sets.Select((set, i) => stores[i].EnqueueAsync(set.Select(k => keys[k]).ToArray(), default)));

        // Every ticket has one ordinal in all its queues, so any two share the same order in each common queue.
        var queues = await Task.WhenAll(keys.Select(k => stores[0].ReadQueueAsync(k, default)));
        foreach (var queue in queues)
        {
            Assert.Equal(queue.Select(e => e.Position.Ordinal).Order(), queue.Select(e => e.Position.Ordinal));
        }

        for (var a = 0; a < tickets.Length; a++)
        {
            for (var b = a + 1; b < tickets.Length; b++)
            {
                var orders = queues
                    .Select(q => q.Select(e => e.TicketId).ToList())
                    .Where(q => q.Contains(tickets[a].Id) && q.Contains(tickets[b].Id))
                    .Select(q => q.IndexOf(tickets[a].Id) < q.IndexOf(tickets[b].Id))
                    .Distinct()
                    .Count();
                Assert.True(orders <= 1, $"tickets {a} and {b} are ordered differently in two queues");
            }
        }

        // Everyone gets a turn: wait for head, hold each key exclusively, release.
        var holders = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await Task.WhenAll(tickets.Select((ticket, i) => Task.Run(async () =>
        {
            while ((await stores[i].CheckHeadAsync(ticket, default)).Status != HeadStatus.Head)
            {
                await stores[i].WaitForChangeAsync(ticket, default);
            }

            foreach (var position in ticket.Positions)
            {
                Assert.Equal(1, holders.AddOrUpdate(position.Key, 1, (_, n) => n + 1));
            }

            await Task.Delay(20);
            foreach (var position in ticket.Positions)
            {
                holders.AddOrUpdate(position.Key, 0, (_, n) => n - 1);
            }

            await stores[i].RemoveAsync(ticket, default);
        }))).WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task A_clean_release_is_recorded_only_for_the_last_acquirer()
    {
        var key = Key();
        var store = NewStore();
        Assert.Equal(KeyLockState.Empty, await store.GetKeyStateAsync(key, default));
        var first = await store.EnqueueAsync(new[] { key }, default);
        var ordinal = first.Positions[0].Ordinal;
        await store.RecordAcquiredAsync(key, ordinal, default);

        Assert.False(await store.RecordCleanReleaseAsync(key, ordinal + 1, default));
        var acquired = await store.GetKeyStateAsync(key, default);
        Assert.Equal(ordinal, acquired.LastAcquired);
        Assert.NotNull(acquired.LastAcquiredAt);
        Assert.Null(acquired.LastCleanRelease);
        Assert.True(acquired.NeedsSyncBefore(ordinal + 1));

        Assert.True(await store.RecordCleanReleaseAsync(key, ordinal, default));
        Assert.False((await store.GetKeyStateAsync(key, default)).NeedsSyncBefore(ordinal + 1));
        await store.RemoveAsync(first, default);

        var second = await store.EnqueueAsync(new[] { key }, default);
        await store.RecordAcquiredAsync(key, second.Positions[0].Ordinal, default);
        Assert.False(await store.RecordCleanReleaseAsync(key, ordinal, default));
    }

    [Fact]
    public async Task A_forced_removal_leaves_every_queue_unsynced_and_the_owner_sees_the_ticket_lost()
    {
        var (a, b) = (Key(), Key());
        var owner = NewStore();
        var other = NewStore();
        var ticket = await owner.EnqueueAsync(new[] { a, b }.Order(StringComparer.Ordinal).ToArray(), default);
        Assert.Equal(HeadStatus.Head, (await owner.CheckHeadAsync(ticket, default)).Status);
        await owner.RecordAcquiredAsync(a, ticket.Positions[0].Ordinal, default);
        var waiter = await other.EnqueueAsync(new[] { a }, default);

        var head = (await other.ReadQueueAsync(a, default))[0];
        Assert.Equal(ticket.Id, head.TicketId);
        Assert.Equal(2, head.Keys.Count);
        Assert.True(await other.ForceRemoveAsync(head, default));
        Assert.False(await other.ForceRemoveAsync(head, default));

        Assert.Empty(await other.ReadQueueAsync(b, default));
        Assert.Equal(HeadStatus.Head, (await other.CheckHeadAsync(waiter, default)).Status);
        Assert.True((await other.GetKeyStateAsync(a, default)).NeedsSyncBefore(waiter.Positions[0].Ordinal));
        Assert.Equal(HeadStatus.Gone, (await owner.CheckHeadAsync(ticket, default)).Status);
        Assert.Equal(LockLossReason.ForciblyReleased, ticket.LossReason);
    }

    [Fact]
    public async Task An_expired_session_loses_its_tickets_and_is_removed_by_whoever_finds_it_at_the_head()
    {
        var key = Key();
        var dying = NewStore(TimeSpan.FromSeconds(3));
        var survivor = NewStore();
        var ticket = await dying.EnqueueAsync(new[] { key }, default);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ticket.LostToken.Register(() => lost.TrySetResult());
        var next = await survivor.EnqueueAsync(new[] { key }, default);
        Assert.Equal(HeadStatus.Waiting, (await survivor.CheckHeadAsync(next, default)).Status);

        // Expire it as the lease would: its row disappears.
        await fixture.Session.ExecuteAsync(new CqlQuery($"DELETE FROM {dying.SessionTable} WHERE session_id = ?", dying.SessionId) { Consistency = CqlConsistency.Quorum });

        var watch = Stopwatch.StartNew();
        while ((await survivor.CheckHeadAsync(next, default)).Status != HeadStatus.Head)
        {
            // A session seen alive is trusted for up to a second before it is read again.
            await survivor.WaitForChangeAsync(next, default).WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the dead session's ticket was not removed");
        }

        Assert.DoesNotContain(await survivor.ReadQueueAsync(key, default), e => e.TicketId == ticket.Id);
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(LockLossReason.SessionExpired, ticket.LossReason);
        Assert.Equal(LockSessionState.Lost, dying.SessionState);
        Assert.True((await survivor.GetKeyStateAsync(key, default)) == KeyLockState.Empty);

        // A new session replaces the expired one on the next call.
        var again = await dying.EnqueueAsync(new[] { Key() }, default);
        Assert.NotEqual(ticket.SessionId, again.SessionId);
        Assert.Equal(LockSessionState.Connected, dying.SessionState);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task A_session_that_stops_heartbeating_is_detected_by_waiters_after_its_lease()
    {
        var key = Key();
        var crashed = new CassandraLockStore(fixture.Session, new CassandraLockStoreOptions
        {
            Keyspace = "lock_tests",
            SessionTimeout = TimeSpan.FromSeconds(2),
            HeartbeatInterval = TimeSpan.FromHours(1),
        });
        _stores.Add(crashed);
        await crashed.EnqueueAsync(new[] { key }, default);
        var waiterStore = NewStore();
        var waiter = await waiterStore.EnqueueAsync(new[] { key }, default);

        var watch = Stopwatch.StartNew();
        while ((await waiterStore.CheckHeadAsync(waiter, default)).Status != HeadStatus.Head)
        {
            await waiterStore.WaitForChangeAsync(waiter, default).WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20));
        }

        Assert.InRange(watch.Elapsed, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(20));
    }
}
