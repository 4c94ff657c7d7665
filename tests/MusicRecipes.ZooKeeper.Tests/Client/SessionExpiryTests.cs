using MusicRecipes.Testing;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Client;

[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class SessionExpiryTests(ZooKeeperEnsembleFixture fixture)
{
    [Fact]
    public async Task Expiry_removes_ephemerals_reports_Lost_tells_watchers_and_opens_a_new_session()
    {
        await using var observer = await fixture.ConnectAsync();
        await using var zk = await fixture.ConnectAsync();
        var states = new StateRecorder(zk);
        var root = ZooKeeperEnsembleFixture.UniqueRoot();
        await zk.CreateAsync(root, default, CreateMode.Persistent);
        await zk.CreateAsync(root + "/eph", default, CreateMode.Ephemeral);
        var watch = new TaskCompletionSource<WatchedEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await zk.ExistsAsync(root + "/other", e => watch.TrySetResult(e));
        var oldSession = zk.SessionId;

        await fixture.Ensemble.ExpireSessionAsync(zk);

        await observer.SyncAsync(root);
        Assert.Null(await observer.ExistsAsync(root + "/eph"));
        await Eventually.TrueAsync(() => states.Saw(ZooKeeperConnectionState.Lost), TimeSpan.FromSeconds(20), "Lost");
        Assert.Equal(new WatchedEvent(WatchEventType.SessionExpired, root + "/other"), await Eventually.WithinAsync(watch.Task, TimeSpan.FromSeconds(5), "the expiry event"));
        // The state changes to Connected before the listener records it: wait for the recorded event, which must come
        // after Lost (a new session), not only for the state.
        await Eventually.TrueAsync(
            () =>
            {
                var seen = states.States.ToList();
                var lost = seen.IndexOf(ZooKeeperConnectionState.Lost);
                return lost >= 0 && seen.LastIndexOf(ZooKeeperConnectionState.Connected) > lost;
            },
            TimeSpan.FromSeconds(20),
            "Connected (a new session) recorded after Lost");
        Assert.Equal(ZooKeeperConnectionState.Connected, zk.ConnectionState);
        Assert.NotEqual(oldSession, zk.SessionId);
        Assert.NotEqual(0, zk.SessionId);
        var created = await zk.CreateAsync(root + "/eph2", default, CreateMode.Ephemeral);
        Assert.Equal(zk.SessionId, created.Stat.EphemeralOwner);
    }

    [Fact]
    public async Task A_client_cut_off_for_longer_than_its_session_timeout_reports_Lost_by_itself()
    {
        var victim = 2;
        await using var zk = await fixture.ConnectAsync(fixture.Ensemble.ConnectionStringFor(victim), TimeSpan.FromSeconds(2));
        var states = new StateRecorder(zk);
        try
        {
            await fixture.Ensemble.KillAsync(victim);
            await Eventually.TrueAsync(() => states.Saw(ZooKeeperConnectionState.Suspended), TimeSpan.FromSeconds(5), "Suspended");
            await Eventually.TrueAsync(() => states.Saw(ZooKeeperConnectionState.Lost), TimeSpan.FromSeconds(10), "Lost after the session timeout");
            Assert.Equal(0, zk.SessionId);
        }
        finally
        {
            await fixture.RestoreAsync();
        }

        await Eventually.TrueAsync(() => zk.ConnectionState == ZooKeeperConnectionState.Connected, TimeSpan.FromSeconds(30), "a new session on the restarted server");
    }

    [Fact]
    public async Task Session_credentials_resume_the_same_session_from_another_client()
    {
        await using var zk = await fixture.ConnectAsync();
        await using var twin = await ZooKeeperClient.ConnectAsync(new ZooKeeperClientOptions
        {
            ConnectionString = fixture.ConnectionString,
            ResumeSession = zk.SessionCredentials,
            SessionTimeout = TimeSpan.FromSeconds(6),
        });
        Assert.Equal(zk.SessionId, twin.SessionId);
        Assert.Equal(ZooKeeperConnectionState.Reconnected, twin.ConnectionState);
    }
}
