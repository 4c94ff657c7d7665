using MusicRecipes.Testing;
using MusicRecipes.Locking;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class LeaderFailoverTests(ZooKeeperEnsembleFixture fixture) : IAsyncLifetime
{
    private readonly LockStoreHarness _harness = new(fixture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Killing_the_leader_keeps_held_tickets_and_a_waiter_still_wakes_after_the_election()
    {
        var holder = await _harness.StoreAsync(TimeSpan.FromSeconds(10));
        var waiter = await _harness.StoreAsync(TimeSpan.FromSeconds(10));
        var held = await holder.EnqueueAsync(["leader-key"], TicketMode.Exclusive, default);
        var waiting = await waiter.EnqueueAsync(["leader-key"], TicketMode.Exclusive, default);
        Assert.Equal(HeadStatus.Waiting, (await waiter.CheckHeadAsync(waiting, default)).Status);
        var leader = await fixture.Ensemble.LeaderIndexAsync();
        Assert.InRange(leader, 0, 2);
        try
        {
            await fixture.Ensemble.KillAsync(leader);
            // During the election a call may fail with ConnectionLoss (surfaced as MusicUnavailableException), as
            // the ILockStore contract allows; MusicClient's waiter retries, and so does this test.
            var wake = RetryWhileUnavailableAsync(() => waiter.WaitForChangeAsync(waiting, default));
            await Eventually.TrueAsync(
                () => fixture.Ensemble.LeaderIndexAsync().GetAwaiter().GetResult() is var l && l >= 0 && l != leader,
                TimeSpan.FromSeconds(30),
                "a new leader");
            await RetryWhileUnavailableAsync(() => holder.ReleaseAsync(held, clean: null, default));
            await Eventually.WithinAsync(wake, TimeSpan.FromSeconds(20), "the waiter's wake-up after the election");
            Assert.Equal(HeadStatus.Head, (await waiter.CheckHeadAsync(waiting, default)).Status);
            Assert.Null(held.LossReason);
            Assert.Null(waiting.LossReason);
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    private static async Task RetryWhileUnavailableAsync(Func<Task> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await call();
                return;
            }
            catch (MusicUnavailableException) when (attempt < 20)
            {
                await Task.Delay(250);
            }
        }
    }
}
