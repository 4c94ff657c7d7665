using System.Text;
using MusicRecipes.Locking;
using MusicRecipes.Storage;

namespace MusicRecipes.Conformance;

/// <summary>
/// The MUSIC contract (docs/design.md §2), run against every backend: one small subclass per backend supplies
/// <see cref="ConformanceTestBase.Backend"/>.
/// </summary>
public abstract partial class MusicConformanceTests : ConformanceTestBase
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string? Text(byte[]? bytes) => bytes is null ? null : Encoding.UTF8.GetString(bytes);

    [Fact]
    public async Task Only_the_head_ticket_acquires_and_release_hands_over()
    {
        var key = ConformanceKeys.New("exclusion");
        var a = await ClientAsync(0);
        var b = await ClientAsync(1);
        var first = await a.CreateLockRefAsync([key]);
        var second = await b.CreateLockRefAsync([key]);

        Assert.True(await a.AcquireLockAsync(first));
        Assert.False(await b.AcquireLockAsync(second));
        Assert.True(await a.AcquireLockAsync(first)); // idempotent for the holder
        await a.ReleaseLockAsync(first);
        Assert.True(await b.AcquireLockAsync(second));
        Assert.True(second.FencingToken.Value > first.FencingToken.Value);
        await b.ReleaseLockAsync(second);
    }

    [Fact]
    public async Task Only_the_first_holder_of_a_key_ever_is_told_so()
    {
        var (used, fresh) = (ConformanceKeys.New("first-used"), ConformanceKeys.New("first-fresh"));
        var a = await ClientAsync(0);
        var b = await ClientAsync(1);
        var first = await a.CreateLockRefAsync([used]);
        var queued = await b.CreateLockRefAsync([used]);
        Assert.False(first.IsFirstHolderOf(used)); // not acquired yet
        Assert.True(await a.AcquireLockAsync(first));
        Assert.True(first.IsFirstHolderOf(used));
        Assert.Throws<ArgumentException>(() => first.IsFirstHolderOf(fresh));
        await a.ReleaseLockAsync(first); // clean, nothing written: the next holder is still not the first

        await b.WaitForLockAsync(queued, Patience);
        Assert.False(queued.IsFirstHolderOf(used));
        await b.ReleaseLockAsync(queued);

        // A ticket over a used key and a fresh one is the first holder of the fresh one only.
        var both = await a.CreateLockRefAsync([used, fresh]);
        await a.WaitForLockAsync(both, Patience);
        Assert.Equal((false, true), (both.IsFirstHolderOf(used), both.IsFirstHolderOf(fresh)));
        await a.ReleaseLockAsync(both);
    }

    [Fact]
    public async Task Tickets_acquire_in_the_order_they_were_created()
    {
        var key = ConformanceKeys.New("fifo");
        var clients = new List<IMusicClient>();
        for (var i = 0; i < 5; i++)
        {
            clients.Add(await ClientAsync(i % Backend.SiteCount));
        }

        var tickets = new List<LockRef>();
        foreach (var client in clients)
        {
            tickets.Add(await client.CreateLockRefAsync([key]));
        }

        var order = new List<int>();
        var waits = clients.Select(async (client, i) =>
        {
            await client.WaitForLockAsync(tickets[i], Patience);
            lock (order)
            {
                order.Add(i);
            }

            await Task.Delay(20);
            await client.ReleaseLockAsync(tickets[i]);
        }).ToArray();
        await Task.WhenAll(waits);

        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, order);
        Assert.Equal(tickets.Select(t => t.FencingToken.Value).Order(), tickets.Select(t => t.FencingToken.Value));
    }

    [Fact]
    public async Task Multi_key_tickets_over_overlapping_sets_never_deadlock()
    {
        var keys = Enumerable.Range(0, 3).Select(i => ConformanceKeys.New($"multi{i}")).ToArray();
        var sets = new[] { new[] { keys[0], keys[1] }, new[] { keys[1], keys[2] }, new[] { keys[2], keys[0] } };
        var clients = new List<IMusicClient>();
        for (var i = 0; i < 6; i++)
        {
            clients.Add(await ClientAsync(i % Backend.SiteCount));
        }

        var holders = new int[keys.Length];
        var violations = 0;
        var rounds = clients.Select(async (client, i) =>
        {
            for (var round = 0; round < 3; round++)
            {
                var set = sets[(i + round) % sets.Length];
                var lockRef = await client.CreateLockRefAsync(set.Reverse());
                await client.WaitForLockAsync(lockRef, Patience);
                foreach (var k in set)
                {
                    if (Interlocked.Increment(ref holders[Array.IndexOf(keys, k)]) != 1)
                    {
                        Interlocked.Increment(ref violations);
                    }
                }

                await Task.Delay(5);
                foreach (var k in set)
                {
                    Interlocked.Decrement(ref holders[Array.IndexOf(keys, k)]);
                }

                await client.ReleaseLockAsync(lockRef);
            }
        }).ToArray();

        await Task.WhenAll(rounds).WaitAsync(Patience * 2);
        Assert.Equal(0, violations);
    }

    [Fact]
    public async Task Puts_to_several_keys_may_be_in_flight_together_and_the_release_waits_for_them()
    {
        var keys = Enumerable.Range(0, 4).Select(i => ConformanceKeys.New($"pipelined{i}")).ToArray();
        var writer = await ClientAsync(0);
        var held = await HoldAsync(writer, keys);
        var puts = keys.Select(k => writer.CriticalPutAsync(held, k, Bytes("v-" + k))).ToArray();
        await writer.ReleaseLockAsync(held); // waits for the puts in flight, then records the release
        Assert.All(puts, p => Assert.True(p.IsCompletedSuccessfully));

        // Every put landed, and the release was clean: the next holder, at another site, reads them all.
        var reader = await ClientAsync(Backend.SiteCount - 1);
        var next = await HoldAsync(reader, keys);
        foreach (var key in keys)
        {
            Assert.Equal("v-" + key, Text(await reader.CriticalGetAsync(next, key)));
        }

        await reader.ReleaseLockAsync(next);
    }

    [Fact]
    public async Task A_critical_read_at_another_site_sees_the_latest_critical_write()
    {
        var key = ConformanceKeys.New("latest");
        var writer = await ClientAsync(0);
        var reader = await ClientAsync(Backend.SiteCount - 1);
        for (var i = 1; i <= 3; i++)
        {
            var w = await HoldAsync(writer, key);
            await writer.CriticalPutAsync(w, key, Bytes($"v{i}"));
            await writer.ReleaseLockAsync(w);

            var r = await HoldAsync(reader, key);
            Assert.Equal($"v{i}", Text(await reader.CriticalGetAsync(r, key)));
            await reader.ReleaseLockAsync(r);
        }
    }

    [Fact]
    public async Task An_eventual_put_at_one_site_becomes_visible_at_the_others()
    {
        var key = ConformanceKeys.New("eventual");
        var writer = await ClientAsync(0);
        var readers = new List<IMusicClient> { writer };
        for (var site = 1; site < Backend.SiteCount; site++)
        {
            readers.Add(await ClientAsync(site));
        }

        await writer.PutAsync(key, Bytes("hello"));

        // The writer's own site too is only promised "eventually": a backend whose sites share one data centre (the
        // Cassandra suite's three views over one DC) may acknowledge a LOCAL_ONE put from one replica and answer the
        // next LOCAL_ONE read from another (CI run 21 saw null there).
        foreach (var reader in readers)
        {
            var deadline = DateTime.UtcNow + Patience;
            string? seen;
            while ((seen = Text(await reader.GetAsync(key))) is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            Assert.Equal("hello", seen);
        }
    }

    [Fact]
    public async Task An_eventual_write_loses_to_a_critical_write_whatever_its_clock()
    {
        var key = ConformanceKeys.New("eventual-loses");
        var holder = await ClientAsync(0);
        var future = await ClientAsync(1, new MusicClientOptions { TimeProvider = new ShiftedTimeProvider(TimeSpan.FromDays(365)) });
        var lockRef = await HoldAsync(holder, key);
        await holder.CriticalPutAsync(lockRef, key, Bytes("critical"));
        await future.PutAsync(key, Bytes("eventual"));
        Assert.Equal("critical", Text(await holder.CriticalGetAsync(lockRef, key)));
        await holder.ReleaseLockAsync(lockRef);
    }

    [Fact]
    public async Task A_later_holder_wins_even_when_its_clock_is_behind()
    {
        var key = ConformanceKeys.New("skew");
        var fast = await ClientAsync(0, new MusicClientOptions { TimeProvider = new ShiftedTimeProvider(TimeSpan.FromHours(1)) });
        var slow = await ClientAsync(1, new MusicClientOptions { TimeProvider = new ShiftedTimeProvider(TimeSpan.FromHours(-1)) });

        var first = await HoldAsync(fast, key);
        await fast.CriticalPutAsync(first, key, Bytes("earlier holder"));
        await fast.ReleaseLockAsync(first);

        var second = await HoldAsync(slow, key);
        await slow.CriticalPutAsync(second, key, Bytes("later holder"));
        Assert.Equal("later holder", Text(await slow.CriticalGetAsync(second, key)));
        await slow.ReleaseLockAsync(second);
    }

    [Fact]
    public async Task A_late_write_of_an_evicted_holder_never_overrides_the_new_holder()
    {
        var key = ConformanceKeys.New("late-write");
        var old = await ClientAsync(0);
        var next = await ClientAsync(1);
        var evicted = await HoldAsync(old, key);
        await old.CriticalPutAsync(evicted, key, Bytes("old 1"));
        var oldFence = evicted.FencingTokenFor(key).Value;

        Assert.True(await next.ForceReleaseAsync(key));
        var current = await HoldAsync(next, key);
        await next.CriticalPutAsync(current, key, Bytes("new"));

        // The old holder learns it lost the lock, and its own API refuses further critical writes...
        await WaitUntilAsync(() => evicted.LostToken.IsCancellationRequested);
        Assert.Equal(LockLossReason.ForciblyReleased, evicted.LossReason);
        await Assert.ThrowsAsync<LockLostException>(() => old.CriticalPutAsync(evicted, key, Bytes("old 2")));

        // ...and a packet it sent earlier that arrives only now (its fencing timestamp, a high sequence) loses.
        var raw = await Backend.CreateDataStoreAsync(0);
        await raw.WriteAsync(key, Bytes("old delayed"), FencingTimestamp.ForCriticalWrite(oldFence, FencingTimestamp.MaxSequence), DataConsistency.Quorum, CancellationToken.None);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("new", Text(await next.CriticalGetAsync(current, key)));
        }

        await next.ReleaseLockAsync(current);
        await old.ReleaseLockAsync(evicted); // releasing a lost ticket is allowed and harmless
    }

    [Fact]
    public async Task Session_expiry_fires_the_lost_token_and_lets_the_next_holder_in()
    {
        var key = ConformanceKeys.New("expiry");
        var doomed = await ClientAsync(0);
        var waiter = await ClientAsync(1);
        var held = await HoldAsync(doomed, key);
        await doomed.CriticalPutAsync(held, key, Bytes("before expiry"));
        var waiting = await waiter.CreateLockRefAsync([key]);

        await Backend.ExpireSessionAsync(doomed);

        await waiter.WaitForLockAsync(waiting, Patience);
        await WaitUntilAsync(() => held.LostToken.IsCancellationRequested);
        Assert.Equal(LockLossReason.SessionExpired, held.LossReason);
        Assert.Equal("before expiry", Text(await waiter.CriticalGetAsync(waiting, key)));
        await Assert.ThrowsAsync<LockLostException>(() => doomed.CriticalGetAsync(held, key));
        await waiter.ReleaseLockAsync(waiting);

        // The expired client opens a new session and can lock again.
        var again = await HoldAsync(doomed, key);
        Assert.True(again.IsHeld);
        await doomed.ReleaseLockAsync(again);
    }

    [Fact]
    public async Task A_holder_past_its_lease_loses_the_lock_and_a_waiter_evicts_it()
    {
        var key = ConformanceKeys.New("lease");
        // The waiter judges the holder by its own lease setting, and its own hold lives under it too: a longer lease
        // for the waiter keeps the test about eviction, not about how fast a loaded machine syncs and reads.
        var slow = await ClientAsync(0, new MusicClientOptions { HoldLease = TimeSpan.FromMilliseconds(600), ClockSkewAllowance = TimeSpan.FromMilliseconds(200) });
        var waiter = await ClientAsync(1, new MusicClientOptions { HoldLease = TimeSpan.FromSeconds(2), ClockSkewAllowance = TimeSpan.FromMilliseconds(200) });
        var held = await HoldAsync(slow, key);
        await slow.CriticalPutAsync(held, key, Bytes("slow"));

        var waiting = await waiter.CreateLockRefAsync([key]);
        await waiter.WaitForLockAsync(waiting, Patience);

        await WaitUntilAsync(() => held.LostToken.IsCancellationRequested);
        Assert.Contains(held.LossReason, new LockLossReason?[] { LockLossReason.LeaseExpired, LockLossReason.ForciblyReleased });
        Assert.Equal("slow", Text(await waiter.CriticalGetAsync(waiting, key)));
        await waiter.ReleaseLockAsync(waiting);
        await slow.ReleaseLockAsync(held);
    }

    [Fact]
    public async Task Waiting_times_out_with_the_ticket_still_queued_and_honours_cancellation()
    {
        var key = ConformanceKeys.New("timeout");
        var holder = await ClientAsync(0);
        var waiter = await ClientAsync(1);
        var held = await HoldAsync(holder, key);
        var waiting = await waiter.CreateLockRefAsync([key]);

        await Assert.ThrowsAsync<LockTimeoutException>(() => waiter.WaitForLockAsync(waiting, TimeSpan.FromMilliseconds(300)));
        await Assert.ThrowsAsync<LockTimeoutException>(() => waiter.WaitForLockAsync(waiting, TimeSpan.Zero));
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter.WaitForLockAsync(waiting, Patience, cancel.Token));
        }

        await holder.ReleaseLockAsync(held);
        await waiter.WaitForLockAsync(waiting, Patience); // still queued, so it gets the lock next
        await waiter.WaitForLockAsync(waiting, TimeSpan.Zero); // a zero timeout is a try-lock: held, so it returns
        await waiter.ReleaseLockAsync(waiting);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_leaves_state_intact()
    {
        var key = ConformanceKeys.New("bad-input");
        var other = ConformanceKeys.New("bad-input-other");
        var client = await ClientAsync(0);
        var stranger = await ClientAsync(1);

        await Assert.ThrowsAsync<ArgumentNullException>(() => client.CreateLockRefAsync(null!));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateLockRefAsync(Array.Empty<string>()));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateLockRefAsync([""]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.CreateLockRefAsync(new string[] { null! }));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateLockRefAsync([new string('k', 300)]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.CreateLockRefAsync(["bad\0key"]));
        await Assert.ThrowsAsync<ArgumentException>(() => client.PutAsync("", Bytes("x")));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.PutAsync(key, null!));

        var held = await HoldAsync(client, key);
        await client.CriticalPutAsync(held, key, Bytes("good"));
        var queued = await client.CreateLockRefAsync([key]);

        await Assert.ThrowsAsync<UnknownLockRefException>(() => stranger.CriticalGetAsync(held, key));
        await Assert.ThrowsAsync<UnknownLockRefException>(() => stranger.AcquireLockAsync(held));
        await Assert.ThrowsAsync<UnknownLockRefException>(() => stranger.ReleaseLockAsync(held));
        await Assert.ThrowsAsync<LockNotHeldException>(() => client.CriticalPutAsync(queued, key, Bytes("not mine yet")));
        await Assert.ThrowsAsync<LockNotHeldException>(() => client.CriticalGetAsync(held, other));
        var tooBig = new byte[2 * 1024 * 1024];
        await Assert.ThrowsAsync<ValueTooLargeException>(() => client.CriticalPutAsync(held, key, tooBig));
        await Assert.ThrowsAsync<ValueTooLargeException>(() => client.PutAsync(other, tooBig));
        await Assert.ThrowsAsync<ArgumentNullException>(() => client.CriticalPutAsync(held, key, null!));

        // Nothing above changed the value or the lock.
        Assert.True(held.IsHeld);
        Assert.Equal("good", Text(await client.CriticalGetAsync(held, key)));
        await client.ReleaseLockAsync(held);
        await client.ReleaseLockAsync(held); // idempotent

        await Assert.ThrowsAsync<LockLostException>(() => client.AcquireLockAsync(held));
        await Assert.ThrowsAsync<LockLostException>(() => client.CriticalGetAsync(held, key));
        await Assert.ThrowsAsync<LockLostException>(() => client.CriticalPutAsync(held, key, Bytes("reuse")));

        await client.WaitForLockAsync(queued, Patience);
        Assert.Equal("good", Text(await client.CriticalGetAsync(queued, key)));
        await client.ReleaseLockAsync(queued);
    }

    [Fact]
    public async Task A_released_ticket_leaves_the_queue_while_still_waiting()
    {
        var key = ConformanceKeys.New("abandon");
        var holder = await ClientAsync(0);
        var quitter = await ClientAsync(1);
        var next = await ClientAsync(2 % Backend.SiteCount);
        var held = await HoldAsync(holder, key);
        var abandoned = await quitter.CreateLockRefAsync([key]);
        var waiting = await next.CreateLockRefAsync([key]);

        await quitter.ReleaseLockAsync(abandoned);
        await holder.ReleaseLockAsync(held);
        await next.WaitForLockAsync(waiting, Patience);
        Assert.True(waiting.IsHeld);
        await next.ReleaseLockAsync(waiting);
    }
}
