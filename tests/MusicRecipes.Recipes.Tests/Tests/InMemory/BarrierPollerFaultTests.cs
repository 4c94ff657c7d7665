using MusicRecipes.Recipes.Barriers;
using MusicRecipes.Recipes.Tests.AbstractTestCases;
using MusicRecipes.Recipes.Tests.Infrastructure;
using MusicRecipes.Recipes.Tests.Infrastructure.InMemory;
using MusicRecipes.Testing.Backends;

namespace MusicRecipes.Recipes.Tests.Tests.InMemory;

/// <summary>
/// How a barrier waiter treats failed reads (BarrierPoller): a failed local read is only a missed hint and the wait
/// goes on; a failed critical read — the read that bounds how long a lagging replica can hold a waiter — ends the wait
/// with its error instead of being swallowed. On the in-memory backend, whose faults can be aimed at one site.
/// </summary>
public sealed class BarrierPollerFaultTests : RecipeTestBase
{
    private static MusicBarrierOptions Options => new()
    {
        PollInterval = TimeSpan.FromMilliseconds(5),
        MaxPollInterval = TimeSpan.FromMilliseconds(20),
        CriticalReadEvery = 4,
        LockTimeout = TimeSpan.FromSeconds(3),
    };

    protected override Task<IMusicTestBackend> CreateBackendAsync() => Task.FromResult<IMusicTestBackend>(new InMemoryRecipeBackend());

    [Fact]
    public async Task A_waiter_rides_out_failed_local_reads()
    {
        var name = UniqueName("barrier");
        var coordinator = new MusicBarrier(await ClientAsync(0), name, Options);
        await coordinator.SetBarrierAsync();
        var waiterClient = new FaultyClient(await ClientAsync(1));
        waiterClient.FailLocalReads(3);

        var waiting = new MusicBarrier(waiterClient, name, Options).WaitOnBarrierAsync();
        await EventuallyAsync(() => waiterClient.FailedReads == 3 || waiting.IsCompleted, "the waiter's local reads fail");
        Assert.False(waiting.IsCompleted, $"the wait ended while the barrier was set: {waiting.Exception?.InnerException?.Message}");

        await coordinator.RemoveBarrierAsync();
        await WithinPatience(waiting, "the waiter is released once the barrier is removed");
    }

    [Fact]
    public async Task A_failed_critical_read_ends_the_wait_with_its_error()
    {
        var name = UniqueName("barrier");
        var coordinator = new MusicBarrier(await ClientAsync(0), name, Options);
        await coordinator.SetBarrierAsync();
        var waiting = new MusicBarrier(await ClientAsync(2), name, Options).WaitOnBarrierAsync();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        // Site 2 keeps its local replica (local reads still work and still show the barrier set) but can no longer
        // read critically: the waiter must be told, not left polling a replica that will never change.
        await Backend.CutOffAsync(2);
        var error = await WithinPatience(Assert.ThrowsAnyAsync<Exception>(() => waiting), "the wait ends with the critical read's error");
        Assert.True(error is MusicException or TimeoutException, $"unexpected {error}");
    }
}
