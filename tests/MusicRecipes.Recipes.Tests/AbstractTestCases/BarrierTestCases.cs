using System.Collections.Concurrent;
using System.Diagnostics;
using MusicRecipes.Recipes.Barriers;

namespace MusicRecipes.Recipes.Tests.AbstractTestCases;

/// <summary>The barrier and the double barrier (<see cref="DistributedBarrier"/>, <see cref="DistributedDoubleBarrier"/>), for any backend.</summary>
public abstract class BarrierTestCases : RecipeTestBase
{
    private static BarrierOptions Fast(string? id = null) => new() { ParticipantId = id, PollInterval = TimeSpan.FromMilliseconds(5), MaxPollInterval = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task Waiters_at_every_site_block_while_the_barrier_is_set_and_pass_once_it_is_removed()
    {
        var name = UniqueName("barrier");
        var coordinator = new DistributedBarrier(await ClientAsync(0), name, Fast());
        var waiters = new List<DistributedBarrier>();
        for (var site = 0; site < Backend.SiteCount; site++)
        {
            waiters.Add(new DistributedBarrier(await ClientAsync(site), name, Fast()));
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
        var participants = new List<DistributedDoubleBarrier>();
        for (var site = 0; site < Members; site++)
        {
            participants.Add(new DistributedDoubleBarrier(await ClientAsync(site), name, Members, Fast($"p{site}")));
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

    private static async Task EnterAsync(DistributedDoubleBarrier participant, ConcurrentBag<long> arrivals, ConcurrentBag<long> entered)
    {
        await Task.Yield();
        arrivals.Add(Stopwatch.GetTimestamp());
        await participant.EnterAsync();
        entered.Add(Stopwatch.GetTimestamp());
    }

    private static async Task LeaveAsync(DistributedDoubleBarrier participant, ConcurrentBag<long> starts, ConcurrentBag<long> left)
    {
        await Task.Yield();
        starts.Add(Stopwatch.GetTimestamp());
        await participant.LeaveAsync();
        left.Add(Stopwatch.GetTimestamp());
    }
}
