using MusicRecipes.Testing;
using MusicRecipes.Conformance;
using MusicRecipes.Locking;
using MusicRecipes.Testing.Backends;
using MusicRecipes.ZooKeeper.Tests.Infrastructure;

namespace MusicRecipes.ZooKeeper.Tests.Locking;

/// <summary>What only the ZooKeeper store does (watches, protected creates, node names); the rest is <see cref="ZooKeeperLockStoreConformanceTests"/>.</summary>
[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperLockStoreTests(ZooKeeperEnsembleFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly LockStoreHarness _harness = new(fixture);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_waiter_is_woken_by_its_predecessors_departure_through_a_watch()
    {
        var holder = await _harness.StoreAsync();
        var waiter = await _harness.StoreAsync();
        var held = await holder.EnqueueAsync(["w"], TicketMode.Exclusive, default);
        var waiting = await waiter.EnqueueAsync(["w"], TicketMode.Exclusive, default);
        Assert.Equal(HeadStatus.Waiting, (await waiter.CheckHeadAsync(waiting, default)).Status);

        var watchesBefore = waiter.Client.Watches.Count;
        var wake = waiter.WaitForChangeAsync(waiting, default);
        await Eventually.TrueAsync(() => waiter.Client.Watches.Count > watchesBefore, Wait, "a watch on the predecessor");
        await Task.Delay(500);
        Assert.False(wake.IsCompleted, "nothing changed, so the waiter must still be waiting");

        await holder.ReleaseAsync(held, clean: null, default);
        await Eventually.WithinAsync(wake, Wait, "the wake-up after the predecessor left");
        Assert.Equal(HeadStatus.Head, (await waiter.CheckHeadAsync(waiting, default)).Status);
    }

    [Fact]
    public async Task An_enqueue_whose_reply_was_lost_is_found_by_its_id_and_not_created_twice()
    {
        var store = await _harness.StoreAsync();
        store.EnqueueFault = (attempt, committed) => attempt == 1 && committed ? new ConnectionLossException("/") : null;
        var ticket = await store.EnqueueAsync(["amb1", "amb2"], TicketMode.Exclusive, default);
        var queue1 = await store.ReadQueueAsync("amb1", default);
        var queue2 = await store.ReadQueueAsync("amb2", default);
        Assert.Equal([ticket.Id], queue1.Select(e => e.TicketId));
        Assert.Equal([ticket.Id], queue2.Select(e => e.TicketId));
        Assert.Equal(ticket.OrdinalOf("amb1"), queue1[0].Position.Ordinal);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(ticket, default)).Status);

        // A loss before the multi was sent: nothing was created, so the store tries again, once.
        store.EnqueueFault = (attempt, committed) => attempt == 1 && !committed ? new ConnectionLossException("/") : null;
        var second = await store.EnqueueAsync(["amb1"], TicketMode.Exclusive, default);
        Assert.Equal([ticket.Id, second.Id], (await store.ReadQueueAsync("amb1", default)).Select(e => e.TicketId));
    }

    [Theory]
    [InlineData("cancelled")]
    [InlineData("failed after the commit")] // e.g. the adoption's own reads lost their connection
    public async Task An_enqueue_abandoned_after_its_multi_committed_leaves_no_orphan_behind(string how)
    {
        var store = await _harness.StoreAsync();
        var key = "orphan-" + how.Replace(' ', '-');
        Exception fault = how == "cancelled" ? new OperationCanceledException() : new InvalidOperationException("injected");
        store.EnqueueFault = (_, committed) => committed ? fault : null;
        var thrown = await Record.ExceptionAsync(() => store.EnqueueAsync([key], TicketMode.Exclusive, default));
        Assert.Same(fault, thrown);
        store.EnqueueFault = null;
        var deadline = DateTime.UtcNow + Wait;
        while ((await store.ReadQueueAsync(key, default)).Count > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the orphan ticket was not cleaned up");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_unavailability_is_a_MusicUnavailableException()
    {
        var store = await _harness.StoreAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.EnqueueAsync([], TicketMode.Exclusive, default));
        Assert.Throws<ArgumentException>(() => new ZooKeeperLockStore(store.Client, new ZooKeeperLockStoreOptions { RootPath = "no-slash" }));

        await using var nowhere = ZooKeeperLockStore.Create(new ZooKeeperClientOptions
        {
            ConnectionString = "127.0.0.1:1",
            ConnectionTimeout = TimeSpan.FromMilliseconds(300),
        });
        Assert.Equal(LockSessionState.Latent, nowhere.SessionState);
        await Assert.ThrowsAsync<MusicUnavailableException>(() => nowhere.EnqueueAsync(["x"], TicketMode.Exclusive, default));
    }

    [Fact]
    public async Task Keys_with_slashes_dots_and_unicode_get_distinct_valid_node_names()
    {
        string[] keys = ["a/b", "a%2Fb", ".", "..", "", "ключ", "a b", "k-a"];
        var names = keys.Select(KeyNodeName.Encode).ToArray();
        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => ZooKeeperPath.Validate("/" + n));

        var store = await _harness.StoreAsync();
        var ticket = await store.EnqueueAsync(["a/b", "ключ"], TicketMode.Exclusive, default);
        Assert.Equal(HeadStatus.Head, (await store.CheckHeadAsync(ticket, default)).Status);
        Assert.Equal(["a/b", "ключ"], (await store.ReadQueueAsync("ключ", default))[0].Keys);
    }

    [Fact]
    public void Ticket_node_names_round_trip()
    {
        var name = TicketNodeName.NameOf("abc", 8);
        Assert.Equal("t-abc-0000000007", name);
        Assert.True(TicketNodeName.TryParse(name, out var id, out var ordinal));
        Assert.Equal(("abc", 8L), (id, ordinal));
        Assert.False(TicketNodeName.TryParse("state", out _, out _));
        Assert.False(TicketNodeName.TryParse("t-abc-x", out _, out _));
    }
}

/// <summary>The lock-store obligations on ZooKeeper: each store its own session on the shared ensemble.</summary>
[Collection(ZooKeeperCollection.Name)]
[Trait(TestCategories.Trait, TestCategories.RealCluster)]
public sealed class ZooKeeperLockStoreConformanceTests : LockStoreConformanceTests
{
    private readonly LockStoreHarness _harness;

    public ZooKeeperLockStoreConformanceTests(ZooKeeperEnsembleFixture fixture)
    {
        _harness = new LockStoreHarness(fixture);
        Backend = new LockStoreTestBackend(
            "ZooKeeper lock store",
            async () => await _harness.StoreAsync(),
            store => fixture.Ensemble.ExpireSessionAsync(((ZooKeeperLockStore)store).Client));
    }

    // The suite disposes every store it opened; the harness only opens them here.
    protected override IMusicTestBackend Backend { get; }
}
