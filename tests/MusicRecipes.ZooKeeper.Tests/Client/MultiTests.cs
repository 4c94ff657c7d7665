using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class MultiTests(ZooKeeperEnsembleFixture fixture)
{
    [Fact]
    public async Task A_successful_multi_returns_one_result_per_operation()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, "0"u8.ToArray(), CreateMode.Persistent);
        await zk.CreateAsync(root + "/old", default, CreateMode.Persistent);
        var results = await zk.MultiAsync(
        [
            ZooKeeperOp.Check(root, 0),
            ZooKeeperOp.Create(root + "/s-", default, CreateMode.EphemeralSequential),
            ZooKeeperOp.SetData(root, "1"u8.ToArray(), 0),
            ZooKeeperOp.Delete(root + "/old"),
        ]);
        Assert.Equal([ZooKeeperOpKind.Check, ZooKeeperOpKind.Create, ZooKeeperOpKind.SetData, ZooKeeperOpKind.Delete], results.Select(r => r.Kind));
        Assert.All(results, r => Assert.Equal(KeeperErrorCode.Ok, r.Error));
        Assert.Equal(root + "/s-0000000001", results[1].Path);
        Assert.Equal(zk.SessionId, (await zk.ExistsAsync(results[1].Path!))!.EphemeralOwner);
        Assert.Equal(1, results[2].Stat!.Version);
        Assert.Null(await zk.ExistsAsync(root + "/old"));
    }

    [Fact]
    public async Task A_multiRead_returns_every_read_in_one_request_and_a_missing_node_as_null()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, "state"u8.ToArray(), CreateMode.Persistent);
        await zk.CreateAsync(root + "/b", default, CreateMode.Persistent);
        await zk.CreateAsync(root + "/a", default, CreateMode.Persistent);
        await zk.SetDataAsync(root, "state2"u8.ToArray(), 0);

        // The session's own writes are visible to its reads on the same server (the head check relies on it).
        var (children, data) = await zk.MultiReadAsync([root, root + "/missing"], [root, root + "/a/missing"], CancellationToken.None);
        Assert.Equal(["a", "b"], children[0]!.Order());
        Assert.Null(children[1]);
        Assert.Equal("state2"u8.ToArray(), data[0]!.Data);
        Assert.Equal(1, data[0]!.Stat.Version);
        Assert.Null(data[1]);
    }

    [Fact]
    public async Task A_failing_operation_rolls_back_the_whole_multi()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, "0"u8.ToArray(), CreateMode.Persistent);
        var failure = await Assert.ThrowsAsync<BadVersionException>(() => zk.MultiAsync(
        [
            ZooKeeperOp.Create(root + "/a", default, CreateMode.Persistent),
            ZooKeeperOp.SetData(root, "1"u8.ToArray()),
            ZooKeeperOp.Check(root, 7),
            ZooKeeperOp.Create(root + "/b", default, CreateMode.Persistent),
        ]));
        Assert.Equal(root, failure.Path);
        Assert.Equal(
            [KeeperErrorCode.Ok, KeeperErrorCode.Ok, KeeperErrorCode.BadVersion, KeeperErrorCode.RuntimeInconsistency],
            failure.MultiResults!.Select(r => r.Error));
        Assert.All(failure.MultiResults!, r => Assert.Equal(ZooKeeperOpKind.Error, r.Kind));
        Assert.Null(await zk.ExistsAsync(root + "/a"));
        var data = await zk.GetDataAsync(root);
        Assert.Equal("0"u8.ToArray(), data.Data);
        Assert.Equal(0, data.Stat.Version);
    }

    [Fact]
    public async Task Sequential_creates_in_one_multi_take_each_parents_counter()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        await zk.CreateAsync(root + "/a", default, CreateMode.Persistent);
        await zk.CreateAsync(root + "/b", default, CreateMode.Persistent);
        await zk.CreateAsync(root + "/b/pad-", default, CreateMode.PersistentSequential);
        var results = await zk.MultiAsync(
        [
            ZooKeeperOp.Create(root + "/a/n-", default, CreateMode.EphemeralSequential),
            ZooKeeperOp.Create(root + "/b/n-", default, CreateMode.EphemeralSequential),
        ]);
        Assert.Equal(root + "/a/n-0000000000", results[0].Path);
        Assert.Equal(root + "/b/n-0000000001", results[1].Path);
    }
}
