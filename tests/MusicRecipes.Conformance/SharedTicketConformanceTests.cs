using System.Collections.Concurrent;
using MusicRecipes.Locking;
using Xunit.Abstractions;

namespace MusicRecipes.Conformance;

/// <summary>
/// Reader-writer and semaphore tickets (<see cref="TicketMode"/>) on every backend: readers hold together and never with
/// a writer, a queued writer holds back the readers behind it (no writer starvation), at most N permits hold, queues stay
/// FIFO, a reader that finds its key unclean syncs it first (rule 3 of docs/design.md), and a reader or permit is lost
/// with its session (rule 6).
/// </summary>
public abstract class SharedTicketConformanceTests(ITestOutputHelper output) : ConformanceTestBase
{
    [Fact]
    public async Task Readers_hold_together_a_writer_waits_for_them_and_holds_back_the_readers_behind_it()
    {
        var key = ConformanceKeys.New("rw");
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ClientAsync(i % Backend.SiteCount)));
        var first = await HoldAsync(clients[0], TicketMode.Shared, key);
        var second = await HoldAsync(clients[1], TicketMode.Shared, key);
        Assert.True(first.IsHeld && second.IsHeld, "two readers hold the key together");

        var writer = await clients[2].CreateLockRefAsync([key], TicketMode.Exclusive);
        var lateReader = await clients[3].CreateLockRefAsync([key], TicketMode.Shared);
        Assert.False(await clients[2].AcquireLockAsync(writer), "a writer never holds with readers");
        Assert.False(await clients[3].AcquireLockAsync(lateReader), "a reader queued behind a writer waits for it (no writer starvation)");

        await clients[0].ReleaseLockAsync(first);
        Assert.False(await clients[2].AcquireLockAsync(writer), "one reader still holds");
        await clients[1].ReleaseLockAsync(second);
        await clients[2].WaitForLockAsync(writer, Patience);
        Assert.False(await clients[3].AcquireLockAsync(lateReader));
        await clients[2].CriticalPutAsync(writer, key, "written"u8.ToArray());
        await clients[2].ReleaseLockAsync(writer);

        await clients[3].WaitForLockAsync(lateReader, Patience);
        Assert.Equal("written"u8.ToArray(), await clients[3].CriticalGetAsync(lateReader, key));
        await clients[3].ReleaseLockAsync(lateReader);
    }

    [Fact]
    public async Task A_reader_may_not_write_and_a_permit_may_neither_read_nor_write()
    {
        var (rwKey, slotsKey) = (ConformanceKeys.New("reader-put"), ConformanceKeys.New("permit-ops"));
        var client = await ClientAsync(0);
        var reader = await HoldAsync(client, TicketMode.Shared, rwKey);
        await Assert.ThrowsAsync<LockNotHeldException>(() => client.CriticalPutAsync(reader, rwKey, [1]));
        Assert.Null(await client.CriticalGetAsync(reader, rwKey));
        await client.ReleaseLockAsync(reader);

        var permit = await HoldAsync(client, TicketMode.Permits(2), slotsKey);
        await Assert.ThrowsAsync<LockNotHeldException>(() => client.CriticalGetAsync(permit, slotsKey));
        await Assert.ThrowsAsync<LockNotHeldException>(() => client.CriticalPutAsync(permit, slotsKey, [1]));
        await client.ReleaseLockAsync(permit);
    }

    [Fact]
    public async Task At_most_N_permits_hold_and_waiting_permits_hold_in_arrival_order()
    {
        var key = ConformanceKeys.New("permits");
        var clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => ClientAsync(i % Backend.SiteCount)));
        var mode = TicketMode.Permits(2);
        var a = await HoldAsync(clients[0], mode, key);
        var b = await HoldAsync(clients[1], mode, key);
        var c = await clients[2].CreateLockRefAsync([key], mode);
        var d = await clients[3].CreateLockRefAsync([key], mode);
        Assert.False(await clients[2].AcquireLockAsync(c), "a third permit of two waits");

        await clients[1].ReleaseLockAsync(b);
        await clients[2].WaitForLockAsync(c, Patience);
        Assert.False(await clients[3].AcquireLockAsync(d), "two permits are out again (a and c)");
        await clients[0].ReleaseLockAsync(a);
        await clients[3].WaitForLockAsync(d, Patience);
        await clients[2].ReleaseLockAsync(c);
        await clients[3].ReleaseLockAsync(d);
    }

    [Fact]
    public async Task A_reader_after_a_lost_writer_sees_the_writers_last_acknowledged_value()
    {
        var key = ConformanceKeys.New("reader-sync");
        var writerClient = await ClientAsync(0);
        var readers = await Task.WhenAll(ClientAsync(1), ClientAsync(2));
        var writer = await HoldAsync(writerClient, TicketMode.Exclusive, key);
        await writerClient.CriticalPutAsync(writer, key, "last"u8.ToArray());
        var waiting = await Task.WhenAll(readers.Select(r => r.CreateLockRefAsync([key], TicketMode.Shared)));

        // The writer never releases: its key is left unclean, so the first reader to hold syncs it, alone (rule 3).
        await Backend.ExpireSessionAsync(writerClient);
        await Task.WhenAll(readers.Select(async (reader, i) =>
        {
            await reader.WaitForLockAsync(waiting[i], Patience);
            Assert.Equal("last"u8.ToArray(), await reader.CriticalGetAsync(waiting[i], key));
            await reader.ReleaseLockAsync(waiting[i]);
        }));
    }

    [Fact]
    public async Task A_reader_and_a_permit_are_lost_with_their_session_and_the_writer_behind_them_holds()
    {
        var (rwKey, slotsKey) = (ConformanceKeys.New("reader-loss"), ConformanceKeys.New("permit-loss"));
        var doomed = await ClientAsync(0);
        var other = await ClientAsync(1);
        var reader = await HoldAsync(doomed, TicketMode.Shared, rwKey);
        var permit = await HoldAsync(doomed, TicketMode.Permits(1), slotsKey);
        var writer = await other.CreateLockRefAsync([rwKey], TicketMode.Exclusive);
        var nextPermit = await other.CreateLockRefAsync([slotsKey], TicketMode.Permits(1));

        await Backend.ExpireSessionAsync(doomed);
        await WaitUntilAsync(() => reader.LossReason is not null && permit.LossReason is not null);
        Assert.False(reader.IsHeld);
        Assert.False(permit.IsHeld);
        await other.WaitForLockAsync(writer, Patience);
        await other.WaitForLockAsync(nextPermit, Patience);
        await other.ReleaseLockAsync(writer);
        await other.ReleaseLockAsync(nextPermit);
    }

    [Fact]
    public async Task Randomized_readers_writers_and_permits_keep_their_limits_and_no_increment_is_lost()
    {
        var (key, slotsKey) = (ConformanceKeys.New("rw-random"), ConformanceKeys.New("slots-random"));
        const int permits = 2;
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var clients = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => ClientAsync(i % Backend.SiteCount)));
        var occupancy = new Occupancy();
        var increments = 0;
        await Task.WhenAll(clients.Select((client, c) => Task.Run(async () =>
        {
            var random = new Random(seed + c);
            for (var op = 0; op < 6; op++)
            {
                var roll = random.Next(3);
                var mode = roll switch { 0 => TicketMode.Exclusive, 1 => TicketMode.Shared, _ => TicketMode.Permits(permits) };
                var target = roll == 2 ? slotsKey : key;
                var lockRef = await client.CreateLockRefAsync([target], mode);
                await client.WaitForLockAsync(lockRef, Patience * 3);
                occupancy.Enter(mode, permits);
                if (mode == TicketMode.Exclusive)
                {
                    var count = CounterCodec.Decode(await client.CriticalGetAsync(lockRef, key));
                    await Task.Delay(random.Next(0, 15));
                    await client.CriticalPutAsync(lockRef, key, CounterCodec.Encode(count + 1));
                    Interlocked.Increment(ref increments);
                }
                else
                {
                    if (mode.AllowsReads)
                    {
                        await client.CriticalGetAsync(lockRef, key);
                    }

                    await Task.Delay(random.Next(0, 15));
                }

                occupancy.Leave(mode);
                await client.ReleaseLockAsync(lockRef);
            }
        })));

        Assert.Empty(occupancy.Violations);
        var reader = await ClientAsync(0);
        var final = await HoldAsync(reader, TicketMode.Shared, key);
        Assert.Equal(increments, CounterCodec.Decode(await reader.CriticalGetAsync(final, key)));
        output.WriteLine($"{increments} increments; most readers together {occupancy.MostReaders}; most permits together {occupancy.MostPermits}");
        await reader.ReleaseLockAsync(final);
    }

    /// <summary>
    /// Who holds between an acquire's return and the release call (loss first, rule 6, keeps a holder's own view inside
    /// its hold): a writer alone, readers only with readers, at most N permits.
    /// </summary>
    private sealed class Occupancy
    {
        private readonly object _gate = new();
        private int _writers;
        private int _readers;
        private int _permits;

        public ConcurrentQueue<string> Violations { get; } = new();

        public int MostReaders { get; private set; }

        public int MostPermits { get; private set; }

        public void Enter(TicketMode mode, int limit)
        {
            lock (_gate)
            {
                switch (mode.Kind)
                {
                    case TicketModeKind.Exclusive when _writers + _readers > 0:
                        Violations.Enqueue($"a writer held with {_writers} writers and {_readers} readers");
                        break;
                    case TicketModeKind.Shared when _writers > 0:
                        Violations.Enqueue("a reader held with a writer");
                        break;
                    case TicketModeKind.Permits when _permits >= limit:
                        Violations.Enqueue($"permit {_permits + 1} of {limit} held");
                        break;
                }

                _ = mode.Kind switch
                {
                    TicketModeKind.Exclusive => ++_writers,
                    TicketModeKind.Shared => ++_readers,
                    _ => ++_permits,
                };
                MostReaders = Math.Max(MostReaders, _readers);
                MostPermits = Math.Max(MostPermits, _permits);
            }
        }

        public void Leave(TicketMode mode)
        {
            lock (_gate)
            {
                _ = mode.Kind switch
                {
                    TicketModeKind.Exclusive => --_writers,
                    TicketModeKind.Shared => --_readers,
                    _ => --_permits,
                };
            }
        }
    }
}
