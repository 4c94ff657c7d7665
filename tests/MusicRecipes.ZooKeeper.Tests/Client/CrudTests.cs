using MusicRecipes.Testing;
using System.Text;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class CrudTests(ZooKeeperEnsembleFixture fixture)
{
    [Fact]
    public async Task Create_get_set_delete_with_versions()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        var created = await zk.CreateAsync(root, "v0"u8.ToArray(), CreateMode.Persistent);
        Assert.Equal(root, created.Path);
        Assert.Equal(0, created.Stat.Version);
        Assert.False(created.Stat.IsEphemeral);

        var read = await zk.GetDataAsync(root);
        Assert.Equal("v0", Encoding.UTF8.GetString(read.Data));

        var stat = await zk.SetDataAsync(root, "v1"u8.ToArray(), read.Stat.Version);
        Assert.Equal(1, stat.Version);

        var stale = await Assert.ThrowsAsync<BadVersionException>(() => zk.SetDataAsync(root, "v2"u8.ToArray(), 0));
        Assert.Equal(root, stale.Path);
        Assert.Equal(KeeperErrorCode.BadVersion, stale.Code);

        await Assert.ThrowsAsync<BadVersionException>(() => zk.DeleteAsync(root, 0));
        await zk.DeleteAsync(root, 1);
        Assert.Null(await zk.ExistsAsync(root));
    }

    [Fact]
    public async Task Typed_errors_carry_the_path()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        var missing = await Assert.ThrowsAsync<NoNodeException>(() => zk.GetDataAsync(root + "/nope"));
        Assert.Equal(root + "/nope", missing.Path);
        await Assert.ThrowsAsync<NoNodeException>(() => zk.CreateAsync(root + "/a/b", default, CreateMode.Persistent));

        await zk.CreateAsync(root, default, CreateMode.Persistent);
        var exists = await Assert.ThrowsAsync<NodeExistsException>(() => zk.CreateAsync(root, default, CreateMode.Persistent));
        Assert.Equal(root, exists.Path);

        await zk.CreateAsync(root + "/child", default, CreateMode.Persistent);
        await Assert.ThrowsAsync<NotEmptyException>(() => zk.DeleteAsync(root));

        await zk.CreateAsync(root + "/eph", default, CreateMode.Ephemeral);
        await Assert.ThrowsAsync<NoChildrenForEphemeralsException>(() => zk.CreateAsync(root + "/eph/x", default, CreateMode.Persistent));
        Assert.Throws<ArgumentException>(() => ZooKeeperPath.Validate(root + "/"));
        await Assert.ThrowsAsync<ArgumentException>(() => zk.CreateAsync("relative", default, CreateMode.Persistent));
    }

    [Fact]
    public async Task Sequential_ephemeral_and_container_nodes()
    {
        await using var zk = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        var first = await zk.CreateAsync(root + "/n-", default, CreateMode.EphemeralSequential);
        var second = await zk.CreateAsync(root + "/n-", default, CreateMode.PersistentSequential);
        Assert.Equal(root + "/n-0000000000", first.Path);
        Assert.Equal(root + "/n-0000000001", second.Path);
        Assert.Equal(zk.SessionId, first.Stat.EphemeralOwner);
        Assert.Equal(0, second.Stat.EphemeralOwner);

        var container = await zk.CreateAsync(root + "/box", default, CreateMode.Container);
        Assert.Equal(root + "/box", container.Path);

        var children = await zk.GetChildrenAsync(root);
        Assert.Equal(["box", "n-0000000000", "n-0000000001"], children.Children.Order(StringComparer.Ordinal));
        Assert.Equal(3, children.Stat.NumChildren);
        Assert.Equal(3, children.Stat.Cversion);
    }

    [Fact]
    public async Task Closing_the_client_deletes_its_ephemeral_nodes_at_once()
    {
        await using var observer = await fixture.ConnectAsync();
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await observer.CreateAsync(root, default, CreateMode.Persistent);
        var zk = await fixture.ConnectAsync();
        await zk.CreateAsync(root + "/mine", default, CreateMode.Ephemeral);
        await zk.DisposeAsync();
        Assert.Equal(ZooKeeperConnectionState.Closed, zk.ConnectionState);
        await observer.SyncAsync(root);
        Assert.Null(await observer.ExistsAsync(root + "/mine"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => zk.ExistsAsync(root));
    }

    [Fact]
    public async Task Cancellation_abandons_the_wait()
    {
        await using var zk = await fixture.ConnectAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => zk.ExistsAsync("/", null, cancelled.Token));
        Assert.NotNull(await zk.ExistsAsync("/"));
    }
}
