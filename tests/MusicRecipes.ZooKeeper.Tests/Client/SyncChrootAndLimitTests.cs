using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class SyncChrootAndLimitTests(ZooKeeperEnsembleFixture fixture)
{
    [Fact]
    public async Task After_sync_a_follower_sees_a_write_made_through_another_server()
    {
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        for (var i = 0; i < 3; i++)
        {
            await using var writer = await fixture.ConnectAsync(fixture.Ensemble.ConnectionStringFor(i));
            await using var reader = await fixture.ConnectAsync(fixture.Ensemble.ConnectionStringFor((i + 1) % 3));
            var path = $"{root}-{i}";
            await writer.CreateAsync(path, "x"u8.ToArray(), CreateMode.Persistent);
            await reader.SyncAsync(path);
            Assert.NotNull(await reader.ExistsAsync(path));
        }
    }

    [Fact]
    public async Task A_chroot_prefixes_every_path_and_strips_it_from_results_and_events()
    {
        var chroot = ZooKeeperEnsembleFixture.UniqueRoot();
        await using var plain = await fixture.ConnectAsync();
        await plain.CreateAsync(chroot, default, CreateMode.Persistent);
        await using var rooted = await fixture.ConnectAsync(fixture.ConnectionString + chroot);
        Assert.Equal(chroot, rooted.Chroot);

        var created = await rooted.CreateAsync("/q-", "d"u8.ToArray(), CreateMode.PersistentSequential);
        Assert.Equal("/q-0000000000", created.Path);
        // The two sessions may sit on different servers: the plain one syncs before it reads
        // another session's write (ZooKeeper promises read-your-writes only within a session).
        await plain.SyncAsync(chroot);
        Assert.NotNull(await plain.ExistsAsync(chroot + "/q-0000000000"));
        Assert.Equal(["q-0000000000"], (await rooted.GetChildrenAsync("/")).Children);

        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await rooted.GetDataAsync("/q-0000000000", e => fired.TrySetResult(e));
        await plain.SetDataAsync(chroot + "/q-0000000000", "e"u8.ToArray());
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, "/q-0000000000"), await Eventually.WithinAsync(fired.Task, TimeSpan.FromSeconds(10), "chrooted watch"));

        var results = await rooted.MultiAsync([ZooKeeperOp.Create("/m", default, CreateMode.Persistent)]);
        Assert.Equal("/m", results[0].Path);
        var missing = await Assert.ThrowsAsync<NoNodeException>(() => rooted.GetDataAsync("/none"));
        Assert.Equal("/none", missing.Path);
    }

    [Fact]
    public async Task Requests_over_the_packet_limit_are_refused_client_side_and_the_connection_survives()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        var states = new StateRecorder(zk);

        // SetData frame: xid + type (8) + path (4 + length) + data (4 + length) + version (4).
        var overhead = 8 + 4 + root.Length + 4 + 4;
        var atLimit = new byte[ZooKeeperClientOptions.DefaultMaxPacketSize - overhead];
        await zk.SetDataAsync(root, atLimit);
        Assert.Equal(atLimit.Length, (await zk.GetDataAsync(root)).Data.Length);

        var tooLarge = await Assert.ThrowsAsync<PacketTooLargeException>(() => zk.SetDataAsync(root, new byte[atLimit.Length + 1]));
        Assert.Equal(ZooKeeperClientOptions.DefaultMaxPacketSize + 1, tooLarge.Size);
        Assert.Equal(ZooKeeperClientOptions.DefaultMaxPacketSize, tooLarge.Limit);
        Assert.Equal(root, tooLarge.Path);
        await Assert.ThrowsAsync<PacketTooLargeException>(() => zk.MultiAsync([ZooKeeperOp.Create(root + "/big", new byte[2 << 20], CreateMode.Persistent)]));

        Assert.NotNull(await zk.ExistsAsync(root));
        Assert.Empty(states.States);
    }
}
