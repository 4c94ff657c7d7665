using System.Collections.Concurrent;
using System.Diagnostics;
using MusicRecipes.Recipes.Barriers;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>The barrier and the double barrier (<see cref="MusicBarrier"/>, <see cref="MusicDoubleBarrier"/>), for any backend.</summary>
public abstract class BarrierTestCases : RecipeTestBase
{
    private static MusicBarrierOptions Fast(string? id = null) => new() { ParticipantId = id, PollInterval = TimeSpan.FromMilliseconds(5), MaxPollInterval = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task Waiters_at_every_site_block_while_the_barrier_is_set_and_pass_once_it_is_removed()
    {
        var name = UniqueName("barrier");
        var coordinator = new MusicBarrier(await ClientAsync(0), name, Fast());
        var waiters = new List<MusicBarrier>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            waiters.Add(new MusicBarrier(await ClientAsync(site), name, Fast()));
        }

        // Not set: nobody waits.
        await WithinPatience(waiters[1].WaitOnBarrierAsync(), "wait on a barrier that was never set");

        await coordinator.SetBarrierAsync();
        await coordinator.SetBarrierAsync(); // idempotent
        long removedAt = 0;
        var released = new ConcurrentBag<long>();
        var waiting = waiters.Select(w => Task.Run(async () => { await w.WaitOnBarrierAsync(); released.Add(Stopwatch.GetTimestamp()); })).ToArray();
        Assert.False(await waiters[2].WaitOnBarrierAsync(TimeSpan.FromMilliseconds(100)), "passed a set barrier");
        Assert.Empty(released);

        removedAt = Stopwatch.GetTimestamp();
        await coordinator.RemoveBarrierAsync();
        await WithinPatience(Task.WhenAll(waiting), "every waiter released");
        Assert.All(released, t => Assert.True(t > removedAt, "a waiter passed before the barrier was removed"));

        // A new generation blocks again.
        await coordinator.SetBarrierAsync();
        var again = waiters[1].WaitOnBarrierAsync();
        Assert.False(await waiters[0].WaitOnBarrierAsync(TimeSpan.FromMilliseconds(50)));
        Assert.False(again.IsCompleted);
        await coordinator.RemoveBarrierAsync();
        await WithinPatience(again, "released from the second generation");
    }

    [Fact]
    public async Task Double_barrier_enters_only_when_all_arrived_and_leaves_only_when_all_left()
    {
        var name = UniqueName("double");
        const int Members = 3;
        var participants = new List<MusicDoubleBarrier>();
        for (var site = 0; site < Members; site++)
        {
            participants.Add(new MusicDoubleBarrier(await ClientAsync(site), name, Members, Fast($"p{site}")));
        }

        for (var round = 0; round < 2; round++)
        {
            var arrivals = new ConcurrentBag<long>();
            var entered = new ConcurrentBag<long>();
            var entering = participants.Take(Members - 1).Select(p => EnterAsync(p, arrivals, entered)).ToList();
            await EventuallyAsync(() => arrivals.Count == Members - 1, "first participants arrive");
            await Task.Delay(50);
            Assert.Empty(entered);
            entering.Add(EnterAsync(participants[^1], arrivals, entered));
            await WithinPatience(Task.WhenAll(entering), $"round {round}: everybody entered");
            Assert.All(entered, t => Assert.True(t > arrivals.Max(), "entered before everybody arrived"));

            var leaveStarts = new ConcurrentBag<long>();
            var left = new ConcurrentBag<long>();
            var leaving = participants.Skip(1).Select(p => LeaveAsync(p, leaveStarts, left)).ToList();
            await EventuallyAsync(() => leaveStarts.Count == Members - 1, "first participants start leaving");
            await Task.Delay(50);
            Assert.Empty(left);
            leaving.Add(LeaveAsync(participants[0], leaveStarts, left));
            await WithinPatience(Task.WhenAll(leaving), $"round {round}: everybody left");
            Assert.All(left, t => Assert.True(t > leaveStarts.Max(), "left before everybody was leaving"));
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => participants[0].LeaveAsync());
    }

    [Fact]
    public async Task Survivors_leave_a_double_barrier_whose_member_crashed_after_entering()
    {
        var name = UniqueName("double");
        const int Members = 3;
        var clients = new List<IMusicClient>();
        var participants = new List<MusicDoubleBarrier>();
        for (var site = 0; site < Members; site++)
        {
            clients.Add(await ClientAsync(site));
            participants.Add(new MusicDoubleBarrier(clients[site], name, Members, Fast($"p{site}")));
        }

        await WithinPatience(Task.WhenAll(participants.Select(p => p.EnterAsync())), "everybody entered");

        // p2's process dies before it leaves: its lock session expires after the session timeout, and with it its
        // membership, so the others do not wait for it forever.
        await Backend.CrashAsync(clients[2]);
        await WithinPatience(Task.WhenAll(participants.Take(2).Select(p => p.LeaveAsync())), "the survivors leave");

        // The barrier works on: the next round fills with a newcomer and empties again.
        var round2 = participants.Take(2).Append(new MusicDoubleBarrier(await ClientAsync(2), name, Members, Fast("p2-new"))).ToList();
        await WithinPatience(Task.WhenAll(round2.Select(p => p.EnterAsync())), "the next round fills");
        await WithinPatience(Task.WhenAll(round2.Select(p => p.LeaveAsync())), "the next round leaves");
    }

    [Fact]
    public async Task A_member_that_crashed_while_waiting_to_enter_stops_counting()
    {
        var name = UniqueName("double");
        const int Members = 3;
        var first = new MusicDoubleBarrier(await ClientAsync(0), name, Members, Fast("first"));
        var victimClient = await ClientAsync(2);
        var victim = new MusicDoubleBarrier(victimClient, name, Members, Fast("victim"));
        var entering = new List<Task> { first.EnterAsync() };

        // What the victim's own call does after the crash does not matter (a dead process makes no calls); observe it.
        _ = victim.EnterAsync().ContinueWith(static t => t.Exception, TaskScheduler.Default);
        await EventuallyAsync(async () => (await first.ReadMembersAsync(CancellationToken.None)).Count == 2, "both entered, waiting for a third");

        await Backend.CrashAsync(victimClient);
        await EventuallyAsync(async () => !(await first.ReadMembersAsync(CancellationToken.None)).Contains("victim"), "the crashed member stops counting");
        Assert.False(entering[0].IsCompleted, "entered with a crashed member counted");

        // Two live newcomers make the round full: the crashed member is not one of the three.
        for (var i = 1; i <= 2; i++)
        {
            entering.Add(new MusicDoubleBarrier(await ClientAsync(i), name, Members, Fast($"late{i}")).EnterAsync());
        }

        await WithinPatience(Task.WhenAll(entering), "the three live members entered");
        Assert.Equal(["first", "late1", "late2"], (await first.ReadMembersAsync(CancellationToken.None)).Order(StringComparer.Ordinal));
    }

    private static async Task EnterAsync(MusicDoubleBarrier participant, ConcurrentBag<long> arrivals, ConcurrentBag<long> entered)
    {
        await Task.Yield();
        arrivals.Add(Stopwatch.GetTimestamp());
        await participant.EnterAsync();
        entered.Add(Stopwatch.GetTimestamp());
    }

    private static async Task LeaveAsync(MusicDoubleBarrier participant, ConcurrentBag<long> starts, ConcurrentBag<long> left)
    {
        await Task.Yield();
        starts.Add(Stopwatch.GetTimestamp());
        await participant.LeaveAsync();
        left.Add(Stopwatch.GetTimestamp());
    }
}
