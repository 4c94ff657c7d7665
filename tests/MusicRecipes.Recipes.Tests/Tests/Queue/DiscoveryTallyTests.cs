using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using MusicRecipes.InMemory;
using MusicRecipes.Recipes.Queue;

namespace MusicRecipes.Recipes.Tests.Tests.Queue;

/// <summary>A discovery round that claims nothing says why at Debug: otherwise a worker that keeps passing an open item by leaves no trace.</summary>
public sealed class DiscoveryTallyTests
{
    [Fact]
    public async Task A_round_that_claims_nothing_logs_what_stopped_each_open_item()
    {
        await using var cluster = new InMemoryMusicCluster(sites: 1);
        await using var holderClient = cluster.CreateClient(0);
        await using var idleClient = cluster.CreateClient(0);
        var holder = new MusicWorkQueue(holderClient, "tally", new MusicWorkQueueOptions { ProducerId = "p", WorkerId = "holder" });
        var logs = new FakeLogger<MusicWorkQueue>();
        var idle = new MusicWorkQueue(idleClient, "tally", new MusicWorkQueueOptions { WorkerId = "idle", ForeignClaimTrust = TimeSpan.Zero, ClaimIntentTrust = TimeSpan.Zero }, logs);

        await holder.SubmitAsync("x"u8.ToArray());
        await using var claim = await holder.TryClaimNextAsync();
        Assert.NotNull(claim);
        while ((await idle.PeekStatusAsync(claim.Item.Id))?.State != WorkItemState.Claimed)
        {
            await Task.Delay(10); // the claim's record is pipelined: the idle worker must see it to defer
        }

        // First sight of another worker's claim: left alone. Next round (no trust window): its lock is tried, and held.
        Assert.Null(await idle.TryClaimNextAsync());
        Assert.Null(await idle.TryClaimNextAsync());

        var rounds = logs.Collector.GetSnapshot().Where(r => r.Id.Id == 1310).Select(r => r.Message).ToList();
        Assert.Equal(2, rounds.Count);
        Assert.All(rounds, r => Assert.Contains("found nothing to claim in 1 open item(s)", r));
        Assert.Contains("1 deferred", rounds[0]);
        Assert.Contains("1 busy", rounds[1]);
        Assert.All(logs.Collector.GetSnapshot().Where(r => r.Id.Id == 1310), r => Assert.Equal(LogLevel.Debug, r.Level));
    }
}
