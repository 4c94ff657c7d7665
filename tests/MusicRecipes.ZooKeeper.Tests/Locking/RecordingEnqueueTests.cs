using MusicRecipes.Locking;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>
/// The short lock path (<see cref="ZooKeeperRecordingEnqueue"/>): an exclusive ticket on free keys records its
/// acquisition in its enqueue's multi — and only when it is alone in every queue and the key state is the one it read.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class RecordingEnqueueTests(ZooKeeperEnsembleFixture fixture) : IAsyncLifetime
{
    private readonly LockStoreHarness _harness = new(fixture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task An_exclusive_ticket_on_free_keys_records_in_its_enqueue_and_its_section_writes_twice()
    {
        var store = await _harness.StoreAsync();
        var other = await _harness.StoreAsync();
        string[] keys = ["free-1", "free-2"];
        var before = await LeaveKeysAsync(store, keys);

        var ticket = await store.EnqueueAsync(keys, TicketMode.Exclusive, default);

        // The record is in the enqueue's transaction: each key node was last written by the multi that created the node.
        await AssertKeyStatesLastWrittenByTheEnqueueAsync(store, ticket);
        foreach (var position in ticket.Positions)
        {
            Assert.Equal(position.Ordinal, (await other.GetKeyStateAsync(position.Key, default)).State.LastAcquired);
        }

        // The head check and the records are answered from the enqueue, with the states as they were before it.
        var head = await store.CheckHeadAsync(ticket, default);
        Assert.Equal(HeadStatus.Head, head.Status);
        Assert.Equal(before, head.KeyStates!.Select(s => s.State.LastAcquired));
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.Equal(RecordResult.Recorded, await store.TryRecordAcquiredAsync(ticket, ticket.Positions[i], head.KeyStates![i], default));
        }

        await AssertKeyStatesLastWrittenByTheEnqueueAsync(store, ticket); // not written again

        // The release is the second and last write: clean over the version the enqueue's record left.
        await store.ReleaseAsync(ticket, new CleanRelease([null, null]), default);
        foreach (var position in ticket.Positions)
        {
            var state = (await other.GetKeyStateAsync(position.Key, default)).State;
            Assert.Equal((position.Ordinal, position.Ordinal), (state.LastAcquired, state.LastCleanRelease));
        }
    }

    [Fact]
    public async Task The_first_enqueue_under_a_fresh_root_creates_every_key_node_and_records_at_once()
    {
        // The root does not exist yet: creating it must not skip the key whose create found it missing.
        var store = await _harness.StoreAsync();
        var ticket = await store.EnqueueAsync(["fresh-a", "fresh-b"], TicketMode.Exclusive, default);
        await AssertKeyStatesLastWrittenByTheEnqueueAsync(store, ticket);
    }

    [Fact]
    public async Task A_key_never_locked_gets_its_node_in_the_enqueue_multi_so_its_first_section_writes_twice_too()
    {
        var store = await _harness.StoreAsync();
        var other = await _harness.StoreAsync();
        await LeaveKeysAsync(store, ["once-locked"]);

        // One key node exists (left uncleanly), the other does not: both are entered and recorded by the one multi.
        var ticket = await store.EnqueueAsync(["once-locked", "never-locked"], TicketMode.Exclusive, default);

        await AssertKeyStatesLastWrittenByTheEnqueueAsync(store, ticket);
        var fresh = ticket.Positions[1];
        var ticketNode = await store.Client.ExistsAsync(KeyPath(fresh.Key) + "/" + TicketNodeName.NameOf(ticket.Id, fresh.Ordinal));
        Assert.Equal(ticketNode!.Czxid, (await store.Client.ExistsAsync(KeyPath(fresh.Key)))!.Czxid); // created by the same transaction
        Assert.Equal(1, fresh.Ordinal);
        Assert.Equal(1, (await other.GetKeyStateAsync(fresh.Key, default)).State.LastAcquired);

        var head = await store.CheckHeadAsync(ticket, default);
        Assert.Equal(HeadStatus.Head, head.Status);
        Assert.Equal(KeyLockState.Empty, head.KeyStates![1].State);
        for (var i = 0; i < ticket.Positions.Count; i++)
        {
            Assert.Equal(RecordResult.Recorded, await store.TryRecordAcquiredAsync(ticket, ticket.Positions[i], head.KeyStates![i], default));
        }

        await AssertKeyStatesLastWrittenByTheEnqueueAsync(store, ticket); // not written again
        await store.ReleaseAsync(ticket, new CleanRelease([null, null]), default);
        Assert.Equal(1, (await other.GetKeyStateAsync(fresh.Key, default)).State.LastCleanRelease);
    }

    [Fact]
    public async Task A_key_node_another_client_created_between_the_look_and_the_multi_refuses_the_plan_and_the_ticket_queues_behind()
    {
        var store = await _harness.StoreAsync();
        var other = await _harness.StoreAsync();
        LockTicket? first = null;
        store.EnqueueFault = (attempt, committed) =>
        {
            if (attempt == 1 && !committed)
            {
                first = other.EnqueueAsync(["contested"], TicketMode.Exclusive, default).GetAwaiter().GetResult();
            }

            return null;
        };

        var ticket = await store.EnqueueAsync(["contested"], TicketMode.Exclusive, default);

        Assert.Equal(1, first!.OrdinalOf("contested"));
        Assert.Equal(2, ticket.OrdinalOf("contested"));
        Assert.Equal(1, (await store.GetKeyStateAsync("contested", default)).State.LastAcquired);
        Assert.Equal(HeadStatus.Waiting, (await store.CheckHeadAsync(ticket, default)).Status);
        await other.ReleaseAsync(first, new CleanRelease([null]), default);
        await AcquireAsync(store, ticket);
        Assert.Equal(2, (await other.GetKeyStateAsync("contested", default)).State.LastAcquired);
    }

    [Fact]
    public async Task A_ticket_behind_another_enqueues_without_a_record()
    {
        var holder = await _harness.StoreAsync();
        var waiter = await _harness.StoreAsync();
        await LeaveKeysAsync(holder, ["busy"]);
        var held = await holder.EnqueueAsync(["busy"], TicketMode.Exclusive, default);
        var version = (await holder.GetKeyStateAsync("busy", default)).Version;

        var waiting = await waiter.EnqueueAsync(["busy"], TicketMode.Exclusive, default);

        var state = await waiter.GetKeyStateAsync("busy", default);
        Assert.Equal((held.OrdinalOf("busy"), version), (state.State.LastAcquired, state.Version));
        Assert.Equal(HeadStatus.Waiting, (await waiter.CheckHeadAsync(waiting, default)).Status);
    }

    [Fact]
    public async Task A_ticket_behind_another_on_a_key_its_store_never_locked_sends_one_write_and_no_create_of_the_key_node()
    {
        // Every write takes the next zxid, a refused one too (a create of an existing node included), so the writes
        // between the holder's enqueue and the waiter's are counted on the servers. Another session's write may fall
        // in between (an older session expiring): the fewest over three tries counts.
        var waiter = await _harness.StoreAsync();
        await LeaveKeysAsync(waiter, ["warm-up"]); // the waiter's store knows its root
        var writes = new List<long>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            var holder = await _harness.StoreAsync();
            var key = $"new-to-the-waiter-{attempt}";
            var held = await holder.EnqueueAsync([key], TicketMode.Exclusive, default);
            var waiting = await waiter.EnqueueAsync([key], TicketMode.Exclusive, default);
            var heldNode = await holder.Client.ExistsAsync(KeyPath(key) + "/" + TicketNodeName.NameOf(held.Id, held.OrdinalOf(key)!.Value));
            var waitingNode = await waiter.Client.ExistsAsync(KeyPath(key) + "/" + TicketNodeName.NameOf(waiting.Id, waiting.OrdinalOf(key)!.Value));
            writes.Add(waitingNode!.Czxid - heldNode!.Czxid);
            Assert.Equal(HeadStatus.Waiting, (await waiter.CheckHeadAsync(waiting, default)).Status);
        }

        Assert.Equal(1, writes.Min());
    }

    [Fact]
    public async Task A_queue_that_moved_between_the_read_and_the_multi_refuses_the_record_and_the_ticket_enqueues_plainly()
    {
        var store = await _harness.StoreAsync();
        var other = await _harness.StoreAsync();
        var before = await LeaveKeysAsync(store, ["moved"]);

        // Between the store's read of the key node and its multi, a reader comes and goes: the key's child version moves
        // by two and its data version not at all, so only the check on the predicted name can refuse the record.
        store.EnqueueFault = (attempt, committed) =>
        {
            if (attempt == 1 && !committed)
            {
                var reader = other.EnqueueAsync(["moved"], TicketMode.Shared, default).GetAwaiter().GetResult();
                other.ReleaseAsync(reader, clean: null, default).GetAwaiter().GetResult();
            }

            return null;
        };
        var ticket = await store.EnqueueAsync(["moved"], TicketMode.Exclusive, default);

        Assert.Equal(before[0], (await other.GetKeyStateAsync("moved", default)).State.LastAcquired);
        await AcquireAsync(store, ticket);
        Assert.Equal(ticket.OrdinalOf("moved"), (await other.GetKeyStateAsync("moved", default)).State.LastAcquired);
    }

    [Fact]
    public async Task A_key_state_that_changed_between_the_read_and_the_multi_refuses_the_record_and_is_kept()
    {
        var store = await _harness.StoreAsync();
        await LeaveKeysAsync(store, ["changed"]);
        var marked = new KeyLockState(LastAcquired: 1, LastAcquiredAt: null, LastCleanRelease: 1, LastWrite: 424242);
        store.EnqueueFault = (attempt, committed) =>
        {
            if (attempt == 1 && !committed)
            {
                store.Client.SetDataAsync(KeyPath("changed"), KeyStateRecord.Encode(marked)).GetAwaiter().GetResult();
            }

            return null;
        };

        var ticket = await store.EnqueueAsync(["changed"], TicketMode.Exclusive, default);

        Assert.Equal(marked, (await store.GetKeyStateAsync("changed", default)).State);
        await AcquireAsync(store, ticket);
        Assert.Equal(424242, (await store.GetKeyStateAsync("changed", default)).State.LastWrite);
    }

    [Fact]
    public async Task The_hold_lease_of_a_ticket_recorded_at_its_enqueue_counts_from_the_enqueue()
    {
        // Others judge the hold by the time recorded, which is the enqueue's: the holder's own lease must not be later.
        await using var backend = new ZooKeeperTestBackend(fixture);
        var client = await backend.CreateClientAsync(0, new MusicClientOptions { HoldLease = TimeSpan.FromSeconds(1) });
        var lockRef = await client.CreateLockRefAsync(["leased"]);
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var lost = await Assert.ThrowsAsync<LockLostException>(() => client.AcquireLockAsync(lockRef));
        Assert.Equal(LockLossReason.LeaseExpired, lost.Reason);
    }

    [Fact]
    public async Task A_look_at_the_key_nodes_cut_off_by_a_lost_connection_falls_back_to_the_plain_enqueue()
    {
        var store = await _harness.StoreAsync();
        var before = await LeaveKeysAsync(store, ["look-lost"]);
        store.RecordingLookFault = () => new ConnectionLossException("/");

        var ticket = await store.EnqueueAsync(["look-lost"], TicketMode.Exclusive, default);

        Assert.Equal(before[0], (await store.GetKeyStateAsync("look-lost", default)).State.LastAcquired);
        await AcquireAsync(store, ticket);
        Assert.Equal(ticket.OrdinalOf("look-lost"), (await store.GetKeyStateAsync("look-lost", default)).State.LastAcquired);
    }

    [Theory]
    [InlineData("shared")]
    [InlineData("permits")]
    public async Task Readers_and_permits_never_record_at_the_enqueue(string kind)
    {
        var store = await _harness.StoreAsync();
        var before = await LeaveKeysAsync(store, [kind]);
        await store.EnqueueAsync([kind], kind == "shared" ? TicketMode.Shared : TicketMode.Permits(2), default);
        Assert.Equal(before[0], (await store.GetKeyStateAsync(kind, default)).State.LastAcquired);
    }

    private string KeyPath(string key) => ZooKeeperPath.Combine(_harness.Root, KeyNodeName.Encode(key));

    /// <summary>Each key node's data was last written by the transaction that created the ticket's node on it.</summary>
    private async Task AssertKeyStatesLastWrittenByTheEnqueueAsync(ZooKeeperLockStore store, LockTicket ticket)
    {
        foreach (var position in ticket.Positions)
        {
            var ticketNode = await store.Client.ExistsAsync(KeyPath(position.Key) + "/" + TicketNodeName.NameOf(ticket.Id, position.Ordinal));
            Assert.Equal(ticketNode!.Czxid, (await store.Client.GetDataAsync(KeyPath(position.Key))).Stat.Mzxid);
        }
    }

    /// <summary>Creates the keys' nodes with one ticket each, left uncleanly; returns each key's LastAcquired.</summary>
    private static async Task<long?[]> LeaveKeysAsync(ZooKeeperLockStore store, string[] keys)
    {
        var ticket = await store.EnqueueAsync(keys, TicketMode.Exclusive, default);
        await AcquireAsync(store, ticket);
        await store.ReleaseAsync(ticket, clean: null, default);
        return ticket.Positions.Select(p => (long?)p.Ordinal).ToArray();
    }

    /// <summary>The client's acquire path on the bare store: a head check, then a record per key.</summary>
    private static async Task AcquireAsync(ZooKeeperLockStore store, LockTicket ticket)
    {
        var head = await store.CheckHeadAsync(ticket, default);
        Assert.Equal(HeadStatus.Head, head.Status);
        for (var i = 0; i < ticket.Positions.Count; i++)
        {
            Assert.Equal(RecordResult.Recorded, await store.TryRecordAcquiredAsync(ticket, ticket.Positions[i], head.KeyStates![i], default));
        }
    }
}
