using System.Text;
using MusicRecipes.Containers.Tests.Infrastructure;
using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper;

namespace MusicRecipes.Containers.Tests.Partitions;

/// <summary>
/// Real partitions between ZooKeeper servers (iptables inside the containers), which one machine's processes cannot
/// have: a follower cut from the other two loses the quorum, stops serving, and its clients' sessions expire on the
/// majority's side; a leader cut off is replaced. Clients still reach every server throughout.
/// </summary>
[Collection(ContainersCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperPartitionTests(ContainerServersFixture fixture)
{
    private static readonly byte[] Data = Encoding.UTF8.GetBytes("x");

    [Fact]
    public async Task An_isolated_follower_stops_serving_and_its_clients_session_expires_while_the_majority_goes_on()
    {
        var zk = fixture.ZooKeeper;
        var leader = await zk.LeaderIndexAsync();
        var follower = (leader + 1) % zk.ServerCount;
        var root = ContainerServersFixture.UniqueRoot();
        await using var majority = await fixture.ConnectZooKeeperAsync(zk.ConnectionStringFor(leader));
        await majority.EnsurePathAsync(root);
        await using var minority = await fixture.ConnectZooKeeperAsync(zk.ConnectionStringFor(follower), TimeSpan.FromSeconds(4));
        await minority.CreateAsync(root + "/ephemeral", Data, CreateMode.Ephemeral);

        // The client reports the loss when it reconnects after the heal, and may open a new session right away: watch for it.
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        minority.ConnectionStateChanged += (_, e) =>
        {
            if (e.State == ZooKeeperConnectionState.Lost)
            {
                lost.TrySetResult();
            }
        };
        try
        {
            await zk.IsolateAsync(follower);
            await Eventually.TrueAsync(async () => await zk.ModeOfAsync(follower) is null, TimeSpan.FromSeconds(30), "the isolated follower stops serving");
            await majority.CreateAsync(root + "/during", Data, CreateMode.Persistent);

            // The leader no longer hears the session's pings: it expires it and deletes its ephemeral node.
            await Eventually.TrueAsync(async () => await majority.ExistsAsync(root + "/ephemeral") is null, TimeSpan.FromSeconds(30), "the minority client's session expires");
            Assert.NotEqual(ZooKeeperConnectionState.Connected, minority.ConnectionState);
        }
        finally
        {
            await zk.HealAsync();
        }

        await Eventually.TrueAsync(async () => await zk.ModeOfAsync(follower) == "follower", TimeSpan.FromSeconds(60), "the follower rejoins");
        await using var rejoined = await fixture.ConnectZooKeeperAsync(zk.ConnectionStringFor(follower));
        await rejoined.SyncAsync(root + "/during");
        Assert.NotNull(await rejoined.ExistsAsync(root + "/during"));
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task An_isolated_leader_is_replaced_by_a_leader_of_the_majority()
    {
        var zk = fixture.ZooKeeper;
        var leader = await zk.LeaderIndexAsync();
        var others = Enumerable.Range(0, zk.ServerCount).Where(i => i != leader).ToList();
        var root = ContainerServersFixture.UniqueRoot();
        try
        {
            await zk.IsolateAsync(leader);
            await Eventually.TrueAsync(
                async () => (await Task.WhenAll(others.Select(i => zk.ModeOfAsync(i)))).Contains("leader"),
                TimeSpan.FromSeconds(60),
                "the majority elects a new leader");
            await using var majority = await fixture.ConnectZooKeeperAsync(string.Join(',', others.Select(zk.ConnectionStringFor)));
            await majority.EnsurePathAsync(root);
            await Eventually.TrueAsync(async () => await zk.ModeOfAsync(leader) is null, TimeSpan.FromSeconds(30), "the old leader stops serving");
        }
        finally
        {
            await zk.HealAsync();
        }

        await Eventually.TrueAsync(async () => await zk.ModeOfAsync(leader) == "follower", TimeSpan.FromSeconds(60), "the old leader rejoins as a follower");
        await using var client = await fixture.ConnectZooKeeperAsync(zk.ConnectionStringFor(leader));
        await client.SyncAsync(root);
        Assert.NotNull(await client.ExistsAsync(root));
    }
}
