using MusicRecipes.Testing;
using System.Collections.Concurrent;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class WatchTests(ZooKeeperEnsembleFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_data_watch_fires_exactly_once()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, "a"u8.ToArray(), CreateMode.Persistent);
        var events = new ConcurrentQueue<WatchedEvent>();
        await zk.GetDataAsync(root, events.Enqueue);
        await zk.SetDataAsync(root, "b"u8.ToArray());
        await zk.SetDataAsync(root, "c"u8.ToArray());
        await Eventually.TrueAsync(() => !events.IsEmpty, Wait, "the data watch");
        // A round trip after the second write: any second delivery would have been posted by now.
        await zk.SyncAsync(root);
        await zk.ExistsAsync(root);
        await Task.Delay(200);
        Assert.Equal([new WatchedEvent(WatchEventType.NodeDataChanged, root)], events);
    }

    [Fact]
    public async Task Exists_watch_on_a_missing_node_fires_on_create_and_child_watch_on_new_child()
    {
        await using var zk = await fixture.ConnectAsync();
        await using var other = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        var created = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.Null(await zk.ExistsAsync(root, e => created.TrySetResult(e)));
        await other.CreateAsync(root, default, CreateMode.Persistent);
        Assert.Equal(new WatchedEvent(WatchEventType.NodeCreated, root), await Eventually.WithinAsync(created.Task, Wait, "NodeCreated"));

        var children = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetChildrenAsync(root, e => children.TrySetResult(e));
        await other.CreateAsync(root + "/c", default, CreateMode.Ephemeral);
        Assert.Equal(new WatchedEvent(WatchEventType.NodeChildrenChanged, root), await Eventually.WithinAsync(children.Task, Wait, "NodeChildrenChanged"));

        var deleted = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.ExistsAsync(root + "/c", e => deleted.TrySetResult(e));
        await other.DeleteAsync(root + "/c");
        Assert.Equal(new WatchedEvent(WatchEventType.NodeDeleted, root + "/c"), await Eventually.WithinAsync(deleted.Task, Wait, "NodeDeleted"));
    }

    [Fact]
    public async Task Watch_callbacks_do_not_run_on_the_reader_loop()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        var release = new ManualResetEventSlim();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetDataAsync(root, _ =>
        {
            entered.TrySetResult();
            release.Wait(TimeSpan.FromSeconds(10)); // a callback that blocks
        });
        await zk.SetDataAsync(root, "x"u8.ToArray());
        await Eventually.WithinAsync(entered.Task, Wait, "the blocking callback");
        // While the callback blocks, the connection still answers requests.
        var stat = await Eventually.WithinAsync(zk.ExistsAsync(root), TimeSpan.FromSeconds(3), "a request while a callback blocks");
        Assert.Equal(1, stat!.Version);
        release.Set();
    }
}
