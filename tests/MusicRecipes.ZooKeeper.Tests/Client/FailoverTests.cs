using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class FailoverTests(ZooKeeperEnsembleFixture fixture)
{
    [Fact]
    public async Task Killing_the_clients_server_moves_it_to_another_keeping_session_ephemerals_and_watches()
    {
        await using var zk = await fixture.ConnectAsync(sessionTimeout: TimeSpan.FromSeconds(8));
        await using var writer = await fixture.ConnectAsync();
        var states = new StateRecorder(zk);
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        await zk.CreateAsync(root + "/eph", default, CreateMode.Ephemeral);
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetDataAsync(root, e => fired.TrySetResult(e));
        var session = zk.SessionId;
        var victim = fixture.Ensemble.ServerIndexOf(zk.ConnectedServer!);
        try
        {
            await fixture.Ensemble.KillAsync(victim);
            await Eventually.TrueAsync(() => states.Saw(ZooKeeperConnectionState.Reconnected), TimeSpan.FromSeconds(20), "Reconnected");
            Assert.Equal(ZooKeeperConnectionState.Suspended, states.States[0]);
            Assert.Equal(session, zk.SessionId);
            Assert.NotEqual(victim, fixture.Ensemble.ServerIndexOf(zk.ConnectedServer!));

            // The watch set on the dead server was re-registered on the new one and fires once.
            await writer.SetDataAsync(root, "changed"u8.ToArray());
            var e = await Eventually.WithinAsync(fired.Task, TimeSpan.FromSeconds(10), "the re-registered watch");
            Assert.Equal(new WatchedEvent(WatchEventType.NodeDataChanged, root), e);
            await writer.SyncAsync(root);
            Assert.Equal(session, (await writer.ExistsAsync(root + "/eph"))!.EphemeralOwner);
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    [Fact]
    public async Task A_watch_whose_node_changed_while_disconnected_fires_after_reconnect()
    {
        var victim = 0;
        await using var zk = await fixture.ConnectAsync(fixture.Ensemble.ConnectionStringFor(victim) + "," + fixture.Ensemble.ConnectionStringFor(1), TimeSpan.FromSeconds(8));
        await using var writer = await fixture.ConnectAsync(fixture.Ensemble.ConnectionStringFor(2));
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        var fired = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.GetDataAsync(root, e => fired.TrySetResult(e));
        var server = fixture.Ensemble.ServerIndexOf(zk.ConnectedServer!);
        try
        {
            await fixture.Ensemble.KillAsync(server);
            // Changed while the client has no connection: SetWatches with our last zxid makes the new server fire it.
            // If the killed server was the leader, the writer's server drops its connections until a new leader is
            // elected; setData without a version is safe to repeat.
            await SetDataRetryingAsync(writer, root, "x"u8.ToArray());
            var e = await Eventually.WithinAsync(fired.Task, TimeSpan.FromSeconds(20), "the watch after reconnect");
            Assert.Equal(WatchEventType.NodeDataChanged, e.Type);
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    [Fact]
    public async Task Requests_in_flight_when_the_connection_drops_fail_with_ConnectionLoss_and_later_ones_wait_for_the_reconnect()
    {
        await using var zk = await fixture.ConnectAsync(sessionTimeout: TimeSpan.FromSeconds(8));
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        var victim = fixture.Ensemble.ServerIndexOf(zk.ConnectedServer!);
        try
        {
            await fixture.Ensemble.KillAsync(victim);

            // The kill returns before the client has read the closed socket; a request sent before that goes out on
            // the dead connection and fails with ConnectionLoss (the other half of this test's name). Wait until the
            // client has noticed, so the request below is issued while suspended (or already reconnected).
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (zk.ConnectionState == ZooKeeperConnectionState.Connected && zk.ConnectedServer is { } server && fixture.Ensemble.ServerIndexOf(server) == victim)
            {
                Assert.True(DateTime.UtcNow < deadline, "the client never noticed that its server died");
                await Task.Delay(5);
            }

            // Issued while suspended: waits for the reconnect, then succeeds.
            var stat = await zk.ExistsAsync(root);
            Assert.NotNull(stat);
            Assert.NotEqual(victim, fixture.Ensemble.ServerIndexOf(zk.ConnectedServer!));
        }
        finally
        {
            await fixture.RestoreAsync();
        }
    }

    [Fact]
    public async Task With_no_server_reachable_operations_fail_with_ConnectionLoss()
    {
        await using var zk = ZooKeeperClient.Start(new ZooKeeperClientOptions
        {
            ConnectionString = "127.0.0.1:1",
            ConnectionTimeout = TimeSpan.FromMilliseconds(500),
        });
        var e = await Assert.ThrowsAsync<ConnectionLossException>(() => zk.ExistsAsync("/x"));
        Assert.Equal("/x", e.Path);
        Assert.Equal(ZooKeeperConnectionState.Latent, zk.ConnectionState);
    }

    private static async Task SetDataRetryingAsync(ZooKeeperClient client, string path, byte[] data)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await client.SetDataAsync(path, data);
                return;
            }
            catch (ConnectionLossException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }
}
