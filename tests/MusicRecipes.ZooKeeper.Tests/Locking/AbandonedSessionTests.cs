using MusicRecipes.Testing;
using System.Diagnostics;
using System.Net;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Network;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>
/// A session the store abandoned (its client-side lease ran out, rule 6 of docs/design.md) is gone for good: never
/// adopted again, even by a reconnect that was already presenting its credentials, and closed on the servers.
/// </summary>
[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class AbandonedSessionTests(ZooKeeperEnsembleFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Well under the ensemble's session timeout (4 s: 6 s asked, clamped to 20 ticks of 200 ms), so a ticket node gone
    /// within it was removed by a closeSession, not by the servers expiring the session.
    /// </summary>
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(1.5);

    private readonly LockStoreHarness _harness = new(fixture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_session_abandoned_while_a_reconnect_presents_its_credentials_is_not_adopted_again()
    {
        // The reliability harness's failure: the lease ran out while the client was between connections, with a
        // ConnectRequest carrying the old session's id and password already on its way; the servers, which never
        // expired that session, took it back, and the client adopted it as a new one. Its lease had expired for good,
        // so every later ticket was lost at once while the servers kept its nodes.
        var server = int.Parse(fixture.Ensemble.ConnectionStringFor(0).Split(':')[1]);
        await using var proxy = TcpFaultProxy.Start(new IPEndPoint(IPAddress.Loopback, server));
        var observer = await _harness.StoreAsync();
        await using var store = ZooKeeperLockStore.Create(
            new ZooKeeperClientOptions
            {
                ConnectionString = $"127.0.0.1:{proxy.Port}",
                SessionTimeout = TimeSpan.FromSeconds(6),
                ConnectionTimeout = TimeSpan.FromSeconds(20),
            },
            new ZooKeeperLockStoreOptions { RootPath = _harness.Root });
        await store.Client.WaitUntilConnectedAsync();
        var old = await store.EnqueueAsync(["abandoned"], TicketMode.Exclusive, default);
        var abandoned = store.Client.SessionId;

        // Drop the connection and hold the next one mid-handshake: the client is between connections, its
        // ConnectRequest (the old session's id and password) waiting in the proxy.
        var accepted = proxy.ConnectionsAccepted;
        proxy.Stall();
        proxy.Reset();
        await Eventually.TrueAsync(() => proxy.ConnectionsAccepted > accepted, Wait, "the reconnect attempt, held by the stall");
        Assert.Equal(abandoned, store.Client.SessionId);

        // What the store does when the session's lease runs out (OnLeaseExpired).
        store.Client.AbandonSession(abandoned, "test: its client-side lease ran out");
        await Eventually.TrueAsync(() => old.LossReason == LockLossReason.SessionExpired, Wait, "the old ticket told it is lost");
        proxy.Heal(); // the held ConnectRequest reaches the server, which still has the session

        await Eventually.TrueAsync(() => store.Client.ConnectionState == ZooKeeperConnectionState.Connected && store.Client.SessionId != 0, Wait, "a session after the abandonment");
        var fresh = await store.EnqueueAsync(["fresh"], TicketMode.Exclusive, default);
        Assert.True(
            fresh.LossReason is null,
            $"a ticket of the session after the abandonment was lost at once ({fresh.LossReason}); abandoned 0x{abandoned:x}, now 0x{store.Client.SessionId:x}");
        Assert.NotEqual(abandoned, store.Client.SessionId);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(fresh, default)).Status);
        Assert.Null(fresh.LossReason);

        // The abandoned session was closed, not merely left to expire: its ticket no longer blocks the queue.
        await QueueEmptiesAsync(observer, "abandoned", Promptly);
    }

    [Fact]
    public async Task Abandoning_a_session_closes_it_on_the_servers_at_once()
    {
        var observer = await _harness.StoreAsync();
        var store = await _harness.StoreAsync();
        var old = await store.EnqueueAsync(["closed"], TicketMode.Exclusive, default);
        var abandoned = store.Client.SessionId;

        store.Client.AbandonSession(abandoned, "test: its client-side lease ran out");

        await QueueEmptiesAsync(observer, "closed", Promptly);
        Assert.Equal(LockLossReason.SessionExpired, old.LossReason);
        await Eventually.TrueAsync(() => store.Client.ConnectionState == ZooKeeperConnectionState.Connected && store.Client.SessionId != 0, Wait, "a new session");
        Assert.NotEqual(abandoned, store.Client.SessionId);
        var fresh = await store.EnqueueAsync(["closed"], TicketMode.Exclusive, default);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(fresh, default)).Status);
    }

    private static async Task QueueEmptiesAsync(ZooKeeperLockStore observer, string key, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<QueueEntry> queue;
        while ((queue = await observer.ReadQueueAsync(key, default)).Count > 0)
        {
            Assert.True(
                clock.Elapsed < within,
                $"the abandoned session's ticket still queued on '{key}' after {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", queue.Select(e => e.TicketId + " of " + e.SessionId))}");
            await Task.Delay(50);
        }
    }
}
