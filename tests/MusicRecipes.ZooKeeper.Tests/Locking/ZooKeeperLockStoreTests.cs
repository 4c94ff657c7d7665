using MusicRecipes.Locking;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

[Collection(ZooKeeperCollection.Name)]
public sealed class ZooKeeperLockStoreTests(ZooKeeperEnsembleFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly LockStoreHarness _harness = new(fixture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Tickets_queue_in_FIFO_order_with_increasing_ordinals()
    {
        var a = await _harness.StoreAsync();
        var b = await _harness.StoreAsync();
        var first = await a.EnqueueAsync(["k/1"], default);
        var second = await b.EnqueueAsync(["k/1"], default);
        var third = await a.EnqueueAsync(["k/1"], default);
        Assert.True(first.Positions[0].Ordinal >= 1);
        Assert.True(first.Positions[0].Ordinal < second.Positions[0].Ordinal);
        Assert.True(second.Positions[0].Ordinal < third.Positions[0].Ordinal);
        Assert.Equal(ZooKeeperLockStore.FormatSessionId(b.Client.SessionId), second.SessionId);

        Assert.Equal(HeadStatus.Head, (await a.CheckHeadAsync(first, default)).Status);
        Assert.Equal(HeadStatus.Waiting, (await b.CheckHeadAsync(second, default)).Status);
        var queue = await b.ReadQueueAsync("k/1", default);
        Assert.Equal([first.Id, second.Id, third.Id], queue.Select(e => e.TicketId));
        Assert.Equal(first.SessionId, queue[0].SessionId);
        Assert.Equal(["k/1"], queue[0].Keys);

        await a.RemoveAsync(first, default);
        await a.RemoveAsync(first, default); // removing twice does nothing
        Assert.Equal(HeadStatus.Head, (await b.CheckHeadAsync(second, default)).Status);
        Assert.Equal(HeadStatus.Gone, (await a.CheckHeadAsync(first, default)).Status);
        Assert.Null(first.LossReason); // removed by its owner: not a loss

        // Ordinals keep growing after the queue empties: the key node is persistent (rule 2).
        await b.RemoveAsync(second, default);
        await a.RemoveAsync(third, default);
        var later = await b.EnqueueAsync(["k/1"], default);
        Assert.True(later.Positions[0].Ordinal > third.Positions[0].Ordinal);
    }

    [Fact]
    public async Task Overlapping_multi_key_tickets_have_the_same_order_in_every_queue()
    {
        var stores = new[] { await _harness.StoreAsync(), await _harness.StoreAsync(), await _harness.StoreAsync() };
        string[][] keySets = [["a", "b"], ["b", "c"], ["a", "c"], ["a", "b", "c"]];
        var enqueues = Enumerable.Range(0, 24).Select(i => stores[i % 3].EnqueueAsync(keySets[i % keySets.Length], default));
        var tickets = await Task.WhenAll(enqueues);

        foreach (var x in tickets)
        {
            foreach (var y in tickets.Where(t => t != x))
            {
                var shared = x.Positions.Select(p => p.Key).Intersect(y.Positions.Select(p => p.Key)).ToArray();
                var orders = shared.Select(k => x.OrdinalOf(k) < y.OrdinalOf(k)).Distinct().ToArray();
                Assert.True(orders.Length <= 1, $"{x} and {y} are ordered differently across {string.Join(",", shared)}");
            }
        }

        // And the queues read back in that order.
        foreach (var key in new[] { "a", "b", "c" })
        {
            var queue = await stores[0].ReadQueueAsync(key, default);
            var expected = tickets.Where(t => t.OrdinalOf(key) is not null).OrderBy(t => t.OrdinalOf(key)).Select(t => t.Id);
            Assert.Equal(expected, queue.Select(e => e.TicketId));
        }
    }

    [Fact]
    public async Task A_waiter_is_woken_by_its_predecessors_departure_through_a_watch()
    {
        var holder = await _harness.StoreAsync();
        var waiter = await _harness.StoreAsync();
        var held = await holder.EnqueueAsync(["w"], default);
        var waiting = await waiter.EnqueueAsync(["w"], default);
        Assert.Equal(HeadStatus.Waiting, (await waiter.CheckHeadAsync(waiting, default)).Status);

        var watchesBefore = waiter.Client.Watches.Count;
        var wake = waiter.WaitForChangeAsync(waiting, default);
        await Eventually.TrueAsync(() => waiter.Client.Watches.Count > watchesBefore, Wait, "a watch on the predecessor");
        await Task.Delay(500);
        Assert.False(wake.IsCompleted, "nothing changed, so the waiter must still be waiting");

        await holder.RemoveAsync(held, default);
        await Eventually.Within(wake, Wait, "the wake-up after the predecessor left");
        Assert.Equal(HeadStatus.Head, (await waiter.CheckHeadAsync(waiting, default)).Status);
    }

    [Fact]
    public async Task Clean_release_is_recorded_only_for_the_last_acquirer()
    {
        var store = await _harness.StoreAsync();
        Assert.Equal(KeyLockState.Empty, await store.GetKeyStateAsync("cas", default));
        var ticket = await store.EnqueueAsync(["cas"], default);
        var ordinal = ticket.Positions[0].Ordinal;
        Assert.Equal(KeyLockState.Empty, await store.GetKeyStateAsync("cas", default));

        await store.RecordAcquiredAsync("cas", ordinal, default);
        var acquired = await store.GetKeyStateAsync("cas", default);
        Assert.Equal(ordinal, acquired.LastAcquired);
        Assert.NotNull(acquired.LastAcquiredAt);
        Assert.InRange(acquired.LastAcquiredAt!.Value, DateTimeOffset.UtcNow.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));
        Assert.True(acquired.NeedsSyncBefore(ordinal + 2));

        Assert.False(await store.RecordCleanReleaseAsync("cas", ordinal - 1, default));
        Assert.False(await store.RecordCleanReleaseAsync("other-key", ordinal, default));
        Assert.True(await store.RecordCleanReleaseAsync("cas", ordinal, default));
        var released = await store.GetKeyStateAsync("cas", default);
        Assert.Equal(ordinal, released.LastCleanRelease);
        Assert.False(released.NeedsSyncBefore(ordinal + 2));

        // Concurrent acquisitions and releases through several sessions never lose an update (compare-and-set).
        var others = new[] { await _harness.StoreAsync(), await _harness.StoreAsync() };
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => others[i % 2].RecordAcquiredAsync("cas", 100 + i, default)));
        var last = (await store.GetKeyStateAsync("cas", default)).LastAcquired!.Value;
        Assert.InRange(last, 100, 109);
        Assert.True(await store.RecordCleanReleaseAsync("cas", last, default));
        Assert.Equal(last, (await store.GetKeyStateAsync("cas", default)).LastCleanRelease);
    }

    [Fact]
    public async Task A_clean_release_records_the_release_as_it_leaves_and_records_nothing_over_a_later_acquisition()
    {
        var store = await _harness.StoreAsync();
        var other = await _harness.StoreAsync();
        var ticket = await store.EnqueueAsync(["short/a", "short/b"], default);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(ticket, default)).Status);
        await store.RecordAcquiredAsync("short/a", ticket.Positions[0].Ordinal, default);
        await store.RecordAcquiredAsync("short/b", ticket.Positions[1].Ordinal, default);

        var waiting = await other.EnqueueAsync(["short/a"], default);
        Assert.Equal(HeadStatus.Waiting, (await other.CheckHeadAsync(waiting, default)).Status);
        await store.ReleaseAsync(ticket, clean: true, default);
        Assert.Equal(HeadStatus.Gone, (await store.CheckHeadAsync(ticket, default)).Status);
        Assert.Null(ticket.LossReason); // our own release is not a forced one
        Assert.Equal(ticket.Positions[1].Ordinal, (await store.GetKeyStateAsync("short/b", default)).LastCleanRelease);

        Assert.Equal(HeadStatus.Head, (await other.CheckHeadAsync(waiting, default)).Status);
        var handedOver = await other.GetKeyStateAsync("short/a", default);
        Assert.Equal(ticket.Positions[0].Ordinal, handedOver.LastCleanRelease);
        Assert.False(handedOver.NeedsSyncBefore(waiting.Positions[0].Ordinal));
        await other.RecordAcquiredAsync("short/a", waiting.Positions[0].Ordinal, default);

        // Someone recorded an acquisition after ours (rule 3): the clean release records nothing, the ticket still leaves.
        await store.RecordAcquiredAsync("short/a", waiting.Positions[0].Ordinal + 100, default);
        await other.ReleaseAsync(waiting, clean: true, default);
        Assert.Equal(HeadStatus.Gone, (await other.CheckHeadAsync(waiting, default)).Status);
        var after = await other.GetKeyStateAsync("short/a", default);
        Assert.Equal(ticket.Positions[0].Ordinal, after.LastCleanRelease);
        Assert.True(after.NeedsSyncBefore(waiting.Positions[0].Ordinal + 200));
    }

    [Fact]
    public async Task A_forced_removal_takes_the_ticket_out_of_every_queue_and_signals_its_owner()
    {
        var victim = await _harness.StoreAsync();
        var remover = await _harness.StoreAsync();
        var ticket = await victim.EnqueueAsync(["f1", "f2"], default);
        var queue = await remover.ReadQueueAsync("f1", default);
        Assert.Equal(["f1", "f2"], queue[0].Keys);

        Assert.True(await remover.ForceRemoveAsync(queue[0], default));
        await Eventually.TrueAsync(() => ticket.LostToken.IsCancellationRequested, Wait, "the victim's lost token");
        Assert.Equal(LockLossReason.ForciblyReleased, ticket.LossReason);
        Assert.Empty(await remover.ReadQueueAsync("f1", default));
        Assert.Empty(await remover.ReadQueueAsync("f2", default));
        Assert.Equal(HeadStatus.Gone, (await victim.CheckHeadAsync(ticket, default)).Status);
        Assert.False(await remover.ForceRemoveAsync(queue[0], default));
        Assert.Equal(LockSessionState.Connected, victim.SessionState);
    }

    [Fact]
    public async Task Session_expiry_loses_every_ticket_and_later_calls_use_a_new_session()
    {
        var store = await _harness.StoreAsync();
        var observer = await _harness.StoreAsync();
        var states = new StateRecorder(store.Client);
        var one = await store.EnqueueAsync(["e1"], default);
        var two = await store.EnqueueAsync(["e1", "e2"], default);

        await fixture.Ensemble.ExpireSessionAsync(store.Client);

        await Eventually.TrueAsync(() => one.LostToken.IsCancellationRequested && two.LostToken.IsCancellationRequested, Wait, "both tickets lost");
        Assert.Equal(LockLossReason.SessionExpired, one.LossReason);
        Assert.Equal(LockLossReason.SessionExpired, two.LossReason);
        Assert.True(states.Saw(ZooKeeperConnectionState.Lost));
        Assert.Empty(await observer.ReadQueueAsync("e1", default));

        var fresh = await store.EnqueueAsync(["e1"], default);
        Assert.NotEqual(one.SessionId, fresh.SessionId);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(fresh, default)).Status);
        Assert.Equal(HeadStatus.Gone, (await store.CheckHeadAsync(one, default)).Status);
        Assert.Equal(LockSessionState.Connected, store.SessionState);
    }

    [Fact]
    public async Task An_enqueue_whose_reply_was_lost_is_found_by_its_id_and_not_created_twice()
    {
        var store = await _harness.StoreAsync();
        store.EnqueueFault = (attempt, committed) => attempt == 1 && committed ? new ConnectionLossException("/") : null;
        var ticket = await store.EnqueueAsync(["amb1", "amb2"], default);
        var queue1 = await store.ReadQueueAsync("amb1", default);
        var queue2 = await store.ReadQueueAsync("amb2", default);
        Assert.Equal([ticket.Id], queue1.Select(e => e.TicketId));
        Assert.Equal([ticket.Id], queue2.Select(e => e.TicketId));
        Assert.Equal(ticket.OrdinalOf("amb1"), queue1[0].Position.Ordinal);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(ticket, default)).Status);

        // A loss before the multi was sent: nothing was created, so the store tries again, once.
        store.EnqueueFault = (attempt, committed) => attempt == 1 && !committed ? new ConnectionLossException("/") : null;
        var second = await store.EnqueueAsync(["amb1"], default);
        Assert.Equal([ticket.Id, second.Id], (await store.ReadQueueAsync("amb1", default)).Select(e => e.TicketId));
    }

    [Theory]
    [InlineData("cancelled")]
    [InlineData("failed after the commit")] // e.g. the adoption's own reads lost their connection
    public async Task An_enqueue_abandoned_after_its_multi_committed_leaves_no_orphan_behind(string how)
    {
        var store = await _harness.StoreAsync();
        var key = "orphan-" + how.Replace(' ', '-');
        Exception fault = how == "cancelled" ? new OperationCanceledException() : new InvalidOperationException("injected");
        store.EnqueueFault = (_, committed) => committed ? fault : null;
        var thrown = await Record.ExceptionAsync(() => store.EnqueueAsync([key], default));
        Assert.Same(fault, thrown);
        store.EnqueueFault = null;
        var deadline = DateTime.UtcNow + Wait;
        while ((await store.ReadQueueAsync(key, default)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the orphan ticket was not cleaned up");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_unavailability_is_a_MusicUnavailableException()
    {
        var store = await _harness.StoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.EnqueueAsync([], default));
        Assert.Throws<ArgumentException>(() => new ZooKeeperLockStore(store.Client, new ZooKeeperLockStoreOptions { RootPath = "no-slash" }));

        await using var nowhere = ZooKeeperLockStore.Create(new ZooKeeperClientOptions
        {
            ConnectionString = "127.0.0.1:1",
            ConnectionTimeout = TimeSpan.FromMilliseconds(300),
        });
        Assert.Equal(LockSessionState.Latent, nowhere.SessionState);
        await Assert.ThrowsAsync<MusicUnavailableException>(() => nowhere.EnqueueAsync(["x"], default));
    }

    [Fact]
    public async Task Keys_with_slashes_dots_and_unicode_get_distinct_valid_node_names()
    {
        string[] keys = ["a/b", "a%2Fb", ".", "..", "", "ключ", "a b", "k-a"];
        var names = keys.Select(KeyNodeName.Encode).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => ZooKeeperPath.Validate("/" + n));

        var store = await _harness.StoreAsync();
        var ticket = await store.EnqueueAsync(["a/b", "ключ"], default);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(ticket, default)).Status);
        Assert.Equal(["a/b", "ключ"], (await store.ReadQueueAsync("ключ", default))[0].Keys);
    }

    [Fact]
    public void Ticket_node_names_round_trip()
    {
        var name = TicketNodeName.NameOf("abc", 8);
        Assert.Equal("t-abc-0000000007", name);
        Assert.True(TicketNodeName.TryParse(name, out var id, out var ordinal));
        Assert.Equal(("abc", 8L), (id, ordinal));
        Assert.False(TicketNodeName.TryParse("state", out _, out _));
        Assert.False(TicketNodeName.TryParse("t-abc-x", out _, out _));
    }
}
